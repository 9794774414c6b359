"""The GitHub publisher: one branch per run day, one commit, one pull request, via PyGithub.

Like Dependabot and Renovate, the bot keeps one stable branch per proposal
(``arxivbot/2025-05-20``) and updates it in place: a rerun on the same day moves that branch to
a fresh single commit on top of the current base and edits the PR's title and body, never
opening a second PR.

The commit is built with the Git Data API (blob -> tree on the base commit's tree -> commit
whose only parent is the base revision) and only then does a branch move, in one ref update.
So the branch is never seen empty or half-written, and an open PR is never pointed at the base
itself (GitHub would close it). If anything fails after this call created or moved the branch,
the branch is deleted or moved back before ``PublishError`` is raised: no half-made branch or
PR is left, and a rerun completes.

Errors: PyGithub raises ``GithubException`` for answers it gives up on, but
``requests.exceptions.RetryError`` when its retry policy runs out, and ``requests`` errors for
network failures; all of them become ``PublishError``. The token is held only by the PyGithub
client and is scrubbed from every message this module produces.
"""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import logging
import math
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

import requests
import urllib3.exceptions
from github import Auth, Github, GithubException, GithubRetry, InputGitTreeElement
from github.GithubException import RateLimitExceededException, UnknownObjectException
from github.PullRequest import PullRequest
from github.Repository import Repository
from urllib3.util.retry import Retry

from arxivbot.errors import ConfigError, ForeignCommitsError, PublishError
from arxivbot.publish import (
    MAX_LIST_BYTES,
    RETRAIN_BRANCH,
    BotPullRequest,
    ListSnapshot,
    PRState,
    StateFilter,
    check_draft,
    check_state,
    symlink_refusal,
)
from arxivbot.records import GITHUB_BODY_LIMIT, PublishAction, PublishResult, PullRequestDraft

log = logging.getLogger(__name__)

T = TypeVar("T")

LABEL_COLOR = "0e8a16"
LABEL_DESCRIPTION = "Papers proposed by arxivbot"
_SHA = re.compile(r"[0-9a-f]{40}")
_FAILURES = (GithubException, requests.RequestException, urllib3.exceptions.HTTPError)


TRUSTED_COMMENTERS = frozenset({"OWNER", "MEMBER", "COLLABORATOR"})
BOT_MESSAGE = "arxivbot: "  # how the bot's proposal commits start (pr_body.title)
FOREIGN_MARK = "<!-- arxivbot:foreign-commits -->"  # the one-time notice, found again by it
FOREIGN_COMMENT = (
    "This branch carries a commit arxivbot did not make (a maintainer's fix, most likely). "
    "arxivbot never rewrites it: from now on each day's papers are added in a commit on top. "
    "To let arxivbot rebuild the proposal from scratch, merge or close this pull request.\n\n"
    + FOREIGN_MARK
)


class GitHubPublisher:
    """Proposals as pull requests on one GitHub repository."""

    def __init__(
        self,
        repository: str,
        list_path: str,
        base_branch: str | None,
        *,
        token: str,
        base_url: str = "https://api.github.com",
        branch_prefix: str = "arxivbot/",
        labels: Sequence[str] = ("arxivbot",),
        max_open_prs: int = 5,
        timeout: float = 15.0,
        retries: int = 3,
        backoff_factor: float = 1.0,
        max_rate_limit_wait: float = 60.0,
        seconds_between_writes: float | None = 0.5,
    ) -> None:
        if not re.fullmatch(r"[\w.-]+/[\w.-]+", repository or ""):
            raise ConfigError(f"repository must be 'owner/name', not {repository!r}")
        if not token:
            raise ConfigError("the github publisher needs a token (none was given)")
        self.repository = repository
        self.owner = repository.split("/", 1)[0]
        self.list_path = list_path.strip("/")
        self._base_branch = base_branch  # None: the repository's default branch
        self.branch_prefix = branch_prefix
        self.labels = tuple(labels)
        self.max_open_prs = max_open_prs
        self._secret = token  # only to scrub it from messages
        # Bounded retries: 5xx and rate limits are retried a few times; a rate-limit reset
        # further away than max_rate_limit_wait fails at once instead of sleeping for an hour.
        retry = GithubRetry(
            total=retries,
            # PATCH too: the bot's PATCHes (force a ref to a sha, set a PR's title and body)
            # are idempotent, so retrying them after a 5xx is safe.
            allowed_methods=Retry.DEFAULT_ALLOWED_METHODS | {"GET", "POST", "PATCH"},
            backoff_factor=backoff_factor,
            max_rate_limit_wait=max_rate_limit_wait,
            secondary_rate_wait=min(60.0, max_rate_limit_wait),
        )
        self._github = Github(
            auth=Auth.Token(token),
            base_url=base_url,
            timeout=max(1, math.ceil(timeout)),  # PyGithub asserts an int
            retry=retry,
            per_page=100,
            seconds_between_requests=None,
            seconds_between_writes=seconds_between_writes,
        )
        self._repo: Repository | None = None

    def __repr__(self) -> str:
        return (f"GitHubPublisher({self.repository!r}, {self.list_path!r}, "
                f"{self._base_branch!r})")

    @property
    def base_branch(self) -> str:
        """The branch proposals are made against (the default branch unless one was given)."""
        if self._base_branch is None:
            self._base_branch = self._repository().default_branch
        return self._base_branch

    # ---- Publisher -----------------------------------------------------------------------------

    def read_list(self, ref: str | None = None) -> ListSnapshot:
        repo = self._repository()
        rev = ref or self.base_branch
        if _SHA.fullmatch(rev):
            revision = rev
        else:
            branch = self._call(f"reading branch {rev}", lambda: repo.get_branch(rev),
                                missing=f"branch {rev!r} does not exist in {self.repository}")
            revision = branch.commit.sha
        content = self._file_at(revision)
        if content is None:
            raise ConfigError(
                f"{self.list_path} is not in {self.repository} at {rev}; check the list path "
                "and the base branch"
            )
        return ListSnapshot(content=content, revision=revision, path=self.list_path)

    def open_proposals(self) -> list[BotPullRequest]:
        return self.bot_pull_requests("open")

    def bot_pull_requests(self, state: StateFilter = "all") -> list[BotPullRequest]:
        check_state(state)
        wanted = {"all": "all", "open": "open"}.get(state, "closed")
        found = []
        for pr in self._bot_pulls(wanted):
            bot_pr = self._to_bot(pr)
            if state in ("all", bot_pr.state):
                found.append(bot_pr)
        return found

    def model_proposal(self) -> BotPullRequest | None:
        repo = self._repository()

        def newest() -> PullRequest | None:
            pulls = repo.get_pulls(state="all", sort="created", direction="desc",
                                   base=self.base_branch, head=f"{self.owner}:{RETRAIN_BRANCH}")
            return next((pr for pr in pulls if pr.head.ref == RETRAIN_BRANCH
                         and pr.head.repo is not None
                         and pr.head.repo.full_name.lower() == self.repository.lower()), None)

        pr = self._call("listing the model's pull requests", newest)
        return None if pr is None else self._to_bot(pr, comments=False)

    def publish(self, draft: PullRequestDraft) -> PublishResult:
        branch = draft.branch
        check_draft(draft, self.branch_prefix)
        if len(draft.body) > GITHUB_BODY_LIMIT:
            raise PublishError(
                f"the PR body has {len(draft.body)} characters; GitHub accepts {GITHUB_BODY_LIMIT}"
            )
        repo = self._repository()
        try:  # reads only: a failure here changed nothing
            same_branch = self._bot_pulls("all", head=branch)
            existing = next((pr for pr in same_branch if pr.state == "open"), None)
            old_sha = self._branch_sha(branch)
            foreign = self._call("reading the pull request",
                                 lambda: existing.commits - 1) if existing and old_sha else 0
            stacking = old_sha is not None and draft.base_revision == old_sha
            if stacking:
                foreign = 0  # a commit on top of the branch as it is: nothing is rewritten
            open_count = len(self._bot_pulls("open")) if existing is None and \
                draft.kind == "papers" else 0
        except PublishError as exc:
            raise PublishError(f"{exc}; nothing was changed: rerun to complete") from None
        if draft.kind == "model" and existing is None:
            same_branch = []  # a new retrain replaces the last one, even a closed one
        self._refuse_if_needed(branch, same_branch, existing, old_sha, foreign, open_count)

        notices = self.reconcile(keep=branch) if draft.kind == "papers" else []
        details = self._ensure_labels()
        try:
            base_commit = self._call("reading the base commit",
                                     lambda: repo.get_git_commit(draft.base_revision),
                                     missing=f"base revision {draft.base_revision} is not in "
                                     f"{self.repository}")
            if existing is not None and old_sha is not None and self._holds(old_sha, draft):
                result = self._refresh(existing, draft, details)
                return dataclasses.replace(result, notices=tuple(notices))
            commit_sha = self._make_commit(repo, base_commit, draft)
        except PublishError as exc:
            raise PublishError(f"{exc}; no branch or PR was changed: rerun to complete") from None

        action: PublishAction
        try:
            if old_sha is None:
                try:
                    self._call(f"creating branch {branch}", lambda: repo.create_git_ref(
                        f"refs/heads/{branch}", commit_sha))
                except PublishError:
                    # The reply may have been lost after GitHub made the branch (a 502, then
                    # "Reference already exists" on the retry): adopt it when it is ours.
                    if self._branch_sha(branch) != commit_sha:
                        raise
                    log.info("adopting branch %s created by an earlier attempt", branch)
            else:
                self._move_branch(branch, commit_sha, expected=old_sha)
            if existing is not None:
                self._call("editing the pull request",
                           lambda: existing.edit(title=draft.title, body=draft.body))
                pr, action = existing, "updated"
            else:
                pr, action = self._open_pull(repo, draft), "created"
        except BranchMoved:
            raise  # the branch is someone else's now: nothing of ours was written to it
        except PublishError as exc:
            if self._roll_back(branch, commit_sha, old_sha):
                if isinstance(exc, PermissionRefused):  # a rerun would fail the same way
                    raise PermissionRefused(f"{exc} (the branch was put back as it was)") from None
                raise PublishError(f"{exc}; the branch was put back as it was, so nothing is "
                                   "left half-made: rerun to complete") from None
            raise PublishError(
                f"{exc}; the branch {branch} could not be put back (GitHub did not answer): "
                "the next run cleans it up, or delete it by hand"
            ) from None
        details += self._add_labels(pr)
        if stacking and existing is not None:
            notices.append(self._say_built_on(existing))
        return dataclasses.replace(self._result(action, branch, pr, details),
                                   notices=tuple(notices))

    def reconcile(self, keep: str) -> list[str]:
        """Delete the bot's branches that an interrupted run left without a pull request.

        A run killed between creating its branch and opening its PR (or whose clean-up got no
        answer) leaves a branch no later run would touch. A branch under the prefix with no PR
        in any state, whose tip is one commit with the bot's message, is such a leftover;
        anything else (a PR's branch, a maintainer's own branch) is left alone. Best effort:
        one line per branch deleted, or why the clean-up could not run.
        """
        repo = self._repository()
        try:
            refs = self._call("listing the bot's branches", lambda: list(
                repo.get_git_matching_refs(f"heads/{self.branch_prefix}")))
            with_pr = {pr.head.ref for pr in self._bot_pulls("all")}
            notes = []
            for ref in refs:
                branch = ref.ref.removeprefix("refs/heads/")
                if branch == keep or branch in with_pr:
                    continue
                commit = self._call(f"reading branch {branch}",
                                    partial(repo.get_git_commit, ref.object.sha))
                if len(commit.parents) != 1 or not commit.message.startswith(BOT_MESSAGE):
                    continue  # not the bot's: a person's branch under the prefix
                if self._call(f"listing pull requests of {branch}",
                              partial(_has_pulls, repo, f"{self.owner}:{branch}")):
                    continue  # a PR against another base branch (the config changed)
                self._call(f"deleting branch {branch}", ref.delete)
                notes.append(f"deleted branch {branch}, which an interrupted run left "
                             "without a pull request")
        except (PublishError, _Missing) as exc:
            return [f"could not look for branches an interrupted run left ({exc})"]
        return notes

    def _say_built_on(self, pr: PullRequest) -> str:
        """Once per PR, a comment that the bot builds on commits it did not make; the line
        for the run report either way."""
        line = (f"#{pr.number} carries commits arxivbot did not make: today's papers went in "
                "a commit on top, nothing was rewritten")
        try:
            said = self._call(f"reading comments of #{pr.number}", lambda: any(
                FOREIGN_MARK in (c.body or "") for c in pr.get_issue_comments()))
            if not said:
                self._call(f"commenting on #{pr.number}",
                           lambda: pr.create_issue_comment(FOREIGN_COMMENT))
                line += " (said so in a comment)"
        except PublishError as exc:
            line += f" (the comment saying so could not be posted: {exc})"
        return line

    def retire(self, pr: BotPullRequest, body: str, comment: str) -> None:
        if pr.number is None:
            raise PublishError(f"the proposal on {pr.branch} has no pull request number")
        if len(body) > GITHUB_BODY_LIMIT or len(comment) > GITHUB_BODY_LIMIT:
            raise PublishError(f"the text closing #{pr.number} is over GitHub's limit")
        repo = self._repository()
        pull = self._call(f"reading #{pr.number}", partial(repo.get_pull, pr.number))
        self._call(f"commenting on #{pr.number}", lambda: pull.create_issue_comment(comment))
        self._call(f"closing #{pr.number}", lambda: pull.edit(body=body, state="closed"))

    def reply(self, number: int, text: str) -> None:
        """Post ``text`` as a comment on pull request ``number`` (a command's confirmation)."""
        repo = self._repository()
        self._call(f"commenting on #{number}",
                   lambda: repo.get_pull(number).create_issue_comment(text))

    def _refuse_if_needed(self, branch: str, same_branch: list[PullRequest],
                          existing: PullRequest | None, old_sha: str | None, foreign: int,
                          open_count: int) -> None:
        """The cases where the bot must not touch the branch or open a PR, with the reason."""
        if existing is not None:
            if foreign > 0:  # like Dependabot: never overwrite what a maintainer pushed
                raise ForeignCommitsError(
                    f"pull request #{existing.number} has {foreign} commit(s) arxivbot did not "
                    f"make; it will not overwrite them (merge or close #{existing.number}, "
                    "or delete the branch, to let the bot propose again today)"
                )
            return
        rejected = next((pr for pr in same_branch if pr.merged_at is None
                         and old_sha is not None and pr.head.sha == old_sha), None)
        if rejected is not None:  # closed today, branch kept: do not reopen it
            raise PublishError(
                f"pull request #{rejected.number} for {branch} was closed without merging; "
                "arxivbot does not reopen a rejected proposal (delete the branch to allow it)"
            )
        if open_count >= self.max_open_prs:
            raise PublishError(
                f"{open_count} arxivbot pull requests are already open in {self.repository} "
                f"(the cap is {self.max_open_prs}); review or close them first, or raise "
                "max_open_prs in the config"
            )

    def _refresh(self, pr: PullRequest, draft: PullRequestDraft,
                 details: list[str]) -> PublishResult:
        """The branch already holds the proposal: only the PR's text may need an update."""
        action: PublishAction = "unchanged"
        if (pr.title, pr.body) != (draft.title, draft.body):
            self._call("editing the pull request",
                       lambda: pr.edit(title=draft.title, body=draft.body))
            action = "updated"
        return self._result(action, draft.branch, pr, details + self._add_labels(pr))

    # ---- steps -------------------------------------------------------------------------------

    def _repository(self) -> Repository:
        if self._repo is None:
            self._repo = self._call(
                f"reading the repository {self.repository}",
                lambda: self._github.get_repo(self.repository),
                missing=f"repository {self.repository} was not found (or the token cannot "
                "see it)",
            )
        return self._repo

    def _file_at(self, revision: str) -> bytes | None:
        repo = self._repository()
        try:
            found = self._call(f"reading {self.list_path}",
                               lambda: repo.get_contents(self.list_path, ref=revision))
        except _Missing:
            return None
        if isinstance(found, list):
            raise ConfigError(f"{self.list_path} is a directory in {self.repository}")
        if found.type == "symlink" or found.path != self.list_path:
            # GitHub answers a symlink to a file with the file: committing there would replace
            # the link with a copy. Refused, as the local publisher does.
            raise ConfigError(symlink_refusal(self.list_path, self.repository))
        if found.size > MAX_LIST_BYTES:
            raise PublishError(
                f"{self.list_path} in {self.repository} is {found.size:,} bytes, over the "
                f"{MAX_LIST_BYTES // 1_000_000} MB a list may be; nothing was changed"
            )
        if found.encoding == "base64":
            return found.decoded_content
        # Over 1 MB the contents API omits the content; the blob API still has it.
        blob = self._call(f"reading {self.list_path}", lambda: repo.get_git_blob(found.sha))
        return base64.b64decode(blob.content)

    def _branch_sha(self, branch: str) -> str | None:
        repo = self._repository()
        try:
            ref = self._call(f"reading branch {branch}",
                             lambda: repo.get_git_ref(f"heads/{branch}"))
        except _Missing:
            return None
        return str(ref.object.sha)

    def _holds(self, head_sha: str, draft: PullRequestDraft) -> bool:
        """Whether the branch already holds exactly this content: one commit on the base, or
        (a draft on top of the branch as it is) the branch's tip itself."""
        repo = self._repository()
        if head_sha != draft.base_revision:
            commit = self._call("reading the branch", lambda: repo.get_git_commit(head_sha))
            if [p.sha for p in commit.parents] != [draft.base_revision]:
                return False
        for path, content in self._changes(draft):
            what = "the branch's list" if path == self.list_path else f"the branch's {path}"
            try:
                current = self._call(f"reading {what}",
                                     partial(repo.get_contents, path, ref=head_sha))
            except _Missing:
                return False
            if isinstance(current, list) or current.sha != _blob_sha(content):
                return False
        return True

    def _changes(self, draft: PullRequestDraft) -> tuple[tuple[str, bytes], ...]:
        """The draft's files, the list under this publisher's own path for it."""
        return tuple((self.list_path if path == draft.list_path else path.strip("/"), content)
                     for path, content in draft.changes)

    def _make_commit(self, repo: Repository, base_commit: Any, draft: PullRequestDraft) -> str:
        """A commit on the base holding the draft's files; no branch points at it yet."""
        elements = []
        for path, content in self._changes(draft):
            encoded = base64.b64encode(content).decode("ascii")
            what = "the list" if path == self.list_path else path
            blob = self._call(f"uploading {what}",
                              partial(repo.create_git_blob, encoded, "base64"))
            elements.append(InputGitTreeElement(path, "100644", "blob", sha=blob.sha))
        tree = self._call("writing the tree",
                          lambda: repo.create_git_tree(elements, base_tree=base_commit.tree))
        commit = self._call("writing the commit", lambda: repo.create_git_commit(
            draft.commit_message, tree, [base_commit]))
        return str(commit.sha)

    def _move_branch(self, branch: str, sha: str, *, expected: str) -> None:
        """Point ``branch`` at ``sha``, unless it moved since the bot read it at ``expected``.

        GitHub has no compare-and-swap for a forced ref update, so the ref is read again right
        before the write: a maintainer's push (or another run) in between is never overwritten.
        """
        repo = self._repository()
        ref = self._call(f"reading branch {branch}", lambda: repo.get_git_ref(f"heads/{branch}"))
        if ref.object.sha != expected:
            raise BranchMoved(
                f"branch {branch} moved while arxivbot was working (from {expected[:12]} to "
                f"{ref.object.sha[:12]}: a maintainer's push or another run); nothing was "
                "overwritten and no PR was changed: rerun to build on it"
            )
        self._call(f"updating branch {branch}", lambda: ref.edit(sha, force=True))

    def _open_pull(self, repo: Repository, draft: PullRequestDraft) -> PullRequest:
        try:
            return self._call("opening the pull request", lambda: repo.create_pull(
                base=self.base_branch, head=draft.branch, title=draft.title, body=draft.body,
                maintainer_can_modify=True))
        except PublishError:
            # A retried POST may have succeeded the first time: adopt that PR, never a second.
            for pr in self._bot_pulls("open", head=draft.branch):
                log.info("adopting pull request #%s opened by an earlier attempt", pr.number)
                return pr
            raise

    def _roll_back(self, branch: str, ours: str, old_sha: str | None) -> bool:
        """Undo this call's branch change, best effort (itself bounded by the retry policy).

        A branch that did not exist before is deleted when it points at this call's commit
        ``ours`` (made here, whether or not GitHub's reply arrived); a branch that did is moved
        back to ``old_sha``. True when the branch is as it was before the call.
        """
        repo = self._repository()
        try:
            ref = repo.get_git_ref(f"heads/{branch}")
            if ref.object.sha != ours:
                # Not this call's commit: as it was, or someone else's now (not ours to move
                # or delete). Either way nothing this call made is left on it.
                return True
            if old_sha is None:
                ref.delete()
            else:
                ref.edit(old_sha, force=True)
        except UnknownObjectException:
            return old_sha is None
        except _FAILURES as exc:
            log.warning("could not restore branch %s: %s", branch, self._describe(exc))
            return False
        return True

    def _ensure_labels(self) -> list[str]:
        """Create the bot's labels if missing; a failure here only costs the labels."""
        if not self.labels:
            return []
        repo = self._repository()
        try:
            present = self._call("listing labels", lambda: {lb.name for lb in repo.get_labels()})
            for name in [n for n in self.labels if n not in present]:
                self._call(f"creating label {name}", partial(
                    repo.create_label, name, LABEL_COLOR, LABEL_DESCRIPTION))
        except PublishError as exc:
            return [f"labels not created: {exc}"]
        return []

    def _add_labels(self, pr: PullRequest) -> list[str]:
        have = {label.name for label in pr.labels}
        missing = [name for name in self.labels if name not in have]
        if not missing:
            return []
        try:
            self._call("labelling the pull request", lambda: pr.add_to_labels(*missing))
        except PublishError as exc:
            return [f"labels not added ({exc}); a rerun adds them"]
        return []

    def _bot_pulls(self, state: str, head: str | None = None) -> list[PullRequest]:
        """The bot's PRs on the base branch, newest first: head branch under the prefix (or
        exactly ``head``), in this repository (a fork's PR could carry a forged proposal
        block)."""
        repo = self._repository()
        kwargs: dict[str, str] = {"state": state, "sort": "created", "direction": "desc",
                                  "base": self.base_branch}
        if head is not None:
            kwargs["head"] = f"{self.owner}:{head}"

        def fetch() -> list[PullRequest]:
            return [
                pr for pr in repo.get_pulls(**kwargs)
                if (pr.head.ref.startswith(self.branch_prefix) if head is None
                    else pr.head.ref == head)
                and pr.head.repo is not None
                and pr.head.repo.full_name.lower() == self.repository.lower()
            ]

        return self._call("listing pull requests", fetch)

    def _to_bot(self, pr: PullRequest, *, comments: bool = True) -> BotPullRequest:
        merged = pr.merged_at is not None  # list items lack `merged`; this costs no request
        state: PRState = "open" if pr.state == "open" else "merged" if merged else "closed"
        # Only people with write access steer the model: on a public repository anyone may
        # comment "arxivbot accept ..." on the bot's PR.
        said = self._call(
            f"reading comments of #{pr.number}",
            lambda: tuple(
                c.body for c in pr.get_issue_comments()
                if c.author_association in TRUSTED_COMMENTERS
            ),
        ) if comments else ()
        return BotPullRequest(
            number=pr.number,
            branch=pr.head.ref,
            title=pr.title,
            body=pr.body or "",
            state=state,
            head_sha=pr.head.sha,
            merge_sha=pr.merge_commit_sha if merged else None,
            base_sha=pr.base.sha,
            comments=said,
            url=pr.html_url,
        )

    def _result(self, action: PublishAction, branch: str, pr: PullRequest,
                details: list[str]) -> PublishResult:
        return PublishResult(action=action, branch=branch, url=pr.html_url, number=pr.number,
                             details=tuple(details))

    # ---- errors ------------------------------------------------------------------------------

    def _call(self, what: str, fn: Callable[[], T], *, missing: str | None = None) -> T:
        """Run one GitHub step; every failure becomes PublishError (or ConfigError/_Missing)."""
        try:
            return fn()
        except UnknownObjectException:
            if missing is not None:
                raise ConfigError(self._scrub(missing)) from None
            raise _Missing(what) from None
        except _FAILURES as exc:
            if isinstance(exc, GithubException) and exc.status == 401:
                raise ConfigError("GitHub rejected the token (401 Bad credentials); check the "
                                  "token's value and expiry") from None
            if isinstance(exc, GithubException) and exc.status == 403 and _ACTIONS_MAY_NOT.search(
                    self._describe(exc)):
                raise PermissionRefused(
                    f"GitHub refused {what}: this repository does not let GitHub Actions create "
                    "pull requests. Allow it in Settings → Actions → General → Workflow "
                    "permissions → \"Allow GitHub Actions to create and approve pull requests\" "
                    "(or pass a personal access token or GitHub App token as token:)"
                ) from None
            raise PublishError(self._scrub(f"GitHub failed while {what}: "
                                           f"{self._describe(exc)}")) from None

    def _describe(self, exc: BaseException) -> str:
        if isinstance(exc, RateLimitExceededException):
            reset = (exc.headers or {}).get("X-RateLimit-Reset") or (exc.headers or {}).get(
                "x-ratelimit-reset")
            when = ""
            if reset and str(reset).isdigit():
                when = " until " + datetime.fromtimestamp(int(reset), UTC).strftime("%H:%M UTC")
            return f"rate limited{when}"
        if isinstance(exc, GithubException):
            message = exc.message or (exc.data.get("message") if isinstance(exc.data, dict)
                                      else None)
            return f"HTTP {exc.status}" + (f" ({message})" if message else "")
        if isinstance(exc, requests.exceptions.RetryError):
            return "gave up after repeated server errors or rate limiting"
        if isinstance(exc, requests.RequestException | urllib3.exceptions.HTTPError):
            return f"network error ({type(exc).__name__})"
        return type(exc).__name__

    def _scrub(self, text: str) -> str:
        return text.replace(self._secret, "***") if self._secret else text


# GitHub's 403 when the repository's Actions setting forbids the workflow token to open PRs:
# "GitHub Actions is not permitted to create or approve pull requests."
_ACTIONS_MAY_NOT = re.compile(
    r"not permitted to create or approve pull requests|may not create pull requests", re.I
)


class BranchMoved(PublishError):
    """The proposal's branch changed between the bot's read and its write: left alone."""


class PermissionRefused(PublishError):
    """GitHub refused a step for a setting of the repository: only a person can change it."""


class _Missing(Exception):
    """A 404 the caller treats as 'not there' (a branch or file that does not exist yet)."""


def _has_pulls(repo: Repository, head: str) -> bool:
    """Whether any pull request, open or closed, on any base, comes from ``head``."""
    return any(True for _ in repo.get_pulls(state="all", head=head))


def _blob_sha(content: bytes) -> str:
    """The sha git (and GitHub) give a blob with this content."""
    return hashlib.sha1(b"blob %d\0" % len(content) + content, usedforsecurity=False).hexdigest()
