"""The local GitHub behaves like GitHub where the publisher and feedback rely on it."""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest
from github import Auth, Github, GithubException
from tests.github_server import FakeGitHub

TOKEN = "server-test-token"
LIST = b"# L\n\n- a\n"


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": LIST}, token=TOKEN) as fake:
        yield fake


def client(server: FakeGitHub, per_page: int = 100) -> Github:
    return Github(auth=Auth.Token(TOKEN), base_url=server.base_url, retry=None,
                  seconds_between_requests=None, seconds_between_writes=None, per_page=per_page)


def raw(server: FakeGitHub, method: str, path: str, body: object = None,
        token: str | None = TOKEN) -> tuple[int, object]:
    request = urllib.request.Request(
        server.base_url + path, method=method,
        data=None if body is None else json.dumps(body).encode(),
        headers={"Authorization": f"token {token}"} if token else {},
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as answer:
            data = answer.read()
            return answer.status, json.loads(data) if data else None
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read() or b"null")


def test_contents_put_commits_on_the_branch_and_rejects_a_stale_sha(server: FakeGitHub) -> None:
    """The fake's contents API commits on the branch and, like GitHub, refuses a write based on a
    stale blob sha."""
    repo = client(server).get_repo(server.full_name)
    current = repo.get_contents("README.md", ref="main")
    assert not isinstance(current, list)
    assert current.decoded_content == LIST

    result = repo.update_file("README.md", "Add b", LIST + b"- b\n", current.sha, branch="main")

    sha = result["commit"].sha
    assert server.branch_sha("main") == sha
    assert server.file_at("main", "README.md") == LIST + b"- b\n"
    with pytest.raises(GithubException) as stale:
        repo.update_file("README.md", "Again", b"x\n", current.sha, branch="main")
    assert stale.value.status == 409
    assert server.branch_sha("main") == sha


def test_every_url_uses_the_servers_own_base_and_lists_paginate(server: FakeGitHub) -> None:
    """Every URL the fake returns is built on its own base (PyGithub follows them), and lists
    paginate newest first."""
    for day in range(1, 6):
        branch = f"arxivbot/2025-05-0{day}"
        server.commit_file(branch, "README.md", LIST + f"- {day}\n".encode())
        status, _ = raw(server, "POST", f"/repos/{server.full_name}/pulls",
                        {"base": "main", "head": branch, "title": f"day {day}", "body": ""})
        assert status == 201
    repo = client(server, per_page=2).get_repo(server.full_name)

    titles = [pr.title for pr in repo.get_pulls(state="all")]

    assert titles == [f"day {d}" for d in range(5, 0, -1)]  # newest first, over three pages
    assert server.count("GET", r"/pulls$") == 3
    status, data = raw(server, "GET", f"/repos/{server.full_name}/pulls/2")
    assert status == 200
    assert isinstance(data, dict)
    urls = [data["url"], data["issue_url"], data["head"]["repo"]["url"]]
    assert all(url.startswith(server.base_url + "/repos/") for url in urls)
    assert data["merged"] is False


def test_auth_is_recorded_as_a_flag_and_checked(server: FakeGitHub) -> None:
    """A wrong or missing token gets 401, and the fake records only whether one was sent, never the
    token."""
    assert raw(server, "GET", f"/repos/{server.full_name}", token="wrong")[0] == 401
    assert raw(server, "GET", f"/repos/{server.full_name}", token=None)[0] == 401
    assert raw(server, "GET", f"/repos/{server.full_name}")[0] == 200
    assert [r.authorized for r in server.requests] == [True, False, True]
    assert all("authorization" not in {k.lower() for k in r.headers} for r in server.requests)


def test_faults_hit_the_nth_matching_request_only(server: FakeGitHub) -> None:
    """An injected fault answers only the chosen matching request (500 or a GitHub-shaped rate
    limit); the others succeed."""
    path = f"/repos/{server.full_name}"
    server.fail("GET", r"^/repos/[^/]+/[^/]+$", kind="500", nth=2)
    server.fail("GET", r"/branches/", kind="rate-limit")

    statuses = [raw(server, "GET", path)[0] for _ in range(3)]
    limited, body = raw(server, "GET", f"{path}/branches/main")

    assert statuses == [200, 500, 200]
    assert limited == 403
    assert isinstance(body, dict)
    assert body["message"].startswith("API rate limit exceeded")
    assert raw(server, "GET", f"{path}/branches/main")[0] == 200
    server.fail("GET", r"/branches/", kind="disconnect")
    with pytest.raises((urllib.error.URLError, ConnectionError)):
        raw(server, "GET", f"{path}/branches/main")
    assert server.requests[-1].status == 0


def test_deleting_a_pr_branch_closes_the_pr_and_merge_helpers_use_git(server: FakeGitHub) -> None:
    """Deleting a PR's branch closes the PR as GitHub does, and the merge helper makes a real git
    merge on main."""
    prefix = f"/repos/{server.full_name}"
    for day in ("01", "02"):
        server.commit_file(f"arxivbot/2025-05-{day}", "README.md", LIST + b"- " +
                           day.encode() + b"\n")
        raw(server, "POST", f"{prefix}/pulls",
            {"base": "main", "head": f"arxivbot/2025-05-{day}", "title": day, "body": ""})
    first, second = sorted(server.pulls)

    assert raw(server, "DELETE", f"{prefix}/git/refs/heads/arxivbot/2025-05-01")[0] == 204
    merge = server.merge_pull(second, edit=lambda text: text + b"- edited\n", path="README.md")

    assert server.pulls[first].state == "closed"
    assert server.pulls[first].merged_at is None
    assert server.pulls[second].merged_at is not None
    assert server.branch_sha("main") == merge
    assert len(server.parents(merge)) == 2  # a real merge commit
    assert server.file_at("main", "README.md") == LIST + b"- 02\n- edited\n"
    status, blob = raw(server, "GET", f"{prefix}/git/blobs/"
                       + server.git("rev-parse", "main:README.md").decode().strip())
    assert status == 200
    assert isinstance(blob, dict)
    assert base64.b64decode(blob["content"]) == LIST + b"- 02\n- edited\n"
