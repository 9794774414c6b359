"""The product scenario: a model trained on a list alone, scored on that list's later months.

For every list of ``../shared/lists`` that the catalog reads and that has at least
``--min-later`` papers in the listings after the cutoff: train on that list alone (its papers
announced by the cutoff, the listings up to the cutoff; what ``arxivbot train --list`` does
for a maintainer), then score every paper of every full listing day after the cutoff, up to
the list's latest paper. Positives are the list's later papers. Beside the model, on the same
papers: the keyword gate (RL terms AND multimodal terms) and an untuned scikit-learn
TF-IDF + LR. Figures per list and their mean: AP, recall at the model's threshold,
candidates a day at it, the best recall any threshold reaches within the daily budget, and
how many training positives had no abstract offline (they train on their title).

    python benchmarks/own_list_later_months.py [--cutoff 2025-05-15] [--card models/default.json]

``--card`` records the figures in that model card (``own_list``). Reads ../shared (or
$ARXIVBOT_SHARED); skips with a clear message without it. The shared lists are evaluation
only: nothing here feeds the shipped model.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ABSTRACTS, LISTINGS, LISTS, require_shared

CUTOFF = "2025-05-15"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cutoff", default=CUTOFF)
    parser.add_argument("--min-later", type=int, default=10,
                        help="lists with fewer papers after the cutoff are skipped")
    parser.add_argument("--card", type=Path, help="record the figures in this model's card")
    args = parser.parse_args()
    require_shared()
    # Title-only positives are counted in the table; the per-id warning would bury it.
    logging.getLogger("arxivbot").setLevel(logging.ERROR)
    if not LISTS.is_dir():
        sys.exit(f"the shared lists are not at {LISTS}; nothing to measure")
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.errors import ArxivBotError
    from arxivbot.model import classifier, generalisation
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    papers = replay.read_papers([LISTINGS])
    abstracts = {p.id: p for p in replay.read_papers([ABSTRACTS])}
    dates = {p.id: p.date for p in papers if p.date}
    results = []
    for path in sorted(LISTS.glob("*.md")):
        if path.name == "README.md":
            continue
        try:
            entries = read_catalog(path).entries
        except ArxivBotError as exc:
            print(f"skipped {path.name}: the catalog cannot read it ({exc})")
            continue
        ids = {e.arxiv_id for e in entries if e.arxiv_id}
        later = sum(1 for i in ids if dates.get(i, "") > args.cutoff)
        if later < args.min_later:
            print(f"skipped {path.name}: {later} papers after {args.cutoff} "
                  f"(< {args.min_later})")
            continue
        data = build_training_set({path.name: entries}, papers, abstracts=abstracts)
        try:
            result = generalisation.run_own_list(data, papers, args.cutoff, name=path.name)
        except (ValueError, classifier.TrainingError) as exc:
            print(f"skipped {path.name}: {exc}")
            continue
        results.append(result)
        f = result.figures[generalisation.MODEL]
        print(f"{path.name}: AP {f.average_precision:.3f}  recall at threshold "
              f"{f.recall_at_threshold:.3f}  {f.candidates_per_day:.1f}/day  best recall at "
              f"budget {f.recall_at_budget:.3f}  ({f.positives} positives; trained on "
              f"{result.train_positives}, {result.train_title_only} title only; facet flags "
              f"{'on' if result.facets_used else 'off'}, share "
              f"{result.facet_share or 0:.2f})", flush=True)
    if not results:
        sys.exit("no list has enough papers after the cutoff")
    print()
    print(generalisation.render_own_list(results))
    if args.card:
        from arxivbot.model.store import update_card

        update_card(args.card, own_list=generalisation.own_list_summary(results))
        print(f"\nrecorded in the card of {args.card}")


if __name__ == "__main__":
    main()
