"""The in-memory publisher: a repository of commits and pull requests held in dictionaries.

For tests of what a run, ``feedback`` or ``retrain`` does, where git and HTTP are not the
point: it keeps the rules the real publishers keep (one commit of whole files on the base
revision, one open proposal per branch, never overwrite a commit the bot did not make, never
reopen a rejected proposal, GitHub's body limit) and lets a test act as the maintainer
(``commit``, ``merge``, ``close``, ``comment``). Commit ids are digests of their content, so
the same proposal made twice is the same commit.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from arxivbot.errors import ConfigError, ForeignCommitsError, PublishError
from arxivbot.publish import (
    RETRAIN_BRANCH,
    BotPullRequest,
    ListSnapshot,
    PRState,
    StateFilter,
    check_draft,
    check_state,
)
from arxivbot.records import GITHUB_BODY_LIMIT, PublishAction, PublishResult, PullRequestDraft

BOT = "arxivbot"


@dataclass(frozen=True, slots=True)
class Commit:
    """A whole snapshot of the repository's files, with its parents and who made it."""

    files: Mapping[str, bytes]
    parents: tuple[str, ...]
    message: str
    author: str


@dataclass(slots=True)
class MemoryPull:
    """A pull request as the forge keeps it (mutable, like the real thing)."""

    number: int
    branch: str
    title: str
    body: str
    base_sha: str
    labels: tuple[str, ...]
    state: PRState = "open"
    head_sha: str = ""  # the branch's tip when the PR was last seen open, merged or closed
    merge_sha: str | None = None
    comments: list[str] = field(default_factory=list)


class MemoryPublisher:
    """Proposals as pull requests in memory; ``base_branch`` starts with ``files``."""

    def __init__(
        self,
        files: Mapping[str, bytes],
        list_path: str = "README.md",
        *,
        base_branch: str = "main",
        branch_prefix: str = "arxivbot/",
        max_open_prs: int = 5,
    ) -> None:
        self.list_path = list_path
        self.base_branch = base_branch
        self.branch_prefix = branch_prefix
        self.max_open_prs = max_open_prs
        self.commits: dict[str, Commit] = {}
        self.branches: dict[str, str] = {}
        self.pulls: dict[int, MemoryPull] = {}
        self.branches[base_branch] = self._store(Commit(dict(files), (), "initial", "maintainer"))

    # ---- Publisher -----------------------------------------------------------------------------

    def read_list(self, ref: str | None = None) -> ListSnapshot:
        revision = self._resolve(ref or self.base_branch)
        content = self.commits[revision].files.get(self.list_path)
        if content is None:
            raise ConfigError(f"{self.list_path} is not in {ref or self.base_branch}")
        return ListSnapshot(content=content, revision=revision, path=self.list_path)

    def open_proposals(self) -> list[BotPullRequest]:
        return self.bot_pull_requests("open")

    def bot_pull_requests(self, state: StateFilter = "all") -> list[BotPullRequest]:
        check_state(state)
        return [self._to_bot(pr) for pr in sorted(self.pulls.values(), key=lambda p: -p.number)
                if pr.branch.startswith(self.branch_prefix) and state in ("all", pr.state)]

    def model_proposal(self) -> BotPullRequest | None:
        pulls = [pr for pr in self.pulls.values() if pr.branch == RETRAIN_BRANCH]
        return self._to_bot(max(pulls, key=lambda p: p.number)) if pulls else None

    def publish(self, draft: PullRequestDraft) -> PublishResult:
        check_draft(draft, self.branch_prefix)
        if len(draft.body) > GITHUB_BODY_LIMIT:
            raise PublishError(f"the PR body has {len(draft.body)} characters; GitHub accepts "
                               f"{GITHUB_BODY_LIMIT}")
        if draft.base_revision not in self.commits:
            raise PublishError(f"base revision {draft.base_revision} is not in the repository")
        branch = draft.branch
        old = self.branches.get(branch)
        existing = next((pr for pr in self.pulls.values()
                         if pr.branch == branch and pr.state == "open"), None)
        if existing is not None and old is not None and old != draft.base_revision:
            foreign = self._foreign_commits(old)
            if foreign:
                raise ForeignCommitsError(
                    f"pull request #{existing.number} has {foreign} commit(s) arxivbot did "
                    f"not make; it will not overwrite them"
                )
        if existing is None and draft.kind == "papers":
            if any(pr.branch == branch and pr.state == "closed" and pr.head_sha == old
                   for pr in self.pulls.values()):
                raise PublishError(f"the proposal on {branch} was closed without merging; "
                                   "arxivbot does not reopen a rejected proposal")
            open_count = len(self.open_proposals())
            if open_count >= self.max_open_prs:
                raise PublishError(f"{open_count} arxivbot pull requests are already open "
                                   f"(the cap is {self.max_open_prs})")

        files = dict(self.commits[draft.base_revision].files)
        for path, content in draft.changes:
            files[self.list_path if path == draft.list_path else path] = content
        stacking = old is not None and old == draft.base_revision
        if stacking and old is not None and dict(self.commits[old].files) == files:
            commit = old  # the branch's tip already holds it
        else:
            commit = self._store(Commit(files, (draft.base_revision,), draft.commit_message,
                                        BOT))
        action: PublishAction
        if existing is not None:
            unchanged = old == commit and (existing.title, existing.body) == (draft.title,
                                                                               draft.body)
            existing.title, existing.body = draft.title, draft.body
            pr, action = existing, "unchanged" if unchanged else "updated"
        else:
            pr = MemoryPull(number=len(self.pulls) + 1, branch=branch, title=draft.title,
                            body=draft.body, base_sha=self.branches[self.base_branch],
                            labels=draft.labels)
            self.pulls[pr.number] = pr
            action = "created"
        self.branches[branch] = pr.head_sha = commit
        notices = (f"#{pr.number} carries commits arxivbot did not make: today's papers "
                   "went in a commit on top, nothing was rewritten",) if stacking else ()
        return PublishResult(action=action, branch=branch, url=f"memory:#{pr.number}",
                             number=pr.number, notices=notices)

    def retire(self, pr: BotPullRequest, body: str, comment: str) -> None:
        if pr.number is None or pr.number not in self.pulls:
            raise PublishError(f"no pull request for {pr.branch}")
        pull = self.pulls[pr.number]
        pull.comments.append(comment)
        pull.body, pull.state = body, "closed"

    # ---- the maintainer's side ---------------------------------------------------------------

    def commit(self, branch: str, changes: Mapping[str, bytes], message: str = "Edit") -> str:
        """A maintainer's commit of ``changes`` on top of ``branch``; its id."""
        tip = self.branches[branch]
        files = {**self.commits[tip].files, **changes}
        sha = self._store(Commit(files, (tip,), message, "maintainer"))
        self.branches[branch] = sha
        for pr in self.pulls.values():
            if pr.branch == branch and pr.state == "open":
                pr.head_sha = sha
        return sha

    def merge(self, number: int, edit: Callable[[bytes], bytes] | None = None) -> str:
        """Merge pull request ``number`` (``edit`` changes the list on the way, as a maintainer
        fixing a line before merging does); the merge commit's id."""
        pr = self.pulls[number]
        if pr.state != "open":
            raise ValueError(f"#{number} is {pr.state}")
        if edit is not None:
            content = self.commits[self.branches[pr.branch]].files[self.list_path]
            self.commit(pr.branch, {self.list_path: edit(content)}, "Edit before merging")
        head = self.branches[pr.branch]
        base = self.branches[self.base_branch]
        merged = {**self.commits[base].files, **self.commits[head].files}
        sha = self._store(Commit(merged, (base, head), f"Merge #{number}", "maintainer"))
        self.branches[self.base_branch] = sha
        pr.state, pr.head_sha, pr.merge_sha = "merged", head, sha
        return sha

    def close(self, number: int) -> None:
        """Close pull request ``number`` without merging (its branch is kept)."""
        self.pulls[number].state = "closed"

    def comment(self, number: int, text: str) -> None:
        """A collaborator's comment on pull request ``number``."""
        self.pulls[number].comments.append(text)

    def file_at(self, ref: str, path: str) -> bytes | None:
        """A file's bytes at a branch or commit (None when absent)."""
        return self.commits[self._resolve(ref)].files.get(path)

    # ---- internals ---------------------------------------------------------------------------

    def _store(self, commit: Commit) -> str:
        digest = hashlib.sha1(usedforsecurity=False)
        for part in (*commit.parents, commit.message, commit.author):
            digest.update(part.encode() + b"\0")
        for path in sorted(commit.files):
            digest.update(path.encode() + b"\0" + hashlib.sha1(
                commit.files[path], usedforsecurity=False).digest())
        sha = digest.hexdigest()
        self.commits[sha] = commit
        return sha

    def _resolve(self, ref: str) -> str:
        sha = self.branches.get(ref, ref)
        if sha not in self.commits:
            raise ConfigError(f"{ref!r} is not a branch or commit of the repository")
        return sha

    def _ancestors(self, sha: str) -> set[str]:
        seen: set[str] = set()
        todo = [sha]
        while todo:
            current = todo.pop()
            if current not in seen:
                seen.add(current)
                todo.extend(self.commits[current].parents)
        return seen

    def _foreign_commits(self, tip: str) -> int:
        """Commits on the branch, not on the base, that the bot did not make."""
        on_base = self._ancestors(self.branches[self.base_branch])
        return sum(1 for sha in self._ancestors(tip) - on_base
                   if self.commits[sha].author != BOT)

    def _to_bot(self, pr: MemoryPull) -> BotPullRequest:
        return BotPullRequest(
            number=pr.number, branch=pr.branch, title=pr.title, body=pr.body, state=pr.state,
            head_sha=self.branches.get(pr.branch, pr.head_sha) if pr.state == "open"
            else pr.head_sha,
            merge_sha=pr.merge_sha, base_sha=pr.base_sha, comments=tuple(pr.comments),
            url=f"memory:#{pr.number}",
        )
