"""The cap limits what is shown first, not what is kept: over-cap papers are listed, stay
eligible and come back on a later day; the body opens with the triage table."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.run_data import FIXTURE_LIST, day_papers, listing, tiny_model

from arxivbot.config import ModelSettings, Settings
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.proposal import prmeta
from arxivbot.publish.local import LocalPublisher

ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "PATH": "/usr/bin:/bin",
}


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "awesome"
    repo.mkdir()
    shutil.copyfile(FIXTURE_LIST, repo / "README.md")
    for args in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                 ["commit", "-q", "-m", "list"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=ENV)
    return repo


def capped(n: int) -> Settings:
    return dataclasses.replace(Settings(), model=ModelSettings(max_candidates=n))


def test_over_cap_papers_are_listed_and_counted(repo: Path, model: RelevanceModel) -> None:
    """Papers above the threshold but over the cap are kept as waiting and counted: N shown of M
    above threshold."""
    full = daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model, Settings())
    above = len(full.candidates)
    assert above >= 2

    report = daily.run(
        listing(day_papers()), LocalPublisher(repo, "README.md"), model, capped(1)
    )

    assert len(report.candidates) == 1
    assert len(report.waiting) == above - 1
    assert f"1 shown of {above} above threshold" in report.body
    assert f"1 shown of {above} above threshold" in report.summary()
    waiting_id = report.waiting[0].paper.id
    assert f"[{waiting_id}](https://arxiv.org/abs/{waiting_id})" in report.body
    meta = prmeta.extract(report.body)
    assert meta is not None
    assert meta.waiting == tuple(w.paper.id for w in report.waiting)
    assert waiting_id not in meta.ids  # not proposed yet, so it stays eligible


def test_the_first_screen_is_a_triage_table(repo: Path, model: RelevanceModel) -> None:
    """The body opens with a triage table, one row per candidate in diff order, with score, section,
    paper, why and links."""
    report = daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model, Settings())
    head = report.body.split("<details>", 1)[0]
    rows = [line for line in head.splitlines() if line.startswith("| 0.")]
    assert len(rows) == len(report.candidates)
    for row, c in zip(rows, report.candidates, strict=True):
        assert f"https://arxiv.org/abs/{c.paper.id}" in row
        assert row.count(" | ") == 4  # score, section, paper, why, links
    # The table follows the diff: sections in the list's order, then ids.
    assert [c.paper.id for c in report.candidates] == [
        c.paper.id for c in daily.diff_order(report.candidates, _catalog(repo))
    ]
    # The tiny model is trained on this very list, so its line says so, not a seed figure.
    assert "It was trained on this list" in head


def test_a_waiting_paper_comes_back_on_a_later_day(repo: Path, model: RelevanceModel) -> None:
    """A paper kept waiting by the cap is proposed on a later day."""
    first = daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model, capped(1))
    waiting = [w.paper for w in first.waiting]
    # A later day with nothing relevant of its own: the waiting papers fill its places.
    next_day = dataclasses.replace(
        listing([p for p in day_papers() if p.id not in {c.paper.id for c in first.candidates}
                 and p.id not in {w.id for w in waiting}]),
        date="2025-05-21",
    )
    second = daily.run(
        next_day, LocalPublisher(repo, "README.md"), model, capped(1), backlog=waiting
    )
    assert second.status == daily.PROPOSED
    assert second.candidates[0].paper.id == waiting[0].id


def _catalog(repo: Path):  # type: ignore[no-untyped-def]
    from arxivbot.catalog.parse import parse_catalog_bytes

    return parse_catalog_bytes((repo / "README.md").read_bytes(), "README.md")
