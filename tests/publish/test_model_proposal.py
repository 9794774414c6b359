"""``Publisher.model_proposal``: the bot's newest model pull request, whatever its state, and
never a papers proposal; what a run asks to know whether the maintainers declined a model."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub

from arxivbot.publish import RETRAIN_BRANCH, Publisher
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.local import LocalPublisher
from arxivbot.publish.memory import MemoryPublisher
from arxivbot.records import PullRequestDraft

LIST = b"# List\n\n## Papers\n\n- [Old](https://arxiv.org/abs/2501.00001)\n"


def model_draft(publisher: Publisher, data: bytes) -> PullRequestDraft:
    return PullRequestDraft(
        branch=RETRAIN_BRANCH, title="Model: first model for README.md", body="b",
        list_path="", new_content=b"", base_revision=publisher.read_list().revision,
        commit_message="Model", files=(("models/list.json", data),), kind="model")


def papers_draft(publisher: Publisher) -> PullRequestDraft:
    snapshot = publisher.read_list()
    return PullRequestDraft(
        branch="arxivbot/2025-05-20", title="Papers", body="b", list_path="README.md",
        new_content=LIST + b"- [New](https://arxiv.org/abs/2505.00001)\n",
        base_revision=snapshot.revision, commit_message="arxivbot: 1 paper")


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path / "forge", {"README.md": LIST}) as fake:
        yield fake


def test_on_github_the_newest_model_pull_request_in_any_state(server: FakeGitHub) -> None:
    """None before any; the open one; still that one once closed unmerged; a papers PR
    never counts."""
    gh = GitHubPublisher(server.full_name, "README.md", "main", token=server.token,
                         base_url=server.base_url, retries=0, seconds_between_writes=None)
    assert gh.model_proposal() is None
    gh.publish(papers_draft(gh))
    assert gh.model_proposal() is None
    number = gh.publish(model_draft(gh, b"{}")).number
    found = gh.model_proposal()
    assert found is not None
    assert (found.number, found.state, found.branch) == (number, "open", RETRAIN_BRANCH)
    assert number is not None
    server.close_pull(number)
    closed = gh.model_proposal()
    assert closed is not None
    assert (closed.number, closed.state) == (number, "closed")
    again = gh.publish(model_draft(gh, b"{ }")).number  # a new proposal after a closed one
    newest = gh.model_proposal()
    assert newest is not None
    assert (newest.number, newest.state) == (again, "open")
    assert again != number


def test_in_memory_and_in_a_local_clone(tmp_path: Path) -> None:
    """The same answers from the in-memory forge and the local publisher's PR files."""
    memory = MemoryPublisher({"README.md": LIST})
    assert memory.model_proposal() is None
    memory.publish(papers_draft(memory))
    number = memory.publish(model_draft(memory, b"{}")).number
    assert number is not None
    found = memory.model_proposal()
    assert found is not None
    assert (found.number, found.state) == (number, "open")
    memory.close(number)
    closed = memory.model_proposal()
    assert closed is not None
    assert closed.state == "closed"

    repo = tmp_path / "list"
    repo.mkdir()
    (repo / "README.md").write_bytes(LIST)
    for args in (["init", "--quiet", "--initial-branch=main"], ["add", "README.md"],
                 ["-c", "user.name=m", "-c", "user.email=m@x", "commit", "--quiet", "-m", "l"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True)
    local = LocalPublisher(repo, "README.md")
    assert local.model_proposal() is None
    local.publish(papers_draft(local))
    assert local.model_proposal() is None
    local.publish(model_draft(local, b"{}"))
    found = local.model_proposal()
    assert found is not None
    assert (found.branch, found.state) == (RETRAIN_BRANCH, "open")
    subprocess.run(["git", "-C", str(repo), "branch", "-D", "--quiet", RETRAIN_BRANCH],
                   check=True)
    gone = local.model_proposal()
    assert gone is not None
    assert gone.state == "closed"  # a branch deleted unmerged: closed, as for a papers PR
