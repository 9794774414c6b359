"""A run's behaviour through the in-memory publisher: no git, no HTTP, the same rules.

Where git or HTTP is not the point (what is proposed, what is kept, what feedback learns),
these tests drive the pipeline against ``MemoryPublisher`` and act as the maintainer on it.
"""

from __future__ import annotations

import pytest
from tests.run_data import DAY, FIXTURE_LIST, RL, day_papers, listing, paper, tiny_model

from arxivbot.commands.retrain import RETRAIN_BRANCH, open_pull_request
from arxivbot.config import Settings
from arxivbot.errors import PublishError
from arxivbot.feedback.collect import collect
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.publish import Publisher
from arxivbot.publish.memory import MemoryPublisher

NEXT_DAY = "2025-05-21"
NEWCOMER = paper("2505.20003", "Chart-GRPO: Reinforcement Learning for Chart Image Reasoning "
                 "in MLLMs\n" + RL + "chart image question answering rewards.", NEXT_DAY)


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def forge() -> MemoryPublisher:
    return MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes(), "LICENSE": b"MIT\n"})


def test_the_memory_publisher_is_a_publisher(forge: MemoryPublisher) -> None:
    """MemoryPublisher satisfies the Publisher protocol the pipeline is typed against."""
    publisher: Publisher = forge

    assert publisher.read_list().content == FIXTURE_LIST.read_bytes()


def test_a_run_proposes_one_commit_on_the_base(
    forge: MemoryPublisher, model: RelevanceModel
) -> None:
    """A run's proposal is one bot commit on the base revision that changes only the list."""
    base = forge.read_list().revision

    report = daily.run(listing(day_papers()), forge, model, Settings())

    assert report.result is not None
    assert report.result.action == "created"
    (pr,) = forge.pulls.values()
    head = forge.commits[forge.branches[pr.branch]]
    assert head.parents == (base,)
    assert head.files["LICENSE"] == b"MIT\n"
    assert b"[LongVid-R1]" in head.files["README.md"]
    assert forge.file_at("main", "README.md") == FIXTURE_LIST.read_bytes()


def test_a_rerun_changes_nothing(forge: MemoryPublisher, model: RelevanceModel) -> None:
    """Running the same day twice leaves one PR, unchanged, at the same commit."""
    daily.run(listing(day_papers()), forge, model, Settings())
    heads = dict(forge.branches)

    again = daily.run(listing(day_papers()), forge, model, Settings())

    assert again.result is not None
    assert again.result.action == "unchanged"
    assert forge.branches == heads
    assert len(forge.pulls) == 1


def test_the_next_day_joins_the_rolling_pr(forge: MemoryPublisher, model: RelevanceModel) -> None:
    """A second day's paper goes into the open PR, not a new one, beside the first day's."""
    first = daily.run(listing(day_papers()), forge, model, Settings())

    daily.run(listing([*day_papers(), NEWCOMER], NEXT_DAY), forge, model, Settings())

    (pr,) = forge.bot_pull_requests("all")
    assert pr.meta is not None
    assert set(pr.meta.ids) == {c.paper.id for c in first.candidates} | {NEWCOMER.id}


def test_a_maintainers_commit_is_built_on_not_rewritten(
    forge: MemoryPublisher, model: RelevanceModel
) -> None:
    """After a maintainer commits to the rolling PR, the next day's commit goes on top of it."""
    daily.run(listing(day_papers()), forge, model, Settings())
    (pr,) = forge.pulls.values()
    fixed = forge.commit(pr.branch, {"NOTES.md": b"fixed a name\n"}, "Fix a name")

    daily.run(listing([*day_papers(), NEWCOMER], NEXT_DAY), forge, model, Settings())

    tip = forge.commits[forge.branches[pr.branch]]
    assert tip.parents == (fixed,)
    assert tip.files["NOTES.md"] == b"fixed a name\n"
    assert b"Chart-GRPO" in tip.files["README.md"]


def test_a_merge_with_a_line_deleted_is_learned(
    forge: MemoryPublisher, model: RelevanceModel
) -> None:
    """feedback reads a merged PR back: kept papers accepted, a deleted line rejected."""
    report = daily.run(listing(day_papers()), forge, model, Settings())
    dropped = report.candidates[0].paper.id
    forge.merge(1, edit=lambda text: b"".join(
        line for line in text.splitlines(keepends=True) if dropped.encode() not in line))

    found = {d.id: d.decision for d in collect(forge).decisions}

    assert found[dropped] == "rejected"
    assert {v for k, v in found.items() if k != dropped} == {"accepted"}


def test_a_closed_proposal_is_not_reopened(forge: MemoryPublisher, model: RelevanceModel) -> None:
    """A PR closed without merging stays closed: the same day's rerun is refused."""
    daily.run(listing(day_papers()), forge, model, Settings())
    forge.close(1)

    with pytest.raises(PublishError, match="does not reopen"):
        daily.run(listing(day_papers()), forge, model, Settings())


def test_a_retrain_is_one_commit_of_its_files_and_feedback_never_reads_it(
    forge: MemoryPublisher,
) -> None:
    """The retrain proposal carries several files in one commit on its own branch, and a
    second retrain replaces the first instead of opening another PR."""
    files = {"models/m.json": b"{}\n", "models/m.card.json": b"{}\n"}

    open_pull_request(forge, files, "Retrain: one", "body", "Retrain")
    open_pull_request(forge, {**files, "models/m.json": b"{\"v\": 2}\n"}, "Retrain: two", "b",
                      "Retrain")

    (pr,) = forge.pulls.values()
    assert (pr.branch, pr.title) == (RETRAIN_BRANCH, "Retrain: two")
    assert forge.file_at(RETRAIN_BRANCH, "models/m.json") == b"{\"v\": 2}\n"
    assert forge.file_at(RETRAIN_BRANCH, "README.md") == FIXTURE_LIST.read_bytes()
    assert forge.bot_pull_requests("all") == []


def test_a_draft_may_not_write_outside_the_repository(forge: MemoryPublisher) -> None:
    """A path that climbs out of the repository or into .git is refused before any write."""
    for path in ("../x", "/etc/x", ".git/config", "a//b"):
        with pytest.raises(PublishError, match="not a plain path"):
            open_pull_request(forge, {path: b"x"}, "Retrain", "body", "Retrain")
    assert forge.pulls == {}


def test_the_run_day_is_the_branch(forge: MemoryPublisher, model: RelevanceModel) -> None:
    """The first proposal's branch is named after its day under the prefix."""
    report = daily.run(listing(day_papers()), forge, model, Settings())

    assert report.result is not None
    assert report.result.branch == f"arxivbot/{DAY}"


def test_shown_never_exceeds_above_threshold_in_the_rolling_pr(
    forge: MemoryPublisher, model: RelevanceModel
) -> None:
    """The papers an open PR carries from earlier days count as above the threshold too, so
    the second day never says more papers are shown than scored above it."""
    first = daily.run(listing(day_papers()), forge, model, Settings())

    second = daily.run(listing([*day_papers(), NEWCOMER], NEXT_DAY), forge, model, Settings())

    shown = len(second.candidates)
    assert shown == len(first.candidates) + 1
    assert second.above_threshold == shown
    assert f"{shown} shown of {shown} above threshold" in second.message
    assert f"{shown} shown of {shown} above threshold" in forge.pulls[1].body
