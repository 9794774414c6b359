"""The local publisher against real git repositories made in tmp_path."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from arxivbot.errors import ConfigError, PublishError
from arxivbot.proposal import prmeta
from arxivbot.publish import proposed_ids
from arxivbot.publish.local import LocalPublisher
from arxivbot.records import PullRequestDraft

LIST = (
    b"# Awesome Things\r\n\r\n## Papers\r\n\r\n"
    b"- **Alpha**: caf\xc3\xa9 \xff not utf-8. [arXiv](https://arxiv.org/abs/2501.00001)\r\n"
)
IDENTITY = {
    "GIT_AUTHOR_NAME": "Maintainer",
    "GIT_AUTHOR_EMAIL": "m@example.invalid",
    "GIT_COMMITTER_NAME": "Maintainer",
    "GIT_COMMITTER_EMAIL": "m@example.invalid",
}


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, **IDENTITY}
    out = subprocess.run(["git", *args], cwd=repo, capture_output=True, env=env, check=True)
    return out.stdout.decode(errors="replace").strip()


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    path = tmp_path / "list"
    path.mkdir()
    git(path, "init", "--quiet", "--initial-branch=main")
    git(path, "config", "core.autocrlf", "false")
    (path / "README.md").write_bytes(LIST)
    (path / "LICENSE").write_text("MIT\n")
    git(path, "add", "README.md", "LICENSE")
    git(path, "commit", "--quiet", "-m", "Initial list")
    return path


def make_draft(publisher: LocalPublisher, day: str, ids: list[str]) -> PullRequestDraft:
    snapshot = publisher.read_list()
    meta = prmeta.ProposalMeta(
        day=day, model="m1", papers=tuple(prmeta.ProposedPaper(i, 0.8, "Papers") for i in ids)
    )
    entries = "".join(f"- **P{i}**: new. [arXiv](https://arxiv.org/abs/{i})\r\n" for i in ids)
    return PullRequestDraft(
        branch=f"arxivbot/{day}",
        title=f"arXiv {day}: {len(ids)} candidates",
        body=f"Candidates for {day}.\n\n{prmeta.embed(meta)}",
        list_path="README.md",
        new_content=snapshot.content + entries.encode(),
        base_revision=snapshot.revision,
        commit_message=f"Propose {len(ids)} papers from arXiv {day}",
        labels=("arxivbot",),
        paper_ids=tuple(ids),
    )


def state_of(repo: Path) -> tuple[str, str, str, bytes, bytes]:
    """What the user sees: checkout, status, refs, the list file and the index."""
    return (
        git(repo, "symbolic-ref", "HEAD"),
        git(repo, "status", "--porcelain", "--untracked-files=all"),
        git(repo, "rev-parse", "HEAD"),
        (repo / "README.md").read_bytes(),
        (repo / ".git" / "index").read_bytes(),
    )


def test_publish_makes_one_commit_on_main_and_leaves_the_worktree_alone(repo: Path) -> None:
    """Publishing makes one byte-exact commit on main and leaves the working tree, index and
    checkout untouched."""
    publisher = LocalPublisher(repo, "README.md")
    draft = make_draft(publisher, "2025-05-30", ["2505.00001", "2505.00002"])
    before = state_of(repo)
    main = git(repo, "rev-parse", "main")

    result = publisher.publish(draft)

    assert result.action == "created"
    assert state_of(repo) == before  # working tree, index and checkout untouched
    head = git(repo, "rev-parse", "arxivbot/2025-05-30")
    assert git(repo, "rev-list", "--parents", "-n", "1", head).split()[1:] == [main]
    shown = subprocess.run(["git", "show", f"{head}:README.md"], cwd=repo, capture_output=True,
                           check=True).stdout
    assert shown == draft.new_content  # byte-exact, CRLF and non-UTF-8 kept
    assert git(repo, "diff", "--name-only", "main", head) == "README.md"
    assert git(repo, "log", "-1", "--format=%s", head) == draft.commit_message
    pr_file = Path(result.url or "")
    assert pr_file.parent == repo / ".git" / "arxivbot"
    text = pr_file.read_text()
    assert f"# {draft.title}\n\n{draft.body}" in text
    assert "state: open" in text

    (proposal,) = publisher.open_proposals()
    assert (proposal.branch, proposal.state, proposal.head_sha) == ("arxivbot/2025-05-30",
                                                                    "open", head)
    assert proposal.body == draft.body
    assert proposed_ids([proposal]) == {"2505.00001", "2505.00002"}


def test_rerun_same_day_updates_the_branch_and_an_identical_one_changes_nothing(
    repo: Path,
) -> None:
    """A same-day rerun replaces the branch's one commit, and an identical rerun changes nothing."""
    publisher = LocalPublisher(repo, "README.md")
    first = publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))
    second_draft = make_draft(publisher, "2025-05-30", ["2505.00001", "2505.00003"])

    second = publisher.publish(second_draft)

    assert (second.action, second.url) == ("updated", first.url)
    head = git(repo, "rev-parse", "arxivbot/2025-05-30")
    assert git(repo, "rev-list", "--count", "main..arxivbot/2025-05-30") == "1"  # not stacked
    assert git(repo, "show", f"{head}:README.md").endswith("2505.00003)")
    assert len(publisher.bot_pull_requests()) == 1

    third = publisher.publish(second_draft)
    assert third.action == "unchanged"
    assert git(repo, "rev-parse", "arxivbot/2025-05-30") == head


def test_base_branch_moved_between_runs(repo: Path) -> None:
    """When the base branch moved, the rerun's commit sits on the new base and keeps its changes."""
    publisher = LocalPublisher(repo, "README.md")
    publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))
    (repo / "README.md").write_bytes(LIST + b"- **Beta**: by hand.\r\n")
    git(repo, "commit", "--quiet", "-am", "Add Beta")

    publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))

    assert git(repo, "rev-parse", "arxivbot/2025-05-30^") == git(repo, "rev-parse", "main")
    diff = git(repo, "diff", "main", "arxivbot/2025-05-30")
    assert "-- **Beta**" not in diff
    assert "+- **P2505.00001**" in diff


def test_merged_closed_and_open_proposals(repo: Path) -> None:
    """Local proposals read back as merged (with the merge commit), closed or open."""
    publisher = LocalPublisher(repo, "README.md")
    publisher.publish(make_draft(publisher, "2025-05-28", ["2505.00001"]))
    publisher.publish(make_draft(publisher, "2025-05-29", ["2505.00002"]))
    git(repo, "merge", "--quiet", "--no-ff", "-m", "Merge proposal", "arxivbot/2025-05-28")
    merge = git(repo, "rev-parse", "HEAD")
    git(repo, "branch", "--quiet", "-D", "arxivbot/2025-05-29")  # rejected by deleting it
    publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00003"]))

    pulls = publisher.bot_pull_requests()

    assert [(pr.branch, pr.state) for pr in pulls] == [
        ("arxivbot/2025-05-30", "open"),
        ("arxivbot/2025-05-29", "closed"),
        ("arxivbot/2025-05-28", "merged"),
    ]
    assert pulls[2].merge_sha == merge
    assert [pr.branch for pr in publisher.open_proposals()] == ["arxivbot/2025-05-30"]
    assert [pr.branch for pr in publisher.bot_pull_requests("merged")] == ["arxivbot/2025-05-28"]


def test_a_rerun_after_the_merge_keeps_the_merged_record(repo: Path) -> None:
    """After a merge, a rerun starts a new proposal and keeps the merged one on record."""
    publisher = LocalPublisher(repo, "README.md")
    publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))
    git(repo, "merge", "--quiet", "--ff-only", "arxivbot/2025-05-30")
    merged_head = git(repo, "rev-parse", "HEAD")

    again = publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00002"]))

    assert again.action == "created"  # a new proposal; the merged one is kept on record
    states = sorted((pr.state, pr.head_sha == merged_head) for pr in publisher.bot_pull_requests())
    assert states == [("merged", True), ("open", False)]


def test_a_proposal_marked_closed_is_not_reopened(repo: Path) -> None:
    """A local proposal marked closed is not reopened by a rerun."""
    publisher = LocalPublisher(repo, "README.md")
    result = publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))
    pr_file = Path(result.url or "")
    pr_file.write_text(pr_file.read_text().replace("state: open", "state: closed"))

    assert publisher.bot_pull_requests("closed")[0].branch == "arxivbot/2025-05-30"
    with pytest.raises(PublishError, match="does not reopen"):
        publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))


def test_a_failed_branch_update_leaves_nothing(repo: Path) -> None:
    """A failed branch update leaves neither a branch nor a PR record, and the rerun completes."""
    publisher = LocalPublisher(repo, "README.md")
    draft = make_draft(publisher, "2025-05-30", ["2505.00001"])
    lock = repo / ".git" / "refs" / "heads" / "arxivbot" / "2025-05-30.lock"
    lock.parent.mkdir(parents=True)
    lock.write_text("held by another git process\n")

    with pytest.raises(PublishError, match="could not move branch"):
        publisher.publish(draft)

    assert git(repo, "branch", "--list", "arxivbot/*") == ""
    assert publisher.bot_pull_requests() == []
    lock.unlink()
    assert publisher.publish(draft).action == "created"


def test_clear_errors(repo: Path, tmp_path: Path) -> None:
    """Not a repository, a mistyped list path and an uncommitted list each get one clear error with
    a hint."""
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(ConfigError, match="not inside a git repository"):
        LocalPublisher(plain, "README.md")
    with pytest.raises(ConfigError, match=r"NOPE.md: no such file in main") as typo:
        LocalPublisher(repo, "NOPE.md").read_list()
    assert "commit the list" not in str(typo.value)  # the file is nowhere: a wrong path
    with pytest.raises(ConfigError, match=r"did you mean README.md\? check --list"):
        LocalPublisher(repo, "READNE.md").read_list()
    (repo / "NEW.md").write_text("* [x](https://arxiv.org/abs/2501.00001)\n", encoding="utf-8")
    with pytest.raises(ConfigError, match=r"NEW.md is not in main .*commit the list there first"):
        LocalPublisher(repo, "NEW.md").read_list()

    publisher = LocalPublisher(repo, "README.md")
    draft = make_draft(publisher, "2025-05-30", ["2505.00001"])
    (repo / "README.md").write_bytes(LIST + b"- my edit\r\n")
    with pytest.raises(PublishError, match="uncommitted changes"):
        publisher.publish(draft)
    git(repo, "checkout", "--quiet", "--", "README.md")

    publisher.publish(draft)
    git(repo, "checkout", "--quiet", "arxivbot/2025-05-30")
    with pytest.raises(PublishError, match="is checked out"):
        publisher.publish(draft)
    git(repo, "checkout", "--quiet", "--detach")
    with pytest.raises(ConfigError, match="detached HEAD"):
        LocalPublisher(repo, "README.md")
    assert LocalPublisher(repo, "README.md", "main").read_list().revision == draft.base_revision


def test_list_in_a_subdirectory_and_no_git_identity(
    repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A list in a subdirectory works, and without a git identity the commit is authored by
    arxivbot."""
    (repo / "docs").mkdir()
    (repo / "docs" / "list.md").write_bytes(b"# L\n- a\n")
    git(repo, "add", "docs/list.md")
    git(repo, "commit", "--quiet", "-m", "docs")
    # No user.name/email anywhere (a fresh machine or CI): the bot signs its commit itself.
    for name in [k for k in os.environ if k.startswith("GIT_")]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")

    publisher = LocalPublisher(repo / "docs", "list.md")
    assert publisher.list_path == "docs/list.md"
    snapshot = publisher.read_list()
    result = publisher.publish(PullRequestDraft(
        branch="arxivbot/2025-05-30", title="t", body="b", list_path="list.md",
        new_content=snapshot.content + b"- b\n", base_revision=snapshot.revision,
        commit_message="Propose b"))

    assert result.action == "created"
    assert git(repo, "log", "-1", "--format=%an", "arxivbot/2025-05-30") == "arxivbot"
    assert git(repo, "show", "arxivbot/2025-05-30:docs/list.md") == "# L\n- a\n- b"


def test_commits_added_to_the_branch_are_never_overwritten(repo: Path) -> None:
    """Commits someone added to the local proposal branch are never overwritten."""
    publisher = LocalPublisher(repo, "README.md")
    publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001"]))
    git(repo, "checkout", "--quiet", "arxivbot/2025-05-30")
    (repo / "README.md").write_bytes(b"edited by the maintainer\n")
    git(repo, "commit", "--quiet", "-am", "Maintainer edit")
    edited = git(repo, "rev-parse", "HEAD")
    git(repo, "checkout", "--quiet", "main")

    with pytest.raises(PublishError, match="1 commit\\(s\\) arxivbot did not make"):
        publisher.publish(make_draft(publisher, "2025-05-30", ["2505.00001", "2505.00002"]))
    assert git(repo, "rev-parse", "arxivbot/2025-05-30") == edited
