"""How often section placement puts a paper where the list's maintainers put it.

Leave-one-out over each seed list's paper entries: hold one entry out, place it with
``arxivbot.placement.place`` among the list's other entries, and compare with the section
the list really has it in. Printed beside the baseline "always the largest section".

    .venv/bin/python benchmarks/placement_accuracy.py [--model models/default.json]

Reads ../shared/seeds; skips with a message when it is absent.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter
from pathlib import Path

from arxivbot.catalog.parse import read_catalog
from arxivbot.model.store import load_model
from arxivbot.proposal.placement import place
from arxivbot.records import Paper
from common import SEEDS


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()
    if not SEEDS.is_dir():
        print(f"skipped: {SEEDS} is absent (the seed lists live in ../shared/seeds)")
        return 0
    model = load_model(args.model)
    for seed in sorted(SEEDS.glob("*.txt")):
        catalog = read_catalog(seed)
        sections = [s for s in catalog.sections if s.kind == "paper" and catalog.entries_in(s.path)]
        entries = [e for e in catalog.entries if e.section in {s.path for s in sections}]
        if len(sections) < 2:
            print(f"{seed.name}: {len(entries)} paper entries in 1 section: nothing to choose")
            continue
        largest = Counter(e.section for e in entries).most_common(1)[0][0]
        correct = minority = minority_correct = 0
        for held_out in entries:
            rest = [e for e in entries if e is not held_out]
            text = model.entry_texts.get(held_out.arxiv_id or "", held_out.title)
            title, _, abstract = text.partition("\n")
            paper = Paper(id=held_out.arxiv_id or "0000.00000", title=title, abstract=abstract)
            chosen = place([paper], sections, rest, model.vectorize, model.entry_texts)[0].section
            correct += chosen == held_out.section
            if held_out.section != largest:
                minority += 1
                minority_correct += chosen == held_out.section
        baseline = sum(e.section == largest for e in entries) / len(entries)
        print(
            f"{seed.name}: {len(entries)} paper entries in {len(sections)} sections; "
            f"leave-one-out accuracy {correct / len(entries):.2f} "
            f"(baseline 'largest section' {baseline:.2f}); "
            f"outside the largest section {minority_correct}/{minority}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
