"""The daily review loop a maintainer keeps, replayed: 20+ days through the local GitHub.

Drives ``daily.run`` (the real GitHub publisher, PyGithub, against ``tests/github_server.py``
over real git) day after day on the shared listings, with ``feedback`` before each run, as the
Actions workflow does, and a scripted maintainer on seed list 001:

- merges the rolling PR on some days, once after deleting one proposed line and once after
  editing one (their own commits on the PR's branch);
- closes it once (rejecting everything in it);
- goes away for a week (no action at all), then merges what piled up.

Prints per day: open bot PRs after the run, papers shown / above threshold, the PR action;
and at the end: max open PRs (must be <= 1), papers above threshold never shown and no longer
waiting (must be 0), merge conflicts (must be 0) and useless days (a day with papers above
threshold whose run changed no PR, or failed: must be 0).

Run from the repository root (about a minute): ``.venv/bin/python benchmarks/review_loop.py
[--days 25] [--cap 3]``. Reads ../shared (or $ARXIVBOT_SHARED); exits with a message when absent.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tempfile
from pathlib import Path

from common import LISTINGS, ROOT, require_shared, seed_lists

sys.path.insert(0, str(ROOT))  # tests.github_server

from tests.github_server import FakeGitHub

from arxivbot.config import ModelSettings, Settings
from arxivbot.errors import ArxivBotError
from arxivbot.feedback.collect import collect
from arxivbot.jobs import daily
from arxivbot.model.store import load_model
from arxivbot.publish.github import GitHubPublisher
from arxivbot.sources.day import DayListing
from arxivbot.sources.replay import day_of_file, iter_papers, listing_files

TOKEN = "ghs_reviewLoopToken0123456789abcdef"
FIRST_DAY = "2025-05-01"


def plan(index: int) -> str:
    """What the maintainer does after the run of day ``index`` (0-based)."""
    script = {
        2: "delete-line", 3: "merge", 5: "edit-line", 6: "merge", 8: "close",
        **dict.fromkeys(range(10, 17), "away"), 17: "merge", 20: "merge", 23: "merge",
    }
    return script.get(index, "-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--days", type=int, default=25)
    parser.add_argument("--cap", type=int, default=3, help="max_candidates a day")
    args = parser.parse_args()
    require_shared()
    seed = seed_lists()[1]
    files = listing_files(LISTINGS, since=FIRST_DAY)[: args.days]
    model = load_model(None)
    settings = dataclasses.replace(Settings(), model=ModelSettings(max_candidates=args.cap))
    archive = {}
    for file in files:
        for paper in iter_papers(file):
            archive.setdefault(paper.id, paper)

    with tempfile.TemporaryDirectory() as tmp, FakeGitHub(
        Path(tmp), {"README.md": seed.read_bytes()}, token=TOKEN
    ) as hub:
        publisher = GitHubPublisher(
            hub.full_name, "README.md", None, token=TOKEN, base_url=hub.base_url,
            backoff_factor=0.0, seconds_between_writes=None,
        )
        above_ever: set[str] = set()
        shown_ever: set[str] = set()
        max_open = conflicts = useless = 0
        waiting_now: set[str] = set()
        print(f"list {seed.name}; {len(files)} days from {FIRST_DAY}; cap {args.cap} a day")
        print(f"{'day':<11} {'open':>4} {'in PR/above':>11} {'waiting':>7}  action    maintainer")
        for index, file in enumerate(files):
            day = day_of_file(file) or ""
            papers = tuple(iter_papers(file))
            decisions = collect(publisher).decisions
            rejected = frozenset(d.id for d in decisions if d.decision == "rejected")
            backlog = [archive[i] for i in daily.waiting_ids(publisher) if i in archive]
            listing = DayListing(date=day, papers=papers, skipped=0, source=str(file))
            try:
                report = daily.run(listing, publisher, model, settings, rejected=rejected,
                                   backlog=backlog)
            except ArxivBotError as exc:
                print(f"{day}: Error: {exc}")
                useless += 1
                continue
            today_above = {c.paper.id for c in report.candidates} | {
                w.paper.id for w in report.waiting
            }
            above_ever |= today_above
            shown_ever |= {c.paper.id for c in report.candidates}
            waiting_now = {w.paper.id for w in report.waiting}
            action = report.result.action if report.result else report.status
            changed = report.result is not None and report.result.action in ("created", "updated")
            if report.above_threshold and not changed:
                useless += 1
            open_prs = [pr for pr in hub.pulls.values() if pr.state == "open"]
            max_open = max(max_open, len(open_prs))
            todo = plan(index)
            if open_prs and todo not in ("-", "away"):
                conflicts += act(hub, open_prs[0].number, todo, report)
            print(f"{day:<11} {len(open_prs):>4} {len(report.candidates):>5}/"
                  f"{report.above_threshold:<5} {len(report.waiting):>7}  {action:<9} {todo}")
        lost = above_ever - shown_ever - waiting_now
        print()
        print(f"max open bot PRs on any day: {max_open} (must be <= 1)")
        print(f"papers above threshold: {len(above_ever)}; shown in a PR: {len(shown_ever)}; "
              f"still waiting: {len(waiting_now)}; lost: {len(lost)} (must be 0)")
        print(f"merge conflicts: {conflicts} (must be 0)")
        print(f"useless days: {useless} (must be 0)")
        print(f"pull requests in all: {len(hub.pulls)}")


def act(hub: FakeGitHub, number: int, todo: str, report: daily.RunReport) -> int:
    """The maintainer's move; returns 1 for a merge that did not apply cleanly."""
    pr = hub.pulls[number]
    target = report.candidates[0].paper.id if report.candidates else ""

    def without(text: bytes) -> bytes:
        return b"".join(line for line in text.splitlines(keepends=True)
                        if target.encode() not in line)

    def edited(text: bytes) -> bytes:
        return b"".join(line.replace(b"](https://arxiv.org/abs/", b"](http://arxiv.org/abs/")
                        if target.encode() in line else line
                        for line in text.splitlines(keepends=True))

    try:
        if todo == "delete-line":
            hub.commit_file(pr.head, "README.md",
                            without(hub.file_at(f"refs/heads/{pr.head}", "README.md") or b""),
                            "Not this one")
        elif todo == "edit-line":
            hub.commit_file(pr.head, "README.md",
                            edited(hub.file_at(f"refs/heads/{pr.head}", "README.md") or b""),
                            "Fix the link")
        elif todo == "merge":
            hub.merge_pull(number)
        elif todo == "close":
            hub.close_pull(number)
    except RuntimeError as exc:
        print(f"  maintainer: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    main()
