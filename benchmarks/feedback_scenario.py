"""A replayed feedback loop on real data: run day 1 → the maintainer merges with edits →
``feedback`` → ``retrain`` → run day 2. Prints how the rejected papers' scores moved and the
before/after backtest figures.

The story, on seed list 001 ("Reinforcement Fine-Tuning Powers Reasoning Capability of
MLLMs", 62 arXiv papers) and the shared listings:

- **Day 0 (2025-04-10).** The list holds the seed's papers announced by then; a model is
  trained on it and on the listings up to that day.
- **Day 1 (2025-04-11).** ``arxivbot run`` proposes the day's candidates on a branch of a
  local git repository. The maintainer plays the real list: a candidate that the real list
  holds is kept, in the real list's section and under its short name (an edit); every other
  line is deleted. Then the branch is merged.
- **The next two weeks (to 2025-04-25).** The maintainer adds by hand the papers the real list
  gained in those days (the bot did not propose them; the list grew anyway).
- **Retrain (2025-04-25).** ``feedback`` reads the merged proposal; ``retrain`` trains on the
  list as it is now with the rejections as hard negatives, and compares the current and the
  new recipe on the same backtest: both trained on what was known on day 1, tested on the
  full listing days after it up to 2025-04-25, with the list's papers as the positives.
  With ``--days 5`` a week of daily proposals (2025-04-11 … 04-17) is run and reviewed
  before the feedback, and the backtest's cutoff is the last of them.
- **Day 2 (2025-04-28), the next announcement day.** The run with the new model; the
  rejected papers are never proposed again.

Run from the repository root (about three minutes, most of it training):
``.venv/bin/python benchmarks/feedback_scenario.py [--days 5]``.
Reads ../shared (or $ARXIVBOT_SHARED) and exits with a message when it is absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import Catalog, parse_catalog, read_catalog
from arxivbot.config import Settings
from arxivbot.feedback.collect import collect, edits
from arxivbot.feedback.decisions import append_decisions, read_decisions, rejected_ids
from arxivbot.jobs import daily
from arxivbot.jobs.retrain import Figures, retrain, summary
from arxivbot.model import classifier
from arxivbot.model.store import load_model, save_model
from arxivbot.model.training_data import build_training_set
from arxivbot.publish.local import LocalPublisher
from arxivbot.records import Candidate, CatalogEntry, Paper
from arxivbot.sources import replay
from arxivbot.sources.day import DayListing
from common import SHARED_ROOT

SHARED = SHARED_ROOT
SEED = "001_6f30e543fcd0e480.txt"
DAY0, DAY1, RETRAIN_DAY, DAY2 = "2025-04-10", "2025-04-11", "2025-04-25", "2025-04-28"
GIT_ENV = {"GIT_AUTHOR_NAME": "maintainer", "GIT_AUTHOR_EMAIL": "m@example.invalid",
           "GIT_COMMITTER_NAME": "maintainer", "GIT_COMMITTER_EMAIL": "m@example.invalid"}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--days", type=int, default=1,
                        help="announcement days run and reviewed before feedback (default 1)")
    args = parser.parse_args(argv)
    if not (SHARED / "data" / "arxiv" / "listings").is_dir():
        print(f"skipped: the shared data is absent ({SHARED}/data/arxiv/listings); set "
              "ARXIVBOT_SHARED to the folder holding data/ and seeds/")
        return 0
    started = time.perf_counter()
    truth = read_catalog(SHARED / "seeds" / SEED)
    all_papers = replay.read_papers([SHARED / "data" / "arxiv" / "listings"],
                                      until=DAY2)
    by_id = {p.id: p for p in all_papers}
    abstracts = {p.id: p for p in replay.read_papers(
        [SHARED / "data" / "arxiv" / "catalog_abstracts.jsonl"])}
    dated = {i: p.date for i, p in {**abstracts, **by_id}.items() if p.date}
    truth_ids = {e.arxiv_id for e in truth.entries if e.arxiv_id}

    def announced(entry: CatalogEntry) -> str:
        return dated.get(entry.arxiv_id or "", "")

    settings = Settings()
    with tempfile.TemporaryDirectory(prefix="arxivbot-scenario-") as tmp:
        repo = Path(tmp) / "list"
        start = _without(truth, lambda e: announced(e) > DAY0)
        _init_repo(repo, start)
        publisher = LocalPublisher(repo, "README.md", "main")

        # Day 0: the current model.
        before_day1 = [p for p in all_papers if p.date <= DAY0]
        lists = {"README.md": parse_catalog(start.decode(), "README.md").entries}
        data = build_training_set(lists, before_day1, abstracts=abstracts, until=DAY0)
        params = dataclasses.replace(classifier.ModelParams(),
                                     recall_target=settings.model.recall_target,
                                     hard_negative_weight=settings.feedback.hard_negative_weight)
        model_path = Path(tmp) / "current.json"
        model = classifier.train(data.positives, data.negatives, entries=data.entries,
                                 params=params)
        save_model(model, model_path, model.card.but(training_data=data.card()))
        current = load_model(model_path)
        print(f"day 0 ({DAY0}): list with {len(data.positives)} papers; model "
              f"{current.version}, threshold {current.threshold:.3f}")

        # Day 1 (and the days after it, with --days): the run, and the maintainer's review.
        run_days = sorted({p.date for p in all_papers if DAY1 <= p.date < RETRAIN_DAY})
        run_days = run_days[: max(1, args.days)]
        for day in run_days:
            report = daily.run(_day(all_papers, day), publisher, current, settings)
            print(f"day {day}: {report.summary().splitlines()[0]}")
            if not report.candidates:
                continue
            kept, edited = _review(repo, day, report.candidates, truth)
            print(f"  maintainer kept {len(kept)} (the real list has them), deleted "
                  f"{len(report.candidates) - len(kept)}; edited {edited} kept lines")
            _git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge arxivbot proposal",
                 f"arxivbot/{day}")
        cutoff = run_days[-1]

        # The next two weeks: the list grows by hand as the real one did.
        added = _add_by_hand(repo, truth, lambda e: DAY0 < announced(e) <= RETRAIN_DAY)
        print(f"  by hand until {RETRAIN_DAY}: {added} papers the real list gained")

        # Feedback, then retrain.
        decisions_path = Path(tmp) / "decisions.jsonl"
        found = collect(publisher)
        append_decisions(decisions_path, found.decisions)
        counts = found.counts()
        print(f"feedback: {counts['accepted']} accepted, {counts['rejected']} rejected, "
              f"{len(edits(found.decisions))} edited by the maintainer")
        decisions = read_decisions(decisions_path)
        snapshot = publisher.read_list()
        now_lists = {"README.md": parse_catalog(snapshot.content.decode(), "README.md").entries}
        known = [p for p in all_papers if p.date <= RETRAIN_DAY]
        outcome = retrain(current, now_lists, known, decisions, abstracts=abstracts,
                          params=params, cutoff=cutoff, categories=settings.arxiv.categories,
                          max_per_day=settings.model.max_candidates)
        print()
        print(summary(outcome))
        _print_figures(outcome.comparison.before, outcome.comparison.after)

        # The same retrain without the rejections, to tell their effect from the new data's.
        no_feedback = build_training_set(now_lists, known, abstracts=abstracts)
        plain = classifier.train(no_feedback.positives, no_feedback.negatives,
                                 entries=no_feedback.entries, params=params)
        rejected = [by_id[m.id] for m in outcome.rejected_scores if m.id in by_id]
        plain_scores = {s.paper.id: s.score for s in plain.score(rejected)}
        print("\nrejected papers: day-0 model → retrained without feedback → retrained with it")
        for m in outcome.rejected_scores:
            title = by_id[m.id].title[:60] if m.id in by_id else ""
            print(f"  {m.id}  {m.before:.3f} → {plain_scores.get(m.id, float('nan')):.3f} → "
                  f"{m.after:.3f}  {title}")
        below = sum(1 for m in outcome.rejected_scores if m.after < outcome.model.threshold)
        print(f"  {below} of {len(outcome.rejected_scores)} now below the new threshold "
              f"{outcome.model.threshold:.3f} (day-0 threshold {current.threshold:.3f})")

        # Day 2 with the new model (and, for comparison, with the day-0 model).
        new_path = Path(tmp) / "new.json"
        save_model(outcome.model, new_path, outcome.card)
        new = load_model(new_path)
        listing2 = _day(all_papers, DAY2)
        old_pick = {s.paper.id for s in current.score(
            listing2.papers, max_per_day=settings.model.max_candidates) if s.selected}
        second = daily.run(listing2, publisher, new, settings,
                              rejected=rejected_ids(decisions))
        new_pick = {c.paper.id for c in second.candidates}
        on_day2 = {p.id for p in listing2.papers} & truth_ids
        print(f"\nday 2 ({DAY2}): {second.summary().splitlines()[0]}; the real list has "
              f"{len(on_day2)} of the day's papers")
        print(f"  day-0 model would propose {len(old_pick)} ({len(old_pick & truth_ids)} on the "
              f"real list); new model proposes {len(new_pick)} ({len(new_pick & truth_ids)} on "
              f"the real list); rejected papers proposed again: "
              f"{len(new_pick & rejected_ids(decisions))}")
    print(f"\n({time.perf_counter() - started:.0f} s)")
    return 0


def _without(catalog: Catalog, drop: Callable[[CatalogEntry], bool]) -> bytes:
    """The list's bytes without the entries ``drop`` selects (whole lines removed)."""
    gone = {n for e in catalog.entries if e.arxiv_id and drop(e)
            for n in range(e.line, e.end_line + 1)}
    lines = catalog.raw.splitlines(keepends=True)
    return b"".join(line for number, line in enumerate(lines, start=1) if number not in gone)


def _init_repo(repo: Path, content: bytes) -> None:
    repo.mkdir()
    (repo / "README.md").write_bytes(content)
    _git(repo, "init", "--quiet", "--initial-branch=main")
    _git(repo, "add", "README.md")
    _git(repo, "commit", "--quiet", "-m", "The list on day 0")


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                   env={**os.environ, **GIT_ENV})


def _day(papers: Sequence[Paper], date: str) -> DayListing:
    return DayListing(date, tuple(p for p in papers if p.date == date), 0, "shared listings")


def _review(repo: Path, day: str, candidates: Sequence[Candidate], truth: Catalog
            ) -> tuple[set[str], int]:
    """Play the maintainer on the proposal's branch: keep what the real list has, in its
    section and wording; delete the rest. Returns the kept ids and how many were edited."""
    real = {e.arxiv_id: e for e in truth.entries if e.arxiv_id}
    _git(repo, "checkout", "--quiet", f"arxivbot/{day}")
    text = (repo / "README.md").read_bytes()
    proposed = {c.paper.id: c for c in candidates}
    lines = text.decode("utf-8", "surrogateescape").splitlines(keepends=True)
    kept: set[str] = set()
    edited = 0
    moves: list[Addition] = []
    out = []
    for line in lines:
        hit = next((i for i, c in proposed.items() if line.rstrip("\r\n") == c.entry_text), None)
        if hit is None:
            out.append(line)
            continue
        if hit not in real:
            continue  # deleted: rejected
        kept.add(hit)
        entry = real[hit]
        if entry.raw != proposed[hit].entry_text or entry.section != proposed[hit].section:
            edited += 1
            moves.append(Addition(section=entry.section, text=entry.raw, sort_key=hit))
            continue  # re-inserted below, as the real list writes it and where it has it
        out.append(line)
    body = "".join(out).encode("utf-8", "surrogateescape")
    if moves:
        here = parse_catalog(body.decode("utf-8", "surrogateescape"), "README.md")
        here = Catalog(here.source, body, here.entries, here.sections)
        moves = [m for m in moves if here.section(m.section) is not None]
        body = insert_entries(here, moves) if moves else body
    (repo / "README.md").write_bytes(body)
    _git(repo, "commit", "--quiet", "-am", "Review: keep what belongs, as the list writes it")
    _git(repo, "checkout", "--quiet", "main")
    return kept, edited


def _add_by_hand(repo: Path, truth: Catalog, when: Callable[[CatalogEntry], bool]) -> int:
    """Commit to main the real list's entries ``when`` selects that main lacks."""
    raw = (repo / "README.md").read_bytes()
    here = parse_catalog(raw.decode("utf-8", "surrogateescape"), "README.md")
    here = Catalog(here.source, raw, here.entries, here.sections)
    have = here.arxiv_ids
    additions = [Addition(section=e.section, text=e.raw, sort_key=e.arxiv_id)
                 for e in truth.entries
                 if e.arxiv_id and e.arxiv_id not in have and when(e)
                 and here.section(e.section) is not None and "\n" not in e.raw]
    if additions:
        (repo / "README.md").write_bytes(insert_entries(here, additions))
        _git(repo, "commit", "--quiet", "-am", "Add papers by hand")
    return len(additions)


def _print_figures(before: Figures, after: Figures) -> None:
    def f(value: float | None) -> str:
        return "–" if value is None else f"{value:.3f}"

    print(f"{'':22}{'current':>10}{'new':>10}")
    for name in ("average_precision", "recall_at_threshold", "recall_at_10", "recall_at_25",
                 "candidates_per_day", "threshold", "hard_negatives"):
        a, b = getattr(before, name), getattr(after, name)
        print(f"  {name:20}{f(a) if not isinstance(a, int) else a:>10}"
              f"{f(b) if not isinstance(b, int) else b:>10}")


if __name__ == "__main__":
    sys.exit(main())
