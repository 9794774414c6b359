"""--dry-run prints the PR and the diff, and changes nothing: no ref, no file, no write request."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub

from arxivbot.publish.dry_run import DryRunPublisher, unified_diff
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.local import LocalPublisher
from arxivbot.records import PullRequestDraft

TOKEN = "ghs_dryRunSecret000000000000000000"
LIST = b"# Awesome\n\n## Papers\n\n- **Alpha**. [arXiv](https://arxiv.org/abs/2501.00001)\n"
ENTRY = b"- **Beta**: caf\xc3\xa9 \xff. [arXiv](https://arxiv.org/abs/2505.00002)\n"


def draft_for(snapshot_content: bytes, revision: str) -> PullRequestDraft:
    return PullRequestDraft(
        branch="arxivbot/2025-05-30",
        title="arXiv 2025-05-30: 1 candidate",
        body="One candidate.\n\n<details><summary>Beta</summary>abstract</details>",
        list_path="README.md",
        new_content=snapshot_content + ENTRY,
        base_revision=revision,
        commit_message="Propose 1 paper from arXiv 2025-05-30",
        labels=("arxivbot",),
    )


def test_dry_run_over_github_sends_no_write(tmp_path: Path) -> None:
    """A dry run over GitHub sends only reads and prints the PR it would open with its diff."""
    with FakeGitHub(tmp_path, {"README.md": LIST}, token=TOKEN) as server:
        inner = GitHubPublisher(server.full_name, "README.md", "main", token=TOKEN,
                                base_url=server.base_url, seconds_between_writes=None)
        out = io.StringIO()
        publisher = DryRunPublisher(inner, out)
        snapshot = publisher.read_list()

        result = publisher.publish(draft_for(snapshot.content, snapshot.revision))

        assert result.action == "dry-run"
        assert server.writes() == []  # only GETs reached GitHub
        assert server.branches() == ["main"]
        assert server.pulls == {}
        text = out.getvalue()
        assert "would open a pull request from arxivbot/2025-05-30" in text
        assert "Title: arXiv 2025-05-30: 1 candidate" in text
        assert "<details><summary>Beta</summary>abstract</details>" in text
        assert "--- a/README.md\n+++ b/README.md\n" in text
        assert "+- **Beta**: café \ufffd. [arXiv](https://arxiv.org/abs/2505.00002)\n" in text
        assert TOKEN not in text


def test_dry_run_over_local_git_changes_no_ref_or_file(tmp_path: Path) -> None:
    """A dry run over a local clone changes no ref, no object and no file, and prints the diff."""
    repo = tmp_path / "list"
    repo.mkdir()
    env = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@x.invalid",
           "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@x.invalid"}

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=repo, env=env, capture_output=True,
                              check=True).stdout.decode()

    git("init", "--quiet", "--initial-branch=main")
    (repo / "README.md").write_bytes(LIST)
    git("add", "README.md")
    git("commit", "--quiet", "-m", "list")
    files_before = sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file())
    refs_before = git("for-each-ref")
    objects_before = git("count-objects", "-v")

    out = io.StringIO()
    publisher = DryRunPublisher(LocalPublisher(repo, "README.md"), out)
    snapshot = publisher.read_list()
    result = publisher.publish(draft_for(snapshot.content, snapshot.revision))

    assert result.action == "dry-run"
    assert git("for-each-ref") == refs_before
    assert git("count-objects", "-v") == objects_before  # not even a loose blob
    assert sorted(p.relative_to(repo) for p in repo.rglob("*") if p.is_file()) == files_before
    assert "+- **Beta**" in out.getvalue()


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (b"a\nb\n", b"a\nb\nc\n", "@@ -1,2 +1,3 @@\n a\n b\n+c\n"),
        (b"a\nb", b"a\nb\nc", "-b\n\\ No newline at end of file\n+b\n+c\n"
                              "\\ No newline at end of file\n"),
        (b"same\n", b"same\n", ""),
    ],
)
def test_unified_diff(old: bytes, new: bytes, expected: str) -> None:
    """The dry run's diff is git-style, with the missing-newline marker at the end of a file."""
    diff = unified_diff(old, new, "README.md")
    assert diff.endswith(expected)
    if expected:
        assert diff.startswith("--- a/README.md\n+++ b/README.md\n")
