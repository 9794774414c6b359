"""A local GitHub: the REST subset the publisher and ``feedback`` use, over a real git repository.

``FakeGitHub`` runs a threaded HTTP server on 127.0.0.1 (a free port) that answers like
``api.github.com`` for one repository, so tests drive the real PyGithub code path with
``Github(base_url=server.base_url)``. Branches, blobs, trees and commits live in a bare git
repository on disk, so a test can check afterwards with ``git`` what a run really made. Pull
requests, labels and comments live in memory.

Endpoints (all under ``/repos/{owner}/{name}``): the repository itself, ``branches/{b}``,
``git/ref/heads/{b}`` and ``git/refs/heads/{b}`` (GET, PATCH, DELETE), ``POST git/refs``,
``contents/{path}`` (GET, PUT), ``git/blobs`` (GET, POST), ``POST git/trees``, ``git/commits``
(GET, POST), ``pulls`` (GET with state/head/base/direction and pagination, POST),
``pulls/{n}`` (GET, PATCH), ``labels`` (GET, POST), ``labels/{name}``,
``issues/{n}/labels`` (POST) and ``issues/{n}/comments`` (GET, POST).

Every request is recorded (``requests``) without its Authorization header, which is kept only
as a yes/no. ``fail`` makes chosen requests answer 500, a rate-limit 403, drop the connection,
or do the work and then answer 502 (a gateway timeout after the fact). Python helpers play the
maintainer: ``merge_pull`` (optionally after editing the branch), ``close_pull``,
``add_comment``, ``commit_file`` (e.g. to move the base branch).
"""

from __future__ import annotations

import base64
import json
import os
import posixpath
import re
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote, unquote, urlsplit

_GIT_ENV = {
    "GIT_AUTHOR_NAME": "Fake GitHub",
    "GIT_AUTHOR_EMAIL": "noreply@github.invalid",
    "GIT_COMMITTER_NAME": "Fake GitHub",
    "GIT_COMMITTER_EMAIL": "noreply@github.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


@dataclass(frozen=True)
class SeenRequest:
    """One request as the server saw it (the token itself is never kept)."""

    method: str
    path: str  # without the query string
    query: dict[str, str]
    status: int  # 0 when the connection was dropped on purpose
    headers: dict[str, str]  # minus Authorization
    authorized: bool  # whether an Authorization header was sent
    body: Any = None  # parsed JSON body, if any
    reply: Any = None  # the JSON the server answered with


@dataclass
class Fault:
    """Answer the ``nth`` matching request (and the ``times - 1`` after it) with a failure."""

    method: str
    pattern: re.Pattern[str]
    kind: str  # "500" | "500-after" (done, then 502) | "rate-limit" | "disconnect"
    nth: int = 1
    times: int = 1
    seen: int = 0  # matching requests so far
    fired: int = 0


@dataclass
class PullState:
    number: int
    title: str
    body: str
    head: str  # branch name
    base: str
    head_sha: str
    base_sha: str
    state: str = "open"
    merged_at: str | None = None
    merge_commit_sha: str | None = None
    closed_at: str | None = None
    labels: list[str] = field(default_factory=list)
    created_at: str = ""
    head_repo: str | None = None  # owner/name of a fork the PR comes from; None: this one
    updated_at: str = ""


class HttpError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


class FakeGitHub:
    """One repository's GitHub, served on 127.0.0.1; use as a context manager."""

    def __init__(
        self,
        root: Path,
        files: Mapping[str, bytes],
        *,
        owner: str = "octo",
        name: str = "awesome-list",
        default_branch: str = "main",
        token: str = "test-token",
        content_size_limit: int = 1_000_000,
    ) -> None:
        self.owner = owner
        self.name = name
        self.default_branch = default_branch
        self.token = token
        self.content_size_limit = content_size_limit  # GitHub omits bigger files' content
        self.git_dir = root / f"{name}.git"
        self.requests: list[SeenRequest] = []
        self.pulls: dict[int, PullState] = {}
        self.labels: dict[str, dict[str, str]] = {}
        self.comments: dict[int, list[dict[str, Any]]] = {}
        self._faults: list[Fault] = []
        self._hooks: list[tuple[str, re.Pattern[str], Callable[[], object]]] = []
        self._lock = threading.RLock()
        self._next_id = 1
        self._clock = 0  # strictly increasing timestamps, so "newest first" is well defined
        subprocess.run(
            ["git", "init", "--quiet", "--bare", f"--initial-branch={default_branch}",
             str(self.git_dir)],
            check=True,
            env=self._env(),
        )
        self.commit_files(default_branch, files, "Initial list")
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), _make_handler(self))
        self._server.daemon_threads = True
        # A short poll interval keeps shutdown (and so each test's teardown) fast.
        self._thread = threading.Thread(target=self._server.serve_forever, args=(0.02,),
                                        daemon=True)

    # ---- lifecycle -------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        port = self._server.server_address[1]
        return f"http://127.0.0.1:{port}"

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def start(self) -> FakeGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> FakeGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ---- faults and the request log ----------------------------------------------------------

    def fail(self, method: str, path_regex: str, *, kind: str = "500", nth: int = 1,
             times: int = 1) -> Fault:
        """From the ``nth`` request matching METHOD and the path regex, fail ``times`` of them."""
        if kind not in {"500", "500-after", "rate-limit", "disconnect", "actions-may-not"}:
            raise ValueError(kind)
        fault = Fault(method.upper(), re.compile(path_regex), kind, nth, times)
        with self._lock:
            self._faults.append(fault)
        return fault

    def clear_faults(self) -> None:
        with self._lock:
            self._faults.clear()
            self._hooks.clear()

    def before(self, method: str, path_regex: str, action: Callable[[], object]) -> None:
        """Run ``action`` once, just before the first request matching METHOD and the path
        regex is answered: someone else acting between the bot's read and its write."""
        with self._lock:
            self._hooks.append((method.upper(), re.compile(path_regex), action))

    def _run_hook(self, method: str, path: str) -> None:
        for hook in list(self._hooks):
            if hook[0] == method and hook[1].search(path):
                self._hooks.remove(hook)
                hook[2]()

    def count(self, method: str, path_regex: str = ".*", *, status: int | None = None) -> int:
        pattern = re.compile(path_regex)
        return sum(
            1
            for r in self.requests
            if r.method == method.upper()
            and pattern.search(r.path)
            and (status is None or r.status == status)
        )

    def writes(self) -> list[SeenRequest]:
        return [r for r in self.requests if r.method not in {"GET", "HEAD"}]

    def summary(self) -> dict[str, int]:
        """Request counts per ``METHOD endpoint`` (numbers and names folded), for reports."""
        counts: dict[str, int] = {}
        prefix = f"/repos/{self.full_name}"
        for r in self.requests:
            path = r.path.removeprefix(prefix) or "/"
            path = re.sub(r"/[0-9a-f]{40}", "/{sha}", path)
            path = re.sub(r"/\d+", "/{n}", path)
            path = re.sub(r"(/(?:branches|git/refs?/heads|contents|labels))/.+", r"\1/{x}", path)
            key = f"{r.method} {path}" + ("" if 0 < r.status < 400 else f" -> {r.status or 'drop'}")
            counts[key] = counts.get(key, 0) + 1
        return dict(sorted(counts.items()))

    def _fault_for(self, method: str, path: str) -> Fault | None:
        for fault in self._faults:
            if fault.method == method and fault.pattern.search(path):
                fault.seen += 1
                if fault.seen >= fault.nth and fault.fired < fault.times:
                    fault.fired += 1
                    return fault
        return None

    # ---- git ---------------------------------------------------------------------------------

    def _env(self, extra: Mapping[str, str] | None = None) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
        env.update(_GIT_ENV)
        env.update(extra or {})
        return env

    def git(self, *args: str, input: bytes | None = None, env: Mapping[str, str] | None = None,
            check: bool = True) -> bytes:
        proc = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", *args],
            input=input,
            capture_output=True,
            env=self._env(env),
        )
        if check and proc.returncode != 0:
            raise RuntimeError(f"git {' '.join(args)}: {proc.stderr.decode(errors='replace')}")
        return proc.stdout

    def rev(self, ref: str) -> str | None:
        out = self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return out.decode().strip() or None

    def branch_sha(self, branch: str) -> str | None:
        return self.rev(f"refs/heads/{branch}")

    def branches(self) -> list[str]:
        out = self.git("for-each-ref", "--format=%(refname:short)", "refs/heads/").decode()
        return sorted(out.split())

    def file_at(self, ref: str, path: str) -> bytes | None:
        out = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "cat-file", "blob", f"{ref}:{path}"],
            capture_output=True,
            env=self._env(),
        )
        return out.stdout if out.returncode == 0 else None

    def is_ancestor(self, older: str, newer: str) -> bool:
        proc = subprocess.run(
            ["git", f"--git-dir={self.git_dir}", "merge-base", "--is-ancestor", older, newer],
            env=self._env(),
        )
        return proc.returncode == 0

    def parents(self, sha: str) -> list[str]:
        return self.git("rev-list", "--parents", "-n", "1", sha).decode().split()[1:]

    def _tree_with(self, base_tree: str | None, entries: list[tuple[str, str, str | None]]) -> str:
        """A tree: ``base_tree`` with (mode, path, blob sha or None to delete) applied."""
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            if base_tree:
                self.git("read-tree", base_tree, env=env)
            for mode, path, sha in entries:
                if sha is None:  # mode 0 removes the entry (--force-remove needs a work tree)
                    self.git("update-index", "--index-info",
                             input=f"0 {'0' * 40}\t{path}\n".encode(), env=env)
                else:
                    self.git("update-index", "--add", "--cacheinfo", f"{mode},{sha},{path}",
                             env=env)
            return self.git("write-tree", env=env).decode().strip()

    def _commit(self, tree: str, parents: list[str], message: str) -> str:
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.git(*args, input=message.encode()).decode().strip()

    def commit_files(self, branch: str, files: Mapping[str, bytes | None], message: str) -> str:
        """Commit files (None deletes) on top of ``branch``; the new sha. A missing branch
        starts from the default branch (or as a root commit in an empty repository)."""
        parent = self.branch_sha(branch) or self.branch_sha(self.default_branch)
        entries = [
            ("100644", path, None if data is None else self._hash(data))
            for path, data in files.items()
        ]
        tree = self._tree_with(f"{parent}^{{tree}}" if parent else None, entries)
        sha = self._commit(tree, [parent] if parent else [], message)
        self.git("update-ref", f"refs/heads/{branch}", sha)
        return sha

    def _hash(self, data: bytes) -> str:
        return self.git("hash-object", "-w", "--stdin", input=data).decode().strip()

    # ---- maintainer helpers --------------------------------------------------------------------

    def commit_file(self, branch: str, path: str, content: bytes, message: str = "Edit") -> str:
        with self._lock:
            sha = self.commit_files(branch, {path: content}, message)
            for pr in self.pulls.values():
                if pr.head == branch and pr.state == "open":
                    pr.head_sha = sha
            return sha

    def commit_symlink(self, branch: str, path: str, target: str) -> str:
        """Commit ``path`` as a symbolic link to ``target`` (git mode 120000)."""
        with self._lock:
            parent = self.branch_sha(branch)
            entries = [("120000", path, self._hash(target.encode()))]
            tree = self._tree_with(f"{parent}^{{tree}}" if parent else None, entries)
            sha = self._commit(tree, [parent] if parent else [], f"Link {path}")
            self.git("update-ref", f"refs/heads/{branch}", sha)
            return sha

    def merge_pull(self, number: int, *, squash: bool = False,
                   edit: Callable[[bytes], bytes] | None = None, path: str | None = None) -> str:
        """Merge a PR as a maintainer would (after editing ``path`` on its branch, if asked)."""
        with self._lock:
            pr = self.pulls[number]
            if pr.state != "open":
                raise RuntimeError(f"PR #{number} is {pr.state}")
            if edit is not None:
                if path is None:
                    raise ValueError("edit needs path")
                old = self.file_at(f"refs/heads/{pr.head}", path) or b""
                self.commit_file(pr.head, path, edit(old), "Maintainer edit")
            head = self.branch_sha(pr.head) or pr.head_sha
            base = self.branch_sha(pr.base)
            assert base is not None
            proc = subprocess.run(
                ["git", f"--git-dir={self.git_dir}", "merge-tree", "--write-tree", base, head],
                capture_output=True,
                env=self._env(),
            )
            if proc.returncode != 0:
                raise RuntimeError(f"PR #{number} does not merge cleanly")
            tree = proc.stdout.decode().split()[0]
            title = f"{pr.title} (#{number})"
            parents = [base] if squash else [base, head]
            merge = self._commit(tree, parents, title if squash else f"Merge pull request "
                                 f"#{number} from {self.owner}/{pr.head}\n\n{pr.title}")
            self.git("update-ref", f"refs/heads/{pr.base}", merge, base)
            pr.head_sha = head
            pr.state = "closed"
            pr.merged_at = pr.closed_at = pr.updated_at = self._stamp()
            pr.merge_commit_sha = merge
            return merge

    def close_pull(self, number: int) -> None:
        with self._lock:
            pr = self.pulls[number]
            pr.state = "closed"
            pr.closed_at = pr.updated_at = self._stamp()

    def add_comment(
        self, number: int, body: str, user: str = "maintainer", association: str = "OWNER"
    ) -> None:
        """A comment on PR ``number``; ``association`` is GitHub's author_association
        (OWNER, MEMBER, COLLABORATOR, CONTRIBUTOR, NONE, ...)."""
        with self._lock:
            self._add_comment(number, body, user, association)

    def _add_comment(
        self, number: int, body: str, user: str, association: str = "OWNER"
    ) -> dict[str, Any]:
        comment_id = self._new_id()
        comment = {
            "id": comment_id,
            "body": body,
            "user": self._user(user),
            "author_association": association,
            "created_at": self._stamp(),
            "url": f"{self._repo_url}/issues/comments/{comment_id}",
            "html_url": f"https://github.invalid/{self.full_name}/pull/{number}",
        }
        self.comments.setdefault(number, []).append(comment)
        return comment

    def _new_id(self) -> int:
        self._next_id += 1
        return self._next_id

    def _stamp(self) -> str:
        # Seconds resolution like GitHub; a counter keeps creation order strict within a test.
        self._clock += 1
        base = datetime.now(UTC).replace(microsecond=0).timestamp()
        return datetime.fromtimestamp(base + self._clock, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")

    # ---- JSON shapes ---------------------------------------------------------------------------

    @property
    def _repo_url(self) -> str:
        return f"{self.base_url}/repos/{self.full_name}"

    def _user(self, login: str) -> dict[str, Any]:
        return {"login": login, "id": 1, "type": "User", "url": f"{self.base_url}/users/{login}"}

    def _repo_json(self) -> dict[str, Any]:
        return {
            "id": 1,
            "name": self.name,
            "full_name": self.full_name,
            "owner": self._user(self.owner),
            "private": False,
            "default_branch": self.default_branch,
            "url": self._repo_url,
            "html_url": f"https://github.invalid/{self.full_name}",
        }

    def _commit_json(self, sha: str) -> dict[str, Any]:
        raw = self.git("cat-file", "commit", sha).decode(errors="replace")
        header, _, message = raw.partition("\n\n")
        tree = re.search(r"^tree (\w+)", header, re.M)
        parents = re.findall(r"^parent (\w+)", header, re.M)
        person = {"name": "Fake GitHub", "email": "noreply@github.invalid", "date": _now()}
        return {
            "sha": sha,
            "url": f"{self._repo_url}/git/commits/{sha}",
            "html_url": f"https://github.invalid/{self.full_name}/commit/{sha}",
            "message": message,
            "tree": {"sha": tree.group(1) if tree else "", "url": f"{self._repo_url}/git/trees/"
                     f"{tree.group(1) if tree else ''}"},
            "parents": [{"sha": p, "url": f"{self._repo_url}/git/commits/{p}"} for p in parents],
            "author": person,
            "committer": person,
        }

    def _repo_commit_json(self, sha: str) -> dict[str, Any]:
        """A commit as the repository endpoints give it (a branch's ``commit``): the git
        commit's message and tree sit under ``commit``, as GitHub documents."""
        git = self._commit_json(sha)
        return {
            "sha": sha,
            "url": f"{self._repo_url}/commits/{sha}",
            "html_url": git["html_url"],
            "commit": {"message": git["message"], "tree": git["tree"], "url": git["url"],
                       "author": git["author"], "committer": git["committer"]},
            "parents": git["parents"],
        }

    def _ref_json(self, branch: str, sha: str) -> dict[str, Any]:
        return {
            "ref": f"refs/heads/{branch}",
            "node_id": f"REF_{branch}",
            "url": f"{self._repo_url}/git/refs/heads/{branch}",
            "object": {"sha": sha, "type": "commit",
                       "url": f"{self._repo_url}/git/commits/{sha}"},
        }

    def _content_json(self, path: str, ref: str) -> dict[str, Any]:
        blob = self.git("rev-parse", "--verify", "--quiet", f"{ref}:{path}", check=False)
        blob_sha = blob.decode().strip()
        if not blob_sha:
            raise HttpError(404, "Not Found")
        listed = self.git("ls-tree", ref, "--", path).decode().split()
        if listed and listed[0] == "120000":
            # GitHub: a symlink to a file of the repository answers with that file (its own
            # path, name and sha); any other symlink with an object describing the link.
            target = self.git("cat-file", "blob", blob_sha).decode()
            resolved = posixpath.normpath(posixpath.join(posixpath.dirname(path), target))
            inside = not resolved.startswith("../") and not target.startswith("/")
            if inside and self.git("rev-parse", "--verify", "--quiet", f"{ref}:{resolved}",
                                   check=False).strip():
                return self._content_json(resolved, ref)
            return {
                "type": "symlink", "target": target, "size": len(target),
                "name": path.rsplit("/", 1)[-1], "path": path, "sha": blob_sha,
                "url": f"{self._repo_url}/contents/{path}?ref={ref}",
                "git_url": f"{self._repo_url}/git/blobs/{blob_sha}",
                "html_url": f"https://github.invalid/{self.full_name}/blob/{ref}/{path}",
                "download_url": None,
            }
        data = self.git("cat-file", "blob", blob_sha)
        big = len(data) > self.content_size_limit
        return {
            "type": "file",
            "encoding": "none" if big else "base64",
            "size": len(data),
            "name": path.rsplit("/", 1)[-1],
            "path": path,
            "content": "" if big else base64.encodebytes(data).decode(),
            "sha": blob_sha,
            "url": f"{self._repo_url}/contents/{path}?ref={ref}",
            "git_url": f"{self._repo_url}/git/blobs/{blob_sha}",
            "html_url": f"https://github.invalid/{self.full_name}/blob/{ref}/{path}",
            "download_url": None,
        }

    def _label_json(self, name: str) -> dict[str, Any]:
        label = self.labels[name]
        return {"name": name, "color": label["color"], "description": label["description"],
                "url": f"{self._repo_url}/labels/{name}"}

    def _pull_json(self, pr: PullState, *, full: bool) -> dict[str, Any]:
        head_sha = self.branch_sha(pr.head) if pr.state == "open" else None
        repo = self._repo_json()
        head_repo = repo
        if pr.head_repo:  # a fork: its own name and URL (on this host, as PyGithub requires)
            fork_owner, fork_name = pr.head_repo.split("/")
            head_repo = {**repo, "full_name": pr.head_repo, "name": fork_name,
                         "owner": self._user(fork_owner),
                         "url": f"{self.base_url}/repos/{pr.head_repo}"}
        data: dict[str, Any] = {
            "id": 1000 + pr.number,
            "number": pr.number,
            "state": pr.state,
            "title": pr.title,
            "body": pr.body,
            "user": self._user("arxivbot"),
            "url": f"{self._repo_url}/pulls/{pr.number}",
            "issue_url": f"{self._repo_url}/issues/{pr.number}",
            "html_url": f"https://github.invalid/{self.full_name}/pull/{pr.number}",
            "head": {"ref": pr.head, "sha": head_sha or pr.head_sha,
                     "label": f"{head_repo['owner']['login']}:{pr.head}", "repo": head_repo,
                     "user": head_repo["owner"]},
            "base": {"ref": pr.base, "sha": pr.base_sha, "label": f"{self.owner}:{pr.base}",
                     "repo": repo, "user": repo["owner"]},
            "labels": [self._label_json(n) for n in pr.labels if n in self.labels],
            "created_at": pr.created_at,
            "updated_at": pr.updated_at,
            "closed_at": pr.closed_at,
            "merged_at": pr.merged_at,
            "merge_commit_sha": pr.merge_commit_sha,
        }
        if full:  # like GitHub, list items lack "merged" and "commits"
            data["merged"] = pr.merged_at is not None
            base = self.branch_sha(pr.base) if pr.state == "open" else pr.base_sha
            ahead = self.git("rev-list", "--count", f"{base}..{head_sha or pr.head_sha}")
            data["commits"] = int(ahead)
        return data

    # ---- routing -----------------------------------------------------------------------------

    def handle(self, method: str, path: str, query: dict[str, str],
               body: Any) -> tuple[int, Any, dict[str, str]]:
        """Answer one authorised request: (status, JSON, extra headers)."""
        prefix = f"/repos/{self.full_name}"
        if path != prefix and not path.startswith(prefix + "/"):
            raise HttpError(404, "Not Found")
        rest = path[len(prefix):]
        routes: list[tuple[str, str, Callable[..., tuple[int, Any, dict[str, str]]]]] = [
            ("GET", r"", self._get_repo),
            ("GET", r"/branches/(?P<b>.+)", self._get_branch),
            ("GET", r"/git/refs?/heads/(?P<b>.+)", self._get_ref),
            ("GET", r"/git/matching-refs/(?P<r>.+)", self._matching_refs),
            ("PATCH", r"/git/refs/heads/(?P<b>.+)", self._patch_ref),
            ("DELETE", r"/git/refs/heads/(?P<b>.+)", self._delete_ref),
            ("POST", r"/git/refs", self._post_ref),
            ("GET", r"/contents/(?P<p>.+)", self._get_contents),
            ("PUT", r"/contents/(?P<p>.+)", self._put_contents),
            ("GET", r"/git/blobs/(?P<sha>\w+)", self._get_blob),
            ("POST", r"/git/blobs", self._post_blob),
            ("POST", r"/git/trees", self._post_tree),
            ("GET", r"/git/commits/(?P<sha>\w+)", self._get_commit),
            ("POST", r"/git/commits", self._post_commit),
            ("GET", r"/pulls", self._list_pulls),
            ("POST", r"/pulls", self._post_pull),
            ("GET", r"/pulls/(?P<n>\d+)", self._get_pull),
            ("PATCH", r"/pulls/(?P<n>\d+)", self._patch_pull),
            ("GET", r"/labels", self._list_labels),
            ("POST", r"/labels", self._post_label),
            ("GET", r"/labels/(?P<name>.+)", self._get_label),
            ("POST", r"/issues/(?P<n>\d+)/labels", self._post_issue_labels),
            ("GET", r"/issues/(?P<n>\d+)/comments", self._list_comments),
            ("POST", r"/issues/(?P<n>\d+)/comments", self._post_comment),
        ]
        for verb, pattern, handler in routes:
            match = re.fullmatch(pattern, rest)
            if verb == method and match:
                args = {k: unquote(v) for k, v in match.groupdict().items()}
                return handler(query=query, body=body, **args)
        raise HttpError(404, "Not Found")

    def _get_repo(self, **_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self._repo_json(), {}

    def _get_branch(self, b: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        sha = self.branch_sha(b)
        if sha is None:
            raise HttpError(404, "Branch not found")
        return 200, {"name": b, "commit": self._repo_commit_json(sha), "protected": False,
                     "_links": {"self": f"{self._repo_url}/branches/{b}"}}, {}

    def _get_ref(self, b: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        sha = self.branch_sha(b)
        if sha is None:
            raise HttpError(404, "Not Found")
        return 200, self._ref_json(b, sha), {}

    def _matching_refs(self, r: str, query: dict[str, str], **_: Any
                       ) -> tuple[int, Any, dict[str, str]]:
        """GitHub's "list matching references": every ref whose name starts with ``refs/r``
        (PyGithub sends ``r`` with its slashes encoded; only branches are kept here)."""
        refs = [self._ref_json(name, self.branch_sha(name) or "")
                for name in sorted(self.branches()) if f"heads/{name}".startswith(r)]
        return self._page(refs, query, f"git/matching-refs/{quote(r, safe='')}")

    def _post_ref(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        ref, sha = str(body.get("ref", "")), str(body.get("sha", ""))
        if not ref.startswith("refs/heads/") or ref.count("/") < 2:
            raise HttpError(422, "Reference name must start with 'refs/' and have two slashes")
        branch = ref.removeprefix("refs/heads/")
        if self.rev(sha) is None:
            raise HttpError(422, "Object does not exist")
        if self.branch_sha(branch) is not None:
            raise HttpError(422, "Reference already exists")
        self.git("update-ref", ref, sha, "0" * 40)
        return 201, self._ref_json(branch, sha), {}

    def _patch_ref(self, b: str, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        old, new = self.branch_sha(b), str(body.get("sha", ""))
        if old is None:
            raise HttpError(422, "Reference does not exist")
        if self.rev(new) is None:
            raise HttpError(422, "Object does not exist")
        if not self.is_ancestor(old, new) and not body.get("force"):
            raise HttpError(422, "Update is not a fast forward")
        self.git("update-ref", f"refs/heads/{b}", new, old)
        for pr in self.pulls.values():
            if pr.head == b and pr.state == "open":
                pr.head_sha = new
                pr.base_sha = self.branch_sha(pr.base) or pr.base_sha
                pr.updated_at = self._stamp()
        return 200, self._ref_json(b, new), {}

    def _delete_ref(self, b: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        old = self.branch_sha(b)
        if old is None:
            raise HttpError(422, "Reference does not exist")
        self.git("update-ref", "-d", f"refs/heads/{b}", old)
        for pr in self.pulls.values():  # GitHub closes PRs whose head branch is deleted
            if pr.head == b and pr.state == "open":
                pr.head_sha = old
                pr.state = "closed"
                pr.closed_at = pr.updated_at = self._stamp()
        return 204, None, {}

    def _get_contents(self, p: str, query: dict[str, str], **_: Any
                      ) -> tuple[int, Any, dict[str, str]]:
        ref = query.get("ref") or self.default_branch
        if self.rev(ref) is None:
            raise HttpError(404, f"No commit found for the ref {ref}")
        return 200, self._content_json(p, ref), {}

    def _put_contents(self, p: str, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        branch = str(body.get("branch") or self.default_branch)
        head = self.branch_sha(branch)
        if head is None:
            raise HttpError(404, f"Branch {branch} not found")
        current = self.git("rev-parse", "--verify", "--quiet", f"{head}:{p}", check=False)
        current_sha = current.decode().strip() or None
        if current_sha != body.get("sha"):
            if body.get("sha") is None:
                raise HttpError(422, '"sha" wasn\'t supplied.')
            raise HttpError(409, f"{p} does not match {body.get('sha')}")
        data = base64.b64decode(body.get("content", ""))
        sha = self.commit_file(branch, p, data, str(body.get("message", "Update")))
        return (201 if current_sha is None else 200), {
            "content": self._content_json(p, sha),
            "commit": self._commit_json(sha),
        }, {}

    def _get_blob(self, sha: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        kind = self.git("cat-file", "-t", sha, check=False).decode().strip()
        if kind != "blob":
            raise HttpError(404, "Not Found")
        data = self.git("cat-file", "blob", sha)
        return 200, {"sha": sha, "size": len(data), "encoding": "base64",
                     "content": base64.encodebytes(data).decode(),
                     "url": f"{self._repo_url}/git/blobs/{sha}"}, {}

    def _post_blob(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        content = str(body.get("content", ""))
        data = base64.b64decode(content) if body.get("encoding") == "base64" else content.encode()
        sha = self._hash(data)
        return 201, {"sha": sha, "url": f"{self._repo_url}/git/blobs/{sha}"}, {}

    def _post_tree(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        entries = []
        for item in body.get("tree", []):
            if item.get("type") != "blob" or "sha" not in item:
                raise HttpError(422, "only blob entries with a sha are supported here")
            entries.append((str(item["mode"]), str(item["path"]), item["sha"]))
        base_tree = body.get("base_tree")
        if base_tree and self.git("cat-file", "-t", base_tree, check=False).strip() != b"tree":
            raise HttpError(422, "base_tree is not a valid tree oid")
        sha = self._tree_with(base_tree, entries)
        return 201, {"sha": sha, "url": f"{self._repo_url}/git/trees/{sha}", "tree": [],
                     "truncated": False}, {}

    def _get_commit(self, sha: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        if self.git("cat-file", "-t", sha, check=False).strip() != b"commit":
            raise HttpError(404, "Not Found")
        return 200, self._commit_json(sha), {}

    def _post_commit(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        tree, parents = str(body.get("tree", "")), [str(p) for p in body.get("parents", [])]
        if self.git("cat-file", "-t", tree, check=False).strip() != b"tree":
            raise HttpError(422, "Tree SHA does not exist")
        if any(self.rev(p) is None for p in parents):
            raise HttpError(422, "Parent SHA does not exist")
        sha = self._commit(tree, parents, str(body.get("message", "")))
        return 201, self._commit_json(sha), {}

    def _list_pulls(self, query: dict[str, str], **_: Any) -> tuple[int, Any, dict[str, str]]:
        state = query.get("state", "open")
        pulls = [
            pr for pr in self.pulls.values()
            if (state == "all" or pr.state == state)
            and (not query.get("base") or pr.base == query["base"])
            and (not query.get("head") or self._head_label(pr) == query["head"])
        ]
        newest_first = query.get("direction", "desc") == "desc"
        pulls.sort(key=lambda pr: pr.number, reverse=newest_first)
        return self._page([self._pull_json(pr, full=False) for pr in pulls], query, "pulls")

    def _head_label(self, pr: PullState) -> str:
        return f"{(pr.head_repo or self.full_name).split('/')[0]}:{pr.head}"

    def _page(self, items: list[Any], query: dict[str, str], endpoint: str
              ) -> tuple[int, Any, dict[str, str]]:
        per_page = min(int(query.get("per_page", 30)), 100)
        page = int(query.get("page", 1))
        chunk = items[(page - 1) * per_page: page * per_page]
        headers: dict[str, str] = {}
        if page * per_page < len(items):
            params = {k: v for k, v in query.items() if k != "page"}
            params["page"] = str(page + 1)
            qs = "&".join(f"{k}={v}" for k, v in params.items())
            headers["Link"] = f'<{self._repo_url}/{endpoint}?{qs}>; rel="next"'
        return 200, chunk, headers

    def _post_pull(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        head = str(body.get("head", "")).removeprefix(f"{self.owner}:")
        base = str(body.get("base", ""))
        head_sha, base_sha = self.branch_sha(head), self.branch_sha(base)
        if head_sha is None or base_sha is None:
            raise HttpError(422, "Validation Failed: head or base does not exist")
        for pr in self.pulls.values():
            if pr.head == head and pr.base == base and pr.state == "open":
                raise HttpError(422, f"A pull request already exists for {self.owner}:{head}.")
        if self.git("rev-list", f"{base_sha}..{head_sha}").strip() == b"":
            raise HttpError(422, f"No commits between {base} and {head}")
        number = self._new_id()
        stamp = self._stamp()
        pr = PullState(number, str(body.get("title", "")), str(body.get("body") or ""), head,
                       base, head_sha, base_sha, created_at=stamp, updated_at=stamp)
        self.pulls[number] = pr
        return 201, self._pull_json(pr, full=True), {}

    def _pull(self, n: str) -> PullState:
        pr = self.pulls.get(int(n))
        if pr is None:
            raise HttpError(404, "Not Found")
        return pr

    def _get_pull(self, n: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        return 200, self._pull_json(self._pull(n), full=True), {}

    def _patch_pull(self, n: str, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        pr = self._pull(n)
        if "title" in body:
            pr.title = str(body["title"])
        if "body" in body:
            pr.body = str(body["body"])
        if body.get("state") == "closed" and pr.state == "open":
            pr.state = "closed"
            pr.closed_at = self._stamp()
        pr.updated_at = self._stamp()
        return 200, self._pull_json(pr, full=True), {}

    def _list_labels(self, query: dict[str, str], **_: Any) -> tuple[int, Any, dict[str, str]]:
        return self._page([self._label_json(n) for n in self.labels], query, "labels")

    def _get_label(self, name: str, **_: Any) -> tuple[int, Any, dict[str, str]]:
        if name not in self.labels:
            raise HttpError(404, "Not Found")
        return 200, self._label_json(name), {}

    def _post_label(self, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        name = str(body.get("name", ""))
        if name in self.labels:
            raise HttpError(422, "Validation Failed: already_exists")
        self.labels[name] = {"color": str(body.get("color", "ededed")),
                             "description": str(body.get("description", ""))}
        return 201, self._label_json(name), {}

    def _post_issue_labels(self, n: str, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        pr = self._pull(n)
        names = body.get("labels", body) if isinstance(body, dict) else body
        for name in names:
            if name not in self.labels:  # GitHub creates unknown labels here
                self.labels[name] = {"color": "ededed", "description": ""}
            if name not in pr.labels:
                pr.labels.append(name)
        return 200, [self._label_json(name) for name in pr.labels], {}

    def _list_comments(self, n: str, query: dict[str, str], **_: Any
                       ) -> tuple[int, Any, dict[str, str]]:
        self._pull(n)
        return self._page(list(self.comments.get(int(n), [])), query, f"issues/{n}/comments")

    def _post_comment(self, n: str, body: Any, **_: Any) -> tuple[int, Any, dict[str, str]]:
        self._pull(n)
        return 201, self._add_comment(int(n), str(body.get("body", "")), "arxivbot"), {}


def _make_handler(server: FakeGitHub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def log_message(self, format: str, *args: Any) -> None:  # noqa: ARG002 (quiet)
            return

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length else b""
            try:
                body = json.loads(raw) if raw else {}
            except json.JSONDecodeError:
                body = {}
            auth = self.headers.get("Authorization")
            headers = {k: v for k, v in self.headers.items() if k.lower() != "authorization"}
            method = self.command
            with server._lock:
                server._run_hook(method, parts.path)
                fault = server._fault_for(method, parts.path)
                if fault is not None and fault.kind == "disconnect":
                    server.requests.append(SeenRequest(method, parts.path, query, 0, headers,
                                                       auth is not None, body))
                    self.close_connection = True
                    return
                if fault is not None and fault.kind != "500-after":
                    status, payload, extra = self._fault_answer(fault)
                elif auth != f"token {server.token}":
                    status, payload, extra = 401, {"message": "Bad credentials"}, {}
                else:
                    try:
                        status, payload, extra = server.handle(method, parts.path, query, body)
                    except HttpError as exc:
                        status, payload, extra = exc.status, {"message": exc.message}, {}
                    if fault is not None:  # the work is done, but the client hears a 502
                        status, payload, extra = 502, {"message": "Bad Gateway"}, {}
                server.requests.append(SeenRequest(method, parts.path, query, status, headers,
                                                   auth is not None, body, payload))
            self._answer(status, payload, extra)

        def _fault_answer(self, fault: Fault) -> tuple[int, Any, dict[str, str]]:
            if fault.kind == "rate-limit":
                reset = str(int(time.time()) + 3600)
                return 403, {"message": "API rate limit exceeded for installation ID 1.",
                             "documentation_url": "https://docs.github.com/rest"}, {
                    "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
            if fault.kind == "actions-may-not":  # the repository's Actions setting forbids it
                return 403, {
                    "message": "GitHub Actions is not permitted to create or approve pull "
                               "requests.",
                    "documentation_url": "https://docs.github.com/rest/pulls/pulls#create-a-pull-request",
                }, {}
            return 500, {"message": "Server Error"}, {}

        def _answer(self, status: int, payload: Any, extra: dict[str, str]) -> None:
            data = b"" if payload is None else json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(data)))
            headers = {
                "X-RateLimit-Limit": "5000",
                "X-RateLimit-Remaining": "4999",
                "X-RateLimit-Reset": str(int(time.time()) + 3600),
                **extra,
            }
            for key, value in headers.items():
                self.send_header(key, value)
            self.end_headers()
            if data:
                self.wfile.write(data)

        do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _serve

    return Handler


@contextmanager
def serve(root: Path, files: Mapping[str, bytes], **kwargs: Any) -> Iterator[FakeGitHub]:
    """Start a ``FakeGitHub`` for the duration of a ``with`` block."""
    with FakeGitHub(root, files, **kwargs) as server:
        yield server
