"""A list file that is a symbolic link is refused, alike on both publishers, before anything
is written (GitHub answers a symlink with its target's content, and committing that would
replace the link with a regular-file copy)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub

from arxivbot.errors import ConfigError
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.local import LocalPublisher

TOKEN = "ghs_sEcReT0123456789abcdefTOKEN"
LIST = b"# Awesome\n\n## Papers\n\n- [A](https://arxiv.org/abs/2501.00001)\n"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def test_github_refuses_a_symlinked_list(tmp_path: Path) -> None:
    """A list that is a symbolic link on GitHub is refused with a clear error instead of being
    replaced by a copy."""
    with FakeGitHub(tmp_path, {"docs/list.md": LIST}, token=TOKEN) as server:
        server.commit_symlink("main", "README.md", "docs/list.md")
        publisher = GitHubPublisher(server.full_name, "README.md", "main", token=TOKEN,
                                    base_url=server.base_url, backoff_factor=0.0,
                                    seconds_between_writes=None)

        with pytest.raises(ConfigError, match=r"README\.md .* is a symbolic link"):
            publisher.read_list()
        # The real file still reads.
        real = GitHubPublisher(server.full_name, "docs/list.md", "main", token=TOKEN,
                               base_url=server.base_url, backoff_factor=0.0,
                               seconds_between_writes=None)
        assert real.read_list().content == LIST


def test_github_refuses_a_symlink_pointing_outside(tmp_path: Path) -> None:
    """A symbolic link pointing outside the repository is refused as well."""
    with FakeGitHub(tmp_path, {"docs/list.md": LIST}, token=TOKEN) as server:
        server.commit_symlink("main", "README.md", "/etc/hostname")
        publisher = GitHubPublisher(server.full_name, "README.md", "main", token=TOKEN,
                                    base_url=server.base_url, backoff_factor=0.0,
                                    seconds_between_writes=None)
        with pytest.raises(ConfigError, match="symbolic link"):
            publisher.read_list()


def test_local_refuses_a_symlinked_list(tmp_path: Path) -> None:
    """The local publisher refuses a symlinked list with the same message, and reads the real file
    when named."""
    repo = tmp_path / "awesome"
    (repo / "docs").mkdir(parents=True)
    (repo / "docs" / "list.md").write_bytes(LIST)
    (repo / "README.md").symlink_to("docs/list.md")
    env = {**GIT_ENV, "PATH": "/usr/bin:/bin"}
    for args in (["init", "-q", "--initial-branch=main"], ["add", "."], ["commit", "-qm", "l"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)

    with pytest.raises(ConfigError, match=r"README\.md .* is a symbolic link"):
        LocalPublisher(repo, "README.md").read_list()
    assert LocalPublisher(repo, "docs/list.md").read_list().content == LIST


def test_github_refuses_a_list_over_the_cap_before_downloading_it(tmp_path: Path) -> None:
    """A list over the size cap is refused from its size alone, before any blob is downloaded."""
    from arxivbot.errors import PublishError
    from arxivbot.publish import MAX_LIST_BYTES

    with FakeGitHub(tmp_path, {"README.md": b"x" * (MAX_LIST_BYTES + 1)}, token=TOKEN) as server:
        publisher = GitHubPublisher(server.full_name, "README.md", "main", token=TOKEN,
                                    base_url=server.base_url, backoff_factor=0.0,
                                    seconds_between_writes=None)
        with pytest.raises(PublishError, match="over the 50 MB a list may be"):
            publisher.read_list()
        assert not [r for r in server.requests if "/git/blobs/" in r.path]
