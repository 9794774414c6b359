"""The local publisher: a branch and a commit in a local clone, and the PR as a file beside it.

This is the embedded default: no GitHub account, reviewable with any git tool
(``git diff main arxivbot/2025-05-20``). It never touches the user's working tree, index or
checkout: the commit is built with plumbing (``hash-object``, a temporary index,
``write-tree``, ``commit-tree``) and the branch is moved last, with ``update-ref`` guarded by
the value it had, so a failure leaves nothing half-made.

The pull request's title and body go to ``.git/arxivbot/<branch, / as ->.md``. That file is
inside the git directory on purpose: it never shows in ``git status``, cannot be committed by
accident with ``git add -A``, and does not dirty the list's own repository; its path is
returned as ``PublishResult.url`` for the CLI to print. It starts with a small header:

    ---
    arxivbot-pr: 1
    branch: arxivbot/2025-05-20
    base: main
    state: open
    ...
    ---
    # <title>

    <body>

A proposal is *merged* when its commit is reachable from the base branch (a merge or a
fast-forward; write ``state: merged`` for a squash merge), *closed* when the header says
``state: closed`` or its branch was deleted unmerged, and *open* otherwise.
"""

from __future__ import annotations

import contextlib
import difflib
import fcntl
import os
import re
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, datetime
from pathlib import Path

from arxivbot.errors import ConfigError, ForeignCommitsError, PublishError
from arxivbot.files import write_atomic
from arxivbot.publish import (
    PR_STATES,
    RETRAIN_BRANCH,
    BotPullRequest,
    ListSnapshot,
    PRState,
    StateFilter,
    check_draft,
    check_state,
    symlink_refusal,
)
from arxivbot.records import PublishAction, PublishResult, PullRequestDraft
from arxivbot.safe_text import collapse_whitespace

PR_DIR = "arxivbot"  # inside the git directory
LOCK_FILE = "run.lock"  # in PR_DIR: held while a run publishes
LOCK_WAIT_SECONDS = 120.0  # a second run waits this long for the first, then says so
_FALLBACK_IDENTITY = {
    "GIT_AUTHOR_NAME": "arxivbot",
    "GIT_AUTHOR_EMAIL": "arxivbot@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "arxivbot",
    "GIT_COMMITTER_EMAIL": "arxivbot@users.noreply.github.com",
}
_ZERO = "0" * 40


class LocalPublisher:
    """Proposals as branches of a local git repository (working tree left alone)."""

    def __init__(
        self,
        repo_dir: Path,
        list_path: str,
        base_branch: str | None = None,
        *,
        branch_prefix: str = "arxivbot/",
    ) -> None:
        self.repo_dir = Path(repo_dir)
        if not self.repo_dir.is_dir():
            raise ConfigError(f"{self.repo_dir} is not a directory; pass the list's git clone")
        try:
            git_dir = self._git("rev-parse", "--absolute-git-dir").decode().strip()
        except PublishError:
            raise ConfigError(
                f"{self.repo_dir} is not inside a git repository; run `git init` and commit "
                "the list first, or choose the github publisher"
            ) from None
        self.git_dir = Path(git_dir)
        top = self._run("rev-parse", "--show-toplevel")
        # Run git from the top level, so paths mean the same in every command (a bare
        # repository has no top level; then its own directory).
        self.top = Path(top.stdout.decode().strip()) if top.returncode == 0 else self.git_dir
        self.list_path = self._repo_relative(list_path)
        self.branch_prefix = branch_prefix
        self.base_branch = base_branch or self._current_branch()

    # ---- Publisher -----------------------------------------------------------------------------

    def read_list(self, ref: str | None = None) -> ListSnapshot:
        rev = ref or self.base_branch
        revision = self._rev(rev)
        if revision is None:
            raise ConfigError(
                f"{rev!r} is not a branch or commit of {self.repo_dir} (is the list committed?)"
            )
        listed = self._git("ls-tree", revision, "--", self.list_path).decode().split()
        if listed and listed[0] == "120000":
            raise ConfigError(symlink_refusal(self.list_path, str(self.repo_dir)))
        content = self._blob(revision, self.list_path)
        if content is None:
            raise ConfigError(self._not_in_tree(rev, revision))
        return ListSnapshot(content=content, revision=revision, path=self.list_path)

    def _not_in_tree(self, rev: str, revision: str) -> str:
        """Why the list file is missing: uncommitted, or a path that names no file (a typo)."""
        if (self.repo_dir / self.list_path).is_file():
            return (
                f"{self.list_path} is not in {rev} of {self.repo_dir}; commit the list there "
                "first (the bot proposes against committed text only)"
            )
        tracked = self._git("ls-tree", "-r", "--name-only", revision).decode().splitlines()
        lists = [name for name in tracked if name.lower().endswith((".md", ".markdown"))]
        near = difflib.get_close_matches(self.list_path, lists, n=1, cutoff=0.5)
        hint = f"did you mean {near[0]}? " if near else ""
        shown = ", ".join(lists[:5]) + (", ..." if len(lists) > 5 else "") or "no Markdown file"
        return (
            f"{self.list_path}: no such file in {rev} of {self.repo_dir}; {hint}check --list "
            f"(or list.path in arxivbot.yaml); the repository holds {shown}"
        )

    def open_proposals(self) -> list[BotPullRequest]:
        return self.bot_pull_requests("open")

    def bot_pull_requests(self, state: StateFilter = "all") -> list[BotPullRequest]:
        check_state(state)
        return self._proposals(state, lambda branch: branch.startswith(self.branch_prefix))

    def model_proposal(self) -> BotPullRequest | None:
        found = self._proposals("all", lambda branch: branch == RETRAIN_BRANCH)
        return found[0] if found else None

    def _proposals(self, state: StateFilter, wanted: Callable[[str], bool]
                   ) -> list[BotPullRequest]:
        """The PR files on the base branch whose branch is ``wanted``, newest first."""
        found: list[tuple[str, BotPullRequest]] = []
        pr_dir = self.git_dir / PR_DIR
        for path in sorted(pr_dir.glob("*.md")) if pr_dir.is_dir() else []:
            parsed = _parse_pr_file(path.read_text(encoding="utf-8", errors="replace"))
            if parsed is None:
                continue
            header, title, body = parsed
            branch = header.get("branch", "")
            if not wanted(branch) or header.get("base") != self.base_branch:
                continue
            if self._never_published(header):
                continue  # a killed run's half-made record: nobody saw it, it counts as nothing
            pr = self._with_state(header, branch, title, body, str(path))
            if state in ("all", pr.state):
                found.append((header.get("created", ""), pr))
        found.sort(key=lambda item: item[0], reverse=True)
        return [pr for _, pr in found]

    def publish(self, draft: PullRequestDraft) -> PublishResult:
        with self.lock():
            return self._publish(draft)

    @contextlib.contextmanager
    def lock(self, wait_seconds: float = LOCK_WAIT_SECONDS) -> Iterator[None]:
        """One arxivbot at a time on this repository: a lock file inside ``.git``.

        A second run waits up to ``wait_seconds`` for the first to finish, then stops with
        a clear message. The kernel drops the lock when its process dies, so a killed run
        never leaves it held.
        """
        path = self.git_dir / PR_DIR / LOCK_FILE
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a+", encoding="utf-8") as handle:
            deadline = time.monotonic() + wait_seconds
            while True:
                try:
                    fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        handle.seek(0)
                        holder = handle.read().strip() or "another process"
                        raise PublishError(
                            f"another arxivbot run ({holder}) is publishing to "
                            f"{self.repo_dir}; wait for it to finish and run again (one run "
                            f"at a time per list; lock: {path})"
                        ) from None
                    time.sleep(0.05)
            try:
                handle.seek(0)
                handle.truncate()
                handle.write(f"pid {os.getpid()}")
                handle.flush()
                yield
            finally:
                handle.seek(0)
                handle.truncate()
                fcntl.flock(handle, fcntl.LOCK_UN)

    def _publish(self, draft: PullRequestDraft) -> PublishResult:
        branch = draft.branch
        check_draft(draft, self.branch_prefix)
        ref = f"refs/heads/{branch}"
        if self._run("check-ref-format", ref).returncode != 0:
            raise PublishError(f"{branch!r} is not a valid git branch name")
        if draft.list_path and self._repo_relative(draft.list_path) != self.list_path:
            raise PublishError(
                f"the draft changes {draft.list_path}, but this publisher is for {self.list_path}"
            )
        base = self._rev(draft.base_revision)
        if base is None:
            raise PublishError(f"base revision {draft.base_revision} is not in {self.repo_dir}")
        self._refuse_unsafe_state(branch)
        cleaned = self.reconcile()

        old = self._rev(ref)
        tree = self._tree_with(base, self._changes(draft))
        pr_file = self.pr_file(branch)
        previous_text = pr_file.read_text(encoding="utf-8") if pr_file.exists() else None
        if previous_text is not None and not self._still_open(
                pr_file, previous_text, old, reopen=draft.kind == "model"):
            # The earlier proposal on this branch was merged (or its branch deleted): keep its
            # record for feedback, frozen, and start a fresh proposal.
            previous_text = None
        if old is not None and previous_text is not None:
            ahead = int(self._git("rev-list", "--count", f"{base}..{old}").decode())
            if ahead > 1:
                # Never overwrite commits someone added to the proposal's branch.
                raise ForeignCommitsError(
                    f"{branch} has {ahead - 1} commit(s) arxivbot did not make; it will not "
                    f"overwrite them (merge the branch, or delete it to propose again today)"
                )
        # The branch already holds the proposal: one commit on the base with this tree, or
        # (a draft on top of the branch as it is) the branch's tip with this tree.
        same_commit = old is not None and (old == base or self._parents(old) == [base]) and \
            self._git("rev-parse", f"{old}^{{tree}}").decode().strip() == tree
        commit = old if same_commit and old is not None else \
            self._commit(tree, base, draft.commit_message)
        previous = _parse_pr_file(previous_text) if previous_text else None
        created = previous[0].get("created") if previous else None
        # On top of the branch as it is, the base the proposal compares against stays the one
        # it was first made on.
        base_sha = (previous[0].get("base_sha") if previous and old == base else None) or base
        header = {
                "arxivbot-pr": "1",
                "branch": branch,
                "base": self.base_branch,
                "base_sha": base_sha,
                "head_sha": commit,
                "list": self.list_path,
                "labels": ",".join(draft.labels),
                "state": "open",
                "created": created or _now(),
        }
        pr_text = _render_pr_file(header, draft.title, draft.body)
        if same_commit and previous_text is not None and _same_pr(previous_text, pr_text):
            return PublishResult(action="unchanged", branch=branch, url=str(pr_file),
                                 details=(f"{branch} already holds this proposal",))
        # One step for readers: the record is written "pending" (it counts as nothing: no
        # maintainer could have seen it), then the branch moves, then the record says "open".
        # A run killed in between leaves a pending record that the next run cleans up, never
        # a proposal that looks rejected. If moving the branch fails, the file goes back.
        pending = _render_pr_file({**header, "state": "pending"}, draft.title, draft.body)
        write_atomic(pr_file, pending if commit != old else pr_text)
        if commit != old:
            moved = self._run("update-ref", "-m", f"arxivbot: {draft.title}", ref, commit,
                              old or _ZERO)
            if moved.returncode != 0:
                if previous_text is None:
                    pr_file.unlink(missing_ok=True)
                else:
                    write_atomic(pr_file, previous_text)
                raise PublishError(
                    f"could not move branch {branch}: {_stderr(moved)}; nothing was changed, "
                    "rerun to complete"
                )
            write_atomic(pr_file, pr_text)
        action: PublishAction = "created" if previous_text is None else "updated"
        if old is not None and base == old:
            cleaned.append(f"{branch} carries commits arxivbot did not make: today's papers "
                           "went in a commit on top, nothing was rewritten")
        where = "on top of the branch" if base == old else f"one commit on {self.base_branch}"
        return PublishResult(
            action=action,
            branch=branch,
            url=str(pr_file),
            details=(
                f"branch {branch} at {commit[:12]}, {where} ({base[:12]})",
                f"review: git diff {self.base_branch}...{branch}",
            ),
            notices=tuple(cleaned),
        )

    def retire(self, pr: BotPullRequest, body: str, comment: str) -> None:
        """Mark the PR file closed with ``body``; ``comment`` goes under it (no comments here)."""
        with self.lock():
            path = self.pr_file(pr.branch)
            parsed = _parse_pr_file(path.read_text(encoding="utf-8")) if path.exists() else None
            if parsed is None:
                raise PublishError(f"no proposal record for {pr.branch} in {self.git_dir}")
            header, title, _ = parsed
            write_atomic(path, _render_pr_file({**header, "state": "closed"}, title,
                                               f"{comment}\n\n{body}"))

    # ---- helpers (also used by tests and feedback) ---------------------------------------------

    def pr_file(self, branch: str) -> Path:
        """Where the PR title and body for ``branch`` are written."""
        return self.git_dir / PR_DIR / f"{branch.replace('/', '-')}.md"

    def _still_open(self, pr_file: Path, text: str, branch_sha: str | None, *,
                    reopen: bool = False) -> bool:
        """Whether the PR file is a live proposal; if not, move it aside under a new name.

        A proposal closed unmerged whose branch is where it was is refused (the bot does not
        reopen a rejected proposal) unless ``reopen``: a new retrain replaces the last one.
        """
        parsed = _parse_pr_file(text)
        if parsed is None:
            return False
        header, title, body = parsed
        pr = self._with_state(header, header.get("branch", ""), title, body, str(pr_file))
        if pr.state == "open":
            return True
        if pr.state == "closed" and branch_sha is not None and branch_sha == pr.head_sha \
                and not reopen:
            raise PublishError(
                f"the proposal on {pr.branch} was closed without merging; arxivbot does not "
                f"reopen a rejected proposal (delete the branch to allow it: git branch -D "
                f"{pr.branch})"
            )
        frozen = {**header, "state": pr.state, "frozen": "1", "head_sha": pr.head_sha,
                  "merge_sha": pr.merge_sha or ""}
        stamp = re.sub(r"\W", "", header.get("created", "")) or "old"
        write_atomic(pr_file.with_name(f"{pr_file.stem}.{stamp}.md"),
                      _render_pr_file(frozen, title, body))
        return False

    def _with_state(self, header: Mapping[str, str], branch: str, title: str, body: str,
                    url: str) -> BotPullRequest:
        if header.get("frozen"):  # an archived proposal: its header is the whole truth
            return BotPullRequest(
                number=None, branch=branch, title=title, body=body,
                state=_marked_state(header, "closed"), head_sha=header.get("head_sha", ""),
                merge_sha=header.get("merge_sha") or None,
                base_sha=header.get("base_sha") or None, comments=(), url=url,
            )
        head = self._rev(f"refs/heads/{branch}")
        recorded = header.get("head_sha") or None
        if header.get("state") == "pending":  # the branch did move (else _never_published)
            header = {**header, "state": "open"}
        tip = head or recorded
        base_tip = self._rev(f"refs/heads/{self.base_branch}")
        merge_sha: str | None = None
        marked = _marked_state(header, "open")
        state: PRState
        if tip and base_tip and self._is_ancestor(tip, base_tip):
            state, merge_sha = "merged", self._merge_commit(tip, base_tip)
        elif marked in ("merged", "closed"):
            state = marked
        elif head is None:
            state = "closed"  # branch deleted without merging
        else:
            state = "open"
        return BotPullRequest(
            number=None,
            branch=branch,
            title=title,
            body=body,
            state=state,
            head_sha=tip or "",
            merge_sha=merge_sha,
            base_sha=header.get("base_sha") or None,
            comments=(),
            url=url,
        )

    def _never_published(self, header: Mapping[str, str]) -> bool:
        """A record written "pending" whose branch never reached the recorded commit."""
        if header.get("state") != "pending":
            return False
        return self._rev(f"refs/heads/{header.get('branch', '')}") != header.get("head_sha")

    def reconcile(self) -> list[str]:
        """Clean what a killed or failed run left; one line per thing cleaned.

        A pending proposal record whose branch never moved is removed (no maintainer saw it;
        the papers stay eligible). A record whose branch did move is marked open.
        """
        notes: list[str] = []
        pr_dir = self.git_dir / PR_DIR
        for path in sorted(pr_dir.glob("*.md")) if pr_dir.is_dir() else []:
            text = path.read_text(encoding="utf-8", errors="replace")
            parsed = _parse_pr_file(text)
            if parsed is None or parsed[0].get("state") != "pending":
                continue
            header, title, body = parsed
            if self._never_published(header):
                path.unlink(missing_ok=True)
                notes.append(
                    f"removed the record of a proposal on {header.get('branch')} that an "
                    "interrupted run never published"
                )
            else:
                write_atomic(path, _render_pr_file({**header, "state": "open"}, title, body))
                notes.append(f"completed the record of the proposal on {header.get('branch')}")
        return notes

    def _merge_commit(self, tip: str, base_tip: str) -> str:
        """The first commit on the base's first-parent line that contains ``tip``."""
        out = self._git("rev-list", "--first-parent", "--ancestry-path", f"{tip}..{base_tip}")
        line = out.decode().split()
        return line[-1] if line else tip  # fast-forward: the tip itself is on the base

    def _refuse_unsafe_state(self, branch: str) -> None:
        current = self._run("symbolic-ref", "--quiet", "HEAD").stdout.decode().strip()
        if current == f"refs/heads/{branch}":
            raise PublishError(
                f"{branch} is checked out in {self.repo_dir}; switch to {self.base_branch} "
                "first (the bot will not move the branch under your working tree)"
            )
        if current == f"refs/heads/{self.base_branch}":
            dirty = self._run("status", "--porcelain", "--untracked-files=no", "--",
                              f":(top){self.list_path}").stdout.strip()
            if dirty:
                raise PublishError(
                    f"{self.list_path} has uncommitted changes; commit or stash them first, "
                    f"so the proposal is made against the text you see on {self.base_branch}"
                )

    def _changes(self, draft: PullRequestDraft) -> tuple[tuple[str, bytes], ...]:
        """The draft's files, the list under this publisher's own path for it."""
        return tuple((self.list_path if path == draft.list_path else path, content)
                     for path, content in draft.changes)

    def _tree_with(self, base: str, changes: tuple[tuple[str, bytes], ...]) -> str:
        """The base commit's tree with each changed file replaced by its new bytes."""
        with tempfile.TemporaryDirectory(prefix="arxivbot-index-") as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index")}
            self._git("read-tree", base, env=env)
            for path, content in changes:
                mode = self._mode(base, path)
                blob = self._git("hash-object", "-w", "--no-filters", "--stdin",
                                 input=content).decode().strip()
                self._git("update-index", "--add", "--cacheinfo", f"{mode},{blob},{path}",
                          env=env)
            return self._git("write-tree", env=env).decode().strip()

    def _mode(self, base: str, path: str) -> str:
        out = self._git("ls-tree", base, "--", path).decode().split()
        return out[0] if out and out[0] in ("100644", "100755") else "100644"

    def _commit(self, tree: str, parent: str, message: str) -> str:
        env = {} if self._run("var", "GIT_AUTHOR_IDENT").returncode == 0 and \
            self._run("var", "GIT_COMMITTER_IDENT").returncode == 0 else _FALLBACK_IDENTITY
        return self._git("commit-tree", tree, "-p", parent, input=message.encode(),
                         env=env).decode().strip()

    def _current_branch(self) -> str:
        proc = self._run("symbolic-ref", "--quiet", "--short", "HEAD")
        if proc.returncode != 0:
            raise ConfigError(
                f"{self.repo_dir} has a detached HEAD; pass the base branch explicitly"
            )
        return proc.stdout.decode().strip()

    def _repo_relative(self, list_path: str | os.PathLike[str]) -> str:
        """The list's path from the repository root, in git's form (``docs/README.md``)."""
        path = Path(list_path)
        if not path.is_absolute():  # relative to the directory the publisher was given
            path = self.repo_dir / path
        top = self.top
        try:
            # The folders resolved, the file itself not: a symlinked list is seen (and refused
            # by read_list) as the GitHub publisher sees it.
            resolved = path.parent.resolve() / path.name
            return resolved.relative_to(top.resolve()).as_posix()
        except ValueError:
            raise ConfigError(f"{list_path} is not inside the repository {top}") from None

    def _rev(self, rev: str) -> str | None:
        proc = self._run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}")
        if proc.returncode != 0:
            return None
        return proc.stdout.decode().strip() or None

    def _blob(self, revision: str, path: str) -> bytes | None:
        proc = self._run("cat-file", "blob", f"{revision}:{path}")
        return proc.stdout if proc.returncode == 0 else None

    def _parents(self, commit: str) -> list[str]:
        return self._git("rev-list", "--parents", "-n", "1", commit).decode().split()[1:]

    def _is_ancestor(self, older: str, newer: str) -> bool:
        return self._run("merge-base", "--is-ancestor", older, newer).returncode == 0

    def _run(self, *args: str, input: bytes | None = None,
             env: Mapping[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        full_env = dict(os.environ)
        full_env.update(env or {})
        try:
            return subprocess.run(
                ["git", *args], cwd=getattr(self, "top", self.repo_dir), input=input,
                capture_output=True,
                env=full_env, check=False,
            )
        except FileNotFoundError:
            raise PublishError("the `git` command is not installed or not on PATH") from None

    def _git(self, *args: str, input: bytes | None = None,
             env: Mapping[str, str] | None = None) -> bytes:
        proc = self._run(*args, input=input, env=env)
        if proc.returncode != 0:
            raise PublishError(f"git {args[0]} failed in {self.repo_dir}: {_stderr(proc)}")
        return proc.stdout


# ---- the PR file ---------------------------------------------------------------------------


def _render_pr_file(header: Mapping[str, str], title: str, body: str) -> str:
    fields = (f"{key}: {collapse_whitespace(value)}" for key, value in header.items())
    lines = ["---", *fields, "---"]
    return "\n".join(lines) + f"\n# {collapse_whitespace(title)}\n\n{body.rstrip()}\n"


def _parse_pr_file(text: str) -> tuple[dict[str, str], str, str] | None:
    match = re.match(r"---\n(.*?)\n---\n# ([^\n]*)\n\n?(.*)\Z", text, re.DOTALL)
    if not match or "arxivbot-pr:" not in match.group(1):
        return None
    header = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            header[key.strip()] = value.strip()
    return header, match.group(2), match.group(3).rstrip("\n")


def _marked_state(header: Mapping[str, str], default: PRState) -> PRState:
    """The state a PR file's header says (anything unknown reads as ``default``)."""
    marked = header.get("state")
    for state in PR_STATES:
        if marked == state:
            return state
    return default


def _same_pr(old: str, new: str) -> bool:
    """Equal apart from the creation stamp."""
    def strip(text: str) -> str:
        return re.sub(r"^created: .*$", "", text, count=1, flags=re.MULTILINE)
    return strip(old) == strip(new)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def _stderr(proc: subprocess.CompletedProcess[bytes]) -> str:
    return proc.stderr.decode(errors="replace").strip() or f"exit code {proc.returncode}"

