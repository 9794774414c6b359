"""Can a threshold keep its recall promise on a list it never saw? (issue 11, item 3)

Three measures on the papers ``arxivbot eval --out-of-list 2025-05-15`` uses (its ``split``):

1. **Training positives.** How many seed-list papers the out-of-list protocol trains on (those
   announced by the cutoff) against the seed lists as they are now (what ``arxivbot train``
   uses): the issue's anchor trains "on the three seed lists with listings up to mid-May".
2. **Leave one seed list out.** Train on two seed lists (their papers, the listings up to the
   cutoff minus the last ``--recent`` listing days), score the third list's papers that no other
   seed list holds and have an abstract, and the recent days' papers (unseen by that model).
   Each held-out paper costs the candidates a day that a threshold at its score proposes on
   the recent days; pooled over the three lists, the rate that keeps 90 % of them is what a
   threshold "chosen on held-out list papers" would spend.
3. **What that rate does on the out-of-list test.** A model trained the same way on all three
   seed lists, its threshold set to propose that many papers a day on the recent days (and at
   the recipe's budget, for comparison), then the out-of-list test: recall at that threshold,
   candidates a day, and the best recall any threshold reaches at the budget.

    python benchmarks/threshold_promise.py [--recent 20]

Reads ../shared (or $ARXIVBOT_SHARED); skips with a clear message without it. The shared
topic lists are evaluation labels only: nothing here feeds the shipped model.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ABSTRACTS, LISTINGS, LISTS, require_shared, seed_lists

CUTOFF = "2025-05-15"
HELD_OUT = ("lwpyh", "HITsz-TMG")
LABEL_LISTS = ("lwpyh", "HITsz-TMG", "TsinghuaC3I", "opendilab", "JLZhong23")


def rate_of(scores: np.ndarray, recent: np.ndarray, days: int) -> np.ndarray:
    """Candidates a day a threshold at each of ``scores`` proposes among ``recent``."""
    ordered = np.sort(recent)
    return (len(ordered) - np.searchsorted(ordered, scores, side="left")) / days


def threshold_at_rate(recent: np.ndarray, rate: float, days: int) -> float:
    """The lowest threshold that proposes at most ``rate`` a day among ``recent``."""
    ordered = np.sort(recent)[::-1]
    allowed = math.floor(rate * days + 1e-9)
    if allowed >= len(ordered):
        return float(ordered[-1])
    return float(np.nextafter(ordered[allowed], np.inf))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--recent", type=int, default=20,
                        help="listing days before the cutoff the rates are measured on")
    args = parser.parse_args()
    require_shared()
    if not LISTS.is_dir():
        sys.exit(f"the shared topic lists are not at {LISTS}")
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.commands.eval import _label_ids
    from arxivbot.model import classifier, generalisation
    from arxivbot.model.training_data import TrainingSet, build_training_set, known_by
    from arxivbot.records import Paper
    from arxivbot.sources import replay

    lists = {p.name: read_catalog(p).entries for p in seed_lists()}
    papers = replay.read_papers([LISTINGS])
    abstracts = {p.id: p for p in replay.read_papers([ABSTRACTS])}
    data = build_training_set(lists, papers, abstracts=abstracts)
    topic = {path.name: path for path in sorted(LISTS.glob("*__*.md"))}
    held = {name: _label_ids(path) for name, path in topic.items()
            if name.split("__")[0] in HELD_OUT}
    wider = set().union(*(_label_ids(path) for name, path in topic.items()
                          if name.split("__")[0] in LABEL_LISTS))

    # 1. Training positives: known by the cutoff against the whole seed lists.
    known = [p for p in data.positives if known_by(p, CUTOFF)]
    dated = sorted(p.date for p in data.positives if p.date)
    print("## 1. Training positives\n")
    print(f"seed lists now: {len(data.positives)} distinct papers "
          f"({sum(1 for p in data.positives if not p.abstract)} title only), "
          f"latest announced {dated[-1] if dated else '?'}; "
          f"known by {CUTOFF}: {len(known)}")
    if len(known) == len(data.positives):
        print("-> the whole lists and the cutoff-only positives are the same papers: "
              "the two protocols are one.\n")

    # 2. Leave one seed list out.
    training, _, _ = generalisation.split(data, papers, "(none)", CUTOFF)
    days = sorted({p.date for p in training.negatives})
    recent_days = set(days[-args.recent:])
    recent = [p for p in training.negatives if p.date in recent_days]
    older = [p for p in training.negatives if p.date not in recent_days]
    members: dict[str, set[str]] = {}
    for entry in training.entries:
        members.setdefault(entry.list, set()).add(entry.id)

    def scores(model: classifier.RelevanceModel, items: Sequence[Paper]) -> np.ndarray:
        return np.array([s.score for s in model.score(items, nearest=False)])

    print(f"## 2. Leave one seed list out (rates on the last {args.recent} listing days "
          f"before {CUTOFF}, {len(recent)} papers)\n")
    print("| held out | trained on | held-out papers | recall at own thr. | "
          "cand./day at own thr. | cand./day for recall 0.9 |")
    print("|---|---|---|---|---|---|")
    pooled: list[float] = []
    for name, ids in members.items():
        others = set().union(*(v for k, v in members.items() if k != name))
        test = [p for p in training.positives if p.id in ids - others and p.abstract]
        fit_on = [p for p in training.positives if p.id in others]
        if not test:
            print(f"| {name} | {len(fit_on)} | 0 | – | – | – |")
            continue
        model = classifier.train(fit_on, older)
        held_scores, recent_scores = scores(model, test), scores(model, recent)
        rates = rate_of(held_scores, recent_scores, args.recent)
        pooled += rates.tolist()
        need = float(np.sort(rates)[math.ceil(0.9 * len(rates) - 1e-9) - 1])
        print(f"| {name} | {len(fit_on)} | {len(test)} | "
              f"{np.mean(held_scores >= model.threshold):.3f} | "
              f"{np.mean(recent_scores >= model.threshold) * len(recent) / args.recent:.1f} | "
              f"{need:.1f} |")
    ordered = np.sort(pooled)
    need = float(ordered[math.ceil(0.9 * len(ordered) - 1e-9) - 1])
    budget = classifier.ModelParams().daily_budget
    print(f"\npooled: {len(ordered)} papers; recall 0.9 needs {need:.2f} candidates/day; "
          f"recall at the budget ({budget:g}/day): {np.mean(ordered <= budget):.3f}\n")

    # 3. That rate on the out-of-list test.
    print("## 3. The out-of-list test (mean over held-out lists)\n")
    print("| threshold rule | cand./day on recent days | label set | recall at thr. | "
          "cand./day at thr. | best recall at budget | cand./day at recall 0.9 |")
    print("|---|---|---|---|---|---|---|")
    for rule, rate in (("recipe's own (in-list recall 0.9, budget)", None),
                       ("held-out seed lists' recall 0.9", need),
                       ("the budget itself", budget)):

        def trainer(part: TrainingSet, params: classifier.ModelParams,
                    rate: float | None = rate) -> classifier.RelevanceModel:
            if rate is None:
                return generalisation.default_trainer(part, params)
            model = classifier.train(part.positives,
                                     [p for p in part.negatives if p.date not in recent_days],
                                     entries=part.entries, params=params)
            model.threshold = threshold_at_rate(
                scores(model, [p for p in part.negatives if p.date in recent_days]),
                rate, args.recent)
            return model

        result = generalisation.run_out_of_list(
            data, papers, CUTOFF, label_ids=wider, other_lists=held, trainer=trainer,
            baselines=False)
        summary = result.summary()
        shown = "its card's" if rate is None else f"{rate:.2f}"
        for labels in result.label_sets():
            f = summary[labels][generalisation.MODEL]
            print(f"| {rule} | {shown} | {labels} | {f['recall_at_threshold']:.3f} | "
                  f"{f['candidates_per_day']:.1f} | {f['recall_at_budget']:.3f} | "
                  f"{f['candidates_per_day_at_recall_0.9']:.1f} |", flush=True)


if __name__ == "__main__":
    main()
