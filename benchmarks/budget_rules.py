"""Does a cheap threshold rule keep the daily budget on the test months? (issue 11, item 3)

The recipe's threshold keeps recall 0.9 of the list's out-of-fold papers, raised if it passes
more than ``daily_budget`` (5) papers a day on average over the last ``budget_days`` (20)
training days. On the test months it passes more (the field's volume grows). Each rule below
sets a threshold on a trained model's scores of its own last training days (in-sample, no test
data), then the test days are scored: candidates a day and recall at that threshold, beside
the best recall any one threshold reaches within the budget (chosen on the test days: the
ceiling).

- T0 the recipe's threshold;
- T1 mean of the last 5 training days within the budget (fewer, more recent days);
- T2 every one of the last 5 / T2b of the last 10 training days within the budget;
- T3 the mean of the last 20 within budget / growth, growth = candidates a day at T0 on the
  last 20 days over the 20 before (projected trend);
- T4 the same with the growth of the listings' volume;
- T5 the mean of the last 20 within half the budget (headroom ×2);
- T6 the recipe's threshold, and at most ``floor(daily_budget)`` papers on any one day.

Two protocols, as in docs/backtest.md: out of list (trained on the seed lists, tested on lwpyh
and HITsz-TMG's later papers) and own list, later months (each shared list with >= 10 later
papers, trained on alone).

    python benchmarks/budget_rules.py

Reads ../shared (or $ARXIVBOT_SHARED); skips with a clear message without it. The shared lists
only label test days: no rule has a setting taken from them.
"""

from __future__ import annotations

import logging
import math
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from arxivbot.model.classifier import RelevanceModel
    from arxivbot.records import Paper

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ABSTRACTS, LISTINGS, LISTS, require_shared, seed_lists

CUTOFF = "2025-05-15"
HELD_OUT = ("lwpyh", "HITsz-TMG")


def per_day(scores: np.ndarray, days: Sequence[str]) -> dict[str, np.ndarray]:
    grouped: dict[str, list[float]] = {}
    for score, day in zip(scores, days, strict=True):
        grouped.setdefault(day, []).append(float(score))
    return {day: np.sort(np.array(v))[::-1] for day, v in grouped.items()}


def within_mean(by_day: dict[str, np.ndarray], days: Sequence[str], budget: float) -> float:
    """The lowest threshold passing at most ``budget`` a day on average over ``days``."""
    ordered = np.sort(np.concatenate([by_day[d] for d in days]))[::-1]
    allowed = math.floor(budget * len(days) + 1e-9)
    return 0.0 if allowed >= len(ordered) else float(np.nextafter(ordered[allowed], np.inf))


def within_each(by_day: dict[str, np.ndarray], days: Sequence[str], budget: float) -> float:
    """The lowest threshold passing at most ``budget`` on every one of ``days``."""
    k = math.floor(budget)
    cuts = [by_day[d][k] for d in days if len(by_day[d]) > k]
    return float(np.nextafter(max(cuts), np.inf)) if cuts else 0.0


def rules(model: RelevanceModel, negatives: Sequence[Paper], budget: float
          ) -> list[tuple[str, float, int | None]]:
    """(rule, threshold, per-day cap) for T0 … T6 from the last 40 training days."""
    days = sorted({p.date for p in negatives})
    last40 = set(days[-40:])
    recent = [p for p in negatives if p.date in last40]
    scores = np.array([s.score for s in model.score(recent, nearest=False)])
    by_day = per_day(scores, [p.date for p in recent])
    ordered = sorted(by_day)
    last20, before = ordered[-20:], ordered[-40:-20]
    base = model.threshold
    now = np.mean([np.sum(by_day[d] >= base) for d in last20])
    then = np.mean([np.sum(by_day[d] >= base) for d in before]) if before else now
    growth = max(1.0, float(now / then) if then else 1.0)
    volume = max(1.0, float(np.mean([len(by_day[d]) for d in last20])
                            / np.mean([len(by_day[d]) for d in before])) if before else 1.0)
    return [
        ("T0 recipe", base, None),
        ("T1 mean of last 5 days", max(base, within_mean(by_day, ordered[-5:], budget)), None),
        ("T2 each of last 5 days", max(base, within_each(by_day, ordered[-5:], budget)), None),
        ("T2b each of last 10 days", max(base, within_each(by_day, ordered[-10:], budget)),
         None),
        (f"T3 trend ×{growth:.2f}", max(base, within_mean(by_day, last20, budget / growth)),
         None),
        (f"T4 volume ×{volume:.2f}", max(base, within_mean(by_day, last20, budget / volume)),
         None),
        ("T5 headroom ×2", max(base, within_mean(by_day, last20, budget / 2)), None),
        ("T6 cap each day", base, math.floor(budget)),
    ]


def main() -> None:
    require_shared()
    if not LISTS.is_dir():
        sys.exit(f"the shared lists are not at {LISTS}; nothing to measure")
    logging.getLogger("arxivbot").setLevel(logging.ERROR)
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.commands.eval import _label_ids
    from arxivbot.errors import ArxivBotError
    from arxivbot.model import classifier, generalisation
    from arxivbot.model.evaluate import full_days
    from arxivbot.model.training_data import TrainingSet, build_training_set
    from arxivbot.sources import replay

    params = classifier.ModelParams()
    budget = params.daily_budget
    papers = replay.read_papers([LISTINGS])
    abstracts = {p.id: p for p in replay.read_papers([ABSTRACTS])}
    complete = full_days(papers, ("cs.CV", "cs.CL"))
    dates = {p.id: p.date for p in papers if p.date}

    def window(ids: set[str], exclude: set[str]) -> tuple[list[Paper], np.ndarray]:
        last = max(dates[i] for i in ids if dates.get(i, "") > CUTOFF)
        test = [p for p in papers if CUTOFF < p.date <= last and p.date in complete
                and p.id not in exclude]
        return test, np.array([p.id in ids for p in test])

    cases: list[tuple[str, TrainingSet, list[tuple[list[Paper], np.ndarray]]]] = []
    seeds = build_training_set({p.name: read_catalog(p).entries for p in seed_lists()},
                               papers, abstracts=abstracts)
    training, train_ids, _ = generalisation.split(seeds, papers, "(none)", CUTOFF)
    held = [_label_ids(p) - train_ids for p in sorted(LISTS.glob("*__*.md"))
            if p.name.split("__")[0] in HELD_OUT]
    cases.append(("out of list (seeds → HITsz-TMG, lwpyh)", training,
                  [window(ids, train_ids) for ids in held]))
    for path in sorted(LISTS.glob("*__*.md")):
        try:
            entries = read_catalog(path).entries
        except ArxivBotError:
            continue
        ids = {e.arxiv_id for e in entries if e.arxiv_id}
        if sum(1 for i in ids if dates.get(i, "") > CUTOFF) < 10:
            continue
        data = build_training_set({path.name: entries}, papers, abstracts=abstracts)
        cases.append((f"own list {path.name.split('__')[0]}", data.until(CUTOFF),
                      [window(ids, set())]))

    print("| protocol | rule | threshold | cand./day at thr. (per test list) | recall at thr. | "
          f"best recall at {budget:g}/day |")
    print("|---|---|---|---|---|---|")
    for name, part, tests in cases:
        model = generalisation.default_trainer(part, params)
        scored = [np.array([s.score for s in model.score(t, nearest=False)]) for t, _ in tests]
        ceiling = [generalisation.recall_within(s, y, budget * len({p.date for p in t}))
                   for s, (t, y) in zip(scored, tests, strict=True)]
        for rule, threshold, cap in rules(model, part.negatives, budget):
            rates, recalls = [], []
            for s, (test, labels) in zip(scored, tests, strict=True):
                days = [p.date for p in test]
                chosen = classifier.select(s, days, threshold, cap or 10)
                rates.append(chosen.sum() / len(set(days)))
                recalls.append((chosen & labels).sum() / labels.sum())
            print(f"| {name} | {rule} | {threshold:.4g} | "
                  f"{' / '.join(f'{r:.1f}' for r in rates)} | "
                  f"{' / '.join(f'{r:.3f}' for r in recalls)} | "
                  f"{' / '.join(f'{c:.3f}' for c in ceiling)} |", flush=True)


if __name__ == "__main__":
    main()
