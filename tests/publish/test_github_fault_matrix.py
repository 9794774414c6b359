"""The GitHub fault matrix: "done, but the client heard a 5xx" at every write step.

Whatever step's reply is lost, the bot never leaves a branch without its pull request,
never says "put back" when it did not, and a rerun ends with exactly one open PR whose
branch holds one bot commit on the base.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub
from tests.publish.test_publish_github import LIST, TOKEN, make_draft, make_publisher

from arxivbot.errors import PublishError

WRITES = [
    ("POST", r"/git/blobs$"),
    ("POST", r"/git/trees$"),
    ("POST", r"/git/commits$"),
    ("POST", r"/git/refs$"),
    ("POST", r"/pulls$"),
    ("POST", r"/labels$"),
    ("POST", r"/issues/\d+/labels$"),
]
UPDATE_WRITES = [
    ("PATCH", r"/git/refs/heads/"),
    ("PATCH", r"/pulls/\d+$"),
]


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": LIST}, token=TOKEN) as fake:
        yield fake


def _consistent(server: FakeGitHub) -> None:
    bot_branches = [b for b in server.branches() if b.startswith("arxivbot/")]
    open_heads = sorted(pr.head for pr in server.pulls.values() if pr.state == "open")
    assert bot_branches == open_heads, "a bot branch without its open PR (or the reverse)"


@pytest.mark.parametrize(("method", "path"), WRITES)
@pytest.mark.parametrize("times", [1, 10])
def test_a_lost_reply_at_creation(server: FakeGitHub, method: str, path: str,
                                  times: int) -> None:
    """A write GitHub performed but whose reply was lost leaves no stray branch, and the rerun ends
    with exactly one open PR."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001"])
    server.fail(method, path, kind="500-after", times=times)

    try:
        publisher.publish(draft)
    except PublishError as exc:
        if "put back" in str(exc):
            assert [b for b in server.branches() if b.startswith("arxivbot/")] == []
    _consistent(server)

    server.clear_faults()
    result = make_publisher(server).publish(draft)
    assert result.action in {"created", "updated", "unchanged"}
    _consistent(server)
    assert len([pr for pr in server.pulls.values() if pr.state == "open"]) == 1


@pytest.mark.parametrize(("method", "path"), UPDATE_WRITES)
@pytest.mark.parametrize("times", [1, 10])
def test_a_lost_reply_at_update(server: FakeGitHub, method: str, path: str,
                                times: int) -> None:
    """A lost reply while updating the PR is recovered by the rerun, which keeps the same PR and
    gives it the new body."""
    publisher = make_publisher(server)
    first = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    server.fail(method, path, kind="500-after", times=times)
    second = make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"])

    with contextlib.suppress(PublishError):
        publisher.publish(second)
    _consistent(server)

    server.clear_faults()
    again = make_publisher(server).publish(second)
    assert again.number == first.number
    assert "2505.00002" in server.pulls[first.number or 0].body
    _consistent(server)
