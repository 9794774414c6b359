"""Migration to the rolling proposal: open per-day PRs are folded into the one rolling PR.

A list that ran an older arxivbot (or ``publish.rolling: false``) has several open per-day
PRs. The first rolling run adds their papers, as those PRs hold them, to the oldest one,
closes the others with a comment saying where their papers went, and ``feedback`` reads no
rejection from the closing.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub
from tests.run_data import (
    CHART,
    DAY,
    DAY2,
    DAY3,
    FIXTURE_LIST,
    TABLE,
    day_papers,
    listing,
    tiny_model,
)

from arxivbot.config import PublishSettings, Settings
from arxivbot.feedback.collect import collect
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.publish import Publisher
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.memory import MemoryPublisher

PER_DAY = dataclasses.replace(Settings(), publish=PublishSettings(rolling=False))


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": FIXTURE_LIST.read_bytes()}) as fake:
        yield fake


def two_per_day_prs_then_a_rolling_day(publisher: Publisher, model: RelevanceModel) -> set[str]:
    first = daily.run(listing(day_papers()), publisher, model, PER_DAY)
    second = daily.run(listing([CHART], DAY2), publisher, model, PER_DAY)
    assert len(publisher.open_proposals()) == 2
    daily.run(listing([TABLE], DAY3), publisher, model, Settings())
    return {c.paper.id for c in (*first.candidates, *second.candidates)} | {TABLE.id}


def test_open_per_day_prs_are_folded_into_the_rolling_one_on_github(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """On GitHub: one open PR holds every day's papers; the other is closed with a comment,
    and feedback records no rejection from closing it."""
    publisher = GitHubPublisher(server.full_name, "README.md", "main", token=server.token,
                                base_url=server.base_url, retries=0,
                                seconds_between_writes=None)

    proposed = two_per_day_prs_then_a_rolling_day(publisher, model)

    (rolling,) = publisher.open_proposals()
    assert rolling.meta is not None
    assert set(rolling.meta.ids) == proposed
    text = server.file_at(rolling.branch, "README.md") or b""
    assert b"Chart-GRPO" in text
    assert b"Table-R1" in text
    (closed,) = [pr for pr in server.pulls.values() if pr.state == "closed"]
    assert any(f"#{rolling.number}" in c["body"] for c in server.comments[closed.number])
    assert [d for d in collect(publisher).decisions if d.decision == "rejected"] == []


def test_folding_keeps_a_maintainers_edit_in_the_folded_pr(model: RelevanceModel) -> None:
    """A paper's entry as a maintainer edited it in a per-day PR is what the rolling PR gets."""
    forge = MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes()})
    daily.run(listing(day_papers()), forge, model, PER_DAY)
    daily.run(listing([CHART], DAY2), forge, model, PER_DAY)
    later = forge.pulls[2]
    text = forge.file_at(later.branch, "README.md") or b""
    forge.commit(later.branch, {"README.md": text.replace(b"Chart-GRPO", b"ChartGRPO")})

    daily.run(listing([TABLE], DAY3), forge, model, Settings())

    assert [pr.state for pr in forge.pulls.values()] == ["open", "closed"]
    merged_view = forge.file_at(forge.pulls[1].branch, "README.md") or b""
    assert b"ChartGRPO" in merged_view
    assert f"arxivbot/{DAY}" == forge.pulls[1].branch
