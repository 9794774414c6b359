"""One rolling proposal through the local publisher: each day joins the open PR, a
maintainer's deletion is a rejection and their commit is never rewritten, a merged PR lets
the next day start a new one, and per-day PRs remain a config choice."""

from __future__ import annotations

import dataclasses
import shutil
import subprocess
from pathlib import Path

import pytest
from tests.run_data import FIXTURE_LIST, RL, day_papers, listing, paper, tiny_model

from arxivbot.config import PublishSettings, Settings
from arxivbot.feedback.collect import collect
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.proposal import prmeta
from arxivbot.publish.local import LocalPublisher

ENV = {
    "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@example.invalid",
    "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@example.invalid",
    "PATH": "/usr/bin:/bin",
}
DAY2 = "2025-05-21"
NEWCOMER = paper("2505.20003", "Chart-GRPO: Reinforcement Learning for Chart Image Reasoning "
                 "in MLLMs\n" + RL + "chart image question answering rewards.", DAY2)


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, env=ENV,
                          capture_output=True, text=True).stdout


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "awesome"
    repo.mkdir()
    shutil.copyfile(FIXTURE_LIST, repo / "README.md")
    git(repo, "init", "-q", "--initial-branch=main")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "list")
    return repo


def bot_branches(repo: Path) -> list[str]:
    return git(repo, "branch", "--list", "arxivbot/*", "--format=%(refname:short)").split()


def test_days_join_one_branch_and_a_deletion_is_a_rejection(
    repo: Path, model: RelevanceModel
) -> None:
    """Days join one rolling branch, a paper the maintainer deleted from it is a rejection, and
    their commit is kept."""
    pub = LocalPublisher(repo, "README.md")
    first = daily.run(listing(day_papers()), pub, model, Settings())
    branch = first.result.branch  # type: ignore[union-attr]
    dropped = first.candidates[0].paper.id

    # The maintainer deletes one proposed line on the PR's branch, in their own commit.
    git(repo, "checkout", "-q", branch)
    text = (repo / "README.md").read_text(encoding="utf-8")
    kept_lines = [line for line in text.splitlines(keepends=True) if dropped not in line]
    (repo / "README.md").write_text("".join(kept_lines), encoding="utf-8")
    git(repo, "commit", "-q", "-am", "not this one")
    maintainer_commit = git(repo, "rev-parse", "HEAD").strip()
    git(repo, "checkout", "-q", "main")

    second = daily.run(listing([*day_papers(), NEWCOMER], DAY2), pub, model, Settings())

    assert bot_branches(repo) == [branch]  # still one proposal
    ids = {c.paper.id for c in second.candidates}
    assert "2505.20003" in ids
    assert dropped not in ids
    # Their commit is kept: today's papers went on top of it.
    assert git(repo, "merge-base", "--is-ancestor", maintainer_commit, branch) == ""
    meta = prmeta.extract(second.body)
    assert meta is not None
    assert dropped in meta.removed
    decisions = {d.id: d.decision for d in collect(pub).decisions}
    assert decisions[dropped] == "rejected"


def test_a_merged_rolling_pr_lets_the_next_day_start_anew(
    repo: Path, model: RelevanceModel
) -> None:
    """After the rolling PR is merged, the next day starts a new one."""
    pub = LocalPublisher(repo, "README.md")
    first = daily.run(listing(day_papers()), pub, model, Settings())
    git(repo, "merge", "-q", "--no-ff", "-m", "merge", first.result.branch)  # type: ignore[union-attr]

    second = daily.run(listing([*day_papers(), NEWCOMER], DAY2), pub, model, Settings())

    assert [c.paper.id for c in second.candidates] == ["2505.20003"]
    assert second.result is not None
    assert second.result.branch.endswith(DAY2)


def test_per_day_prs_stay_a_config_choice(repo: Path, model: RelevanceModel) -> None:
    """With publish.rolling off, each day gets its own PR."""
    per_day = dataclasses.replace(Settings(), publish=PublishSettings(rolling=False))
    pub = LocalPublisher(repo, "README.md")
    daily.run(listing(day_papers()), pub, model, per_day)
    second = daily.run(listing([*day_papers(), NEWCOMER], DAY2), pub, model, per_day)

    assert [c.paper.id for c in second.candidates] == ["2505.20003"]
    assert len(bot_branches(repo)) == 2
