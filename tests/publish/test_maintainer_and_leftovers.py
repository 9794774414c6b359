"""A maintainer's commits and an earlier run's leftovers, on both publishers.

Each case failed before its fix: an orphan branch of a killed run stayed on GitHub for ever;
a branch moved between the bot's read and its write was force-overwritten; a maintainer's
commit on the rolling PR was built on without a word; a rerun after building on it added the
day's papers a second time.
"""

from __future__ import annotations

import os
import subprocess
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
    RL,
    TABLE,
    day_papers,
    listing,
    paper,
    tiny_model,
)

from arxivbot.config import Settings
from arxivbot.errors import PublishError
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.local import LocalPublisher

NOTE = b"\n<!-- a maintainer's note -->\n"


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": FIXTURE_LIST.read_bytes()}) as fake:
        yield fake


def github(server: FakeGitHub) -> GitHubPublisher:
    return GitHubPublisher(server.full_name, "README.md", "main", token=server.token,
                           base_url=server.base_url, retries=0, seconds_between_writes=None)


def maintainer_commits_to(server: FakeGitHub, branch: str) -> str:
    text = server.file_at(branch, "README.md") or b""
    return server.commit_file(branch, "README.md", text + NOTE, "Fix a name")


# ---- leftovers of a killed run ---------------------------------------------------------------


def test_a_killed_runs_orphan_branch_is_deleted_by_the_next_run(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """A bot branch with no PR, left by a run that died before opening it, is deleted by the
    next run, which says so; a person's own branch under the prefix is kept."""
    server.fail("POST", r"/pulls$", times=5)  # the run dies before its PR exists ...
    server.fail("DELETE", r"/git/refs/", times=5)  # ... and its clean-up gets no answer
    with pytest.raises(PublishError, match="could not be put back"):
        daily.run(listing(day_papers()), github(server), model, Settings())
    server.clear_faults()
    assert f"arxivbot/{DAY}" in server.branches()
    server.commit_files("arxivbot/notes", {"NOTES.md": b"mine\n"}, "Notes")

    report = daily.run(listing([*day_papers(), CHART], DAY2), github(server), model, Settings())

    assert f"arxivbot/{DAY}" not in server.branches()
    assert "arxivbot/notes" in server.branches()
    assert f"deleted branch arxivbot/{DAY}" in report.summary()
    assert [pr.head for pr in server.pulls.values()] == [f"arxivbot/{DAY2}"]


def test_a_bot_branch_with_a_pr_on_another_base_is_not_an_orphan(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """A bot branch whose PR targets another base branch (the config changed) is kept."""
    server.commit_files("develop", {"NOTES.md": b"dev\n"}, "Develop")
    elsewhere = GitHubPublisher(server.full_name, "README.md", "develop", token=server.token,
                                base_url=server.base_url, retries=0,
                                seconds_between_writes=None)
    daily.run(listing(day_papers()), elsewhere, model, Settings())

    daily.run(listing([CHART], DAY2), github(server), model, Settings())

    assert f"arxivbot/{DAY}" in server.branches()
    assert [pr.state for pr in server.pulls.values()] == ["open", "open"]


def test_a_branch_moved_between_read_and_write_is_not_overwritten(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """A push to the proposal's branch while a run works is kept: the run stops and says so."""
    daily.run(listing(day_papers()), github(server), model, Settings())
    branch = f"arxivbot/{DAY}"
    pushed: list[str] = []
    server.before("POST", r"/git/trees$", lambda: pushed.append(
        maintainer_commits_to(server, branch)))

    with pytest.raises(PublishError, match="moved while arxivbot was working"):
        daily.run(listing([*day_papers(), paper("2505.10009", CHART.title + "\n" + RL)]),
                  github(server), model, Settings())

    assert server.branch_sha(branch) == pushed[0]


# ---- a maintainer's commit on the rolling PR -------------------------------------------------


def test_a_maintainers_commit_is_announced_once_and_built_on(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """After a maintainer's commit, each day's papers go on top of it and one comment (not one
    a day) says why."""
    daily.run(listing(day_papers()), github(server), model, Settings())
    branch = f"arxivbot/{DAY}"
    fixed = maintainer_commits_to(server, branch)

    second = daily.run(listing([CHART], DAY2), github(server), model, Settings())
    daily.run(listing([TABLE], DAY3), github(server), model, Settings())

    (number,) = server.pulls
    notices = [c["body"] for c in server.comments.get(number, [])
               if "arxivbot did not make" in c["body"]]
    assert len(notices) == 1
    assert server.is_ancestor(fixed, server.branch_sha(branch) or "")
    text = server.file_at(branch, "README.md") or b""
    assert NOTE in text
    assert b"Chart-GRPO" in text
    assert b"Table-R1" in text
    assert "did not make" in second.summary()


def test_a_rerun_on_a_maintainers_commit_adds_nothing_twice(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """Running a day again after building on a maintainer's commit changes nothing."""
    daily.run(listing(day_papers()), github(server), model, Settings())
    maintainer_commits_to(server, f"arxivbot/{DAY}")
    daily.run(listing([CHART], DAY2), github(server), model, Settings())
    tip = server.branch_sha(f"arxivbot/{DAY}")

    again = daily.run(listing([CHART], DAY2), github(server), model, Settings())

    assert again.result is not None
    assert again.result.action == "unchanged"
    assert server.branch_sha(f"arxivbot/{DAY}") == tip
    assert (server.file_at(f"arxivbot/{DAY}", "README.md") or b"").count(b"2505.20003") == 1


# ---- the same on the local publisher ----------------------------------------------------------


GIT_ENV = {"GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@x.invalid",
           "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@x.invalid"}


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env={**os.environ, **GIT_ENV}).stdout.strip()


def test_the_local_publisher_builds_on_a_maintainers_commit_once(
    tmp_path: Path, model: RelevanceModel
) -> None:
    """Locally too: the next day goes on top of the maintainer's commit, the run report says
    so, and a rerun adds nothing twice."""
    repo = tmp_path / "list"
    repo.mkdir()
    (repo / "README.md").write_bytes(FIXTURE_LIST.read_bytes())
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "list")
    publisher = LocalPublisher(repo, "README.md", "main")
    daily.run(listing(day_papers()), publisher, model, Settings())
    branch = f"arxivbot/{DAY}"
    git(repo, "switch", "--quiet", branch)
    with open(repo / "README.md", "ab") as handle:
        handle.write(NOTE)
    git(repo, "commit", "--quiet", "-am", "Fix a name")
    fixed = git(repo, "rev-parse", "HEAD")
    git(repo, "switch", "--quiet", "main")

    second = daily.run(listing([CHART], DAY2), publisher, model, Settings())
    again = daily.run(listing([CHART], DAY2), publisher, model, Settings())

    assert "did not make" in second.summary()
    assert git(repo, "rev-parse", f"{branch}^") == fixed
    assert again.result is not None
    assert again.result.action == "unchanged"
    assert git(repo, "show", f"{branch}:README.md").count("2505.20003") == 1
