"""Where a proposal goes: the ``Publisher`` protocol and the records it hands back.

A publisher reads the list file from the base branch, reports the bot's earlier proposals
(open ones, so the run does not repeat their papers; merged and closed ones, for
``feedback``), and publishes a ``PullRequestDraft`` as one branch with one commit on top of
the base, plus a pull request (GitHub) or a PR file beside the branch (local git).

- ``github.GitHubPublisher``: a repository on GitHub, through PyGithub.
- ``local.LocalPublisher``: a local clone, through the ``git`` command; needs no account.
- ``memory.MemoryPublisher``: everything in memory, for tests of a run's behaviour where git
  or HTTP is not the point.
- ``dry_run.DryRunPublisher``: wraps any of them and prints the PR and the diff, changing
  nothing.

A draft is one commit of whole files on the base revision (``PullRequestDraft.changes``):
the list for a daily proposal (``kind="papers"``, on a branch under the proposals' prefix),
the model, its card and the decisions for a retrain (``kind="model"``, on ``RETRAIN_BRANCH``,
outside the prefix so ``feedback`` never reads it back). Publishers share the rules below.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Literal, Protocol, get_args

from arxivbot.errors import PublishError
from arxivbot.proposal import prmeta
from arxivbot.records import PublishResult, PullRequestDraft

__all__ = [
    "BotPullRequest",
    "ListSnapshot",
    "PublishResult",
    "Publisher",
    "PullRequestDraft",
    "proposed_ids",
]

PRState = Literal["open", "merged", "closed"]  # closed = closed without merging
PR_STATES: tuple[PRState, ...] = get_args(PRState)
StateFilter = Literal["all", "open", "merged", "closed"]

RETRAIN_BRANCH = "arxivbot-retrain"  # outside the proposals' prefix: feedback never reads it


@dataclass(frozen=True, slots=True)
class ListSnapshot:
    """The list file's exact bytes at one revision of the base branch."""

    content: bytes
    revision: str  # commit sha the content was read at
    path: str  # path of the list inside its repository


@dataclass(frozen=True, slots=True)
class BotPullRequest:
    """One proposal the bot made earlier, as the publisher sees it now."""

    number: int | None  # PR number (None for local proposals)
    branch: str  # head branch, e.g. "arxivbot/2025-05-20"
    title: str
    body: str  # holds the hidden prmeta block the run wrote
    state: PRState
    head_sha: str  # the branch's last commit (the proposal as the maintainer left it)
    merge_sha: str | None  # the commit that brought it into the base, when merged
    base_sha: str | None  # the base branch's commit GitHub compares against (see below)
    comments: tuple[str, ...] = ()  # issue comments' bodies, oldest first
    url: str | None = None  # PR page (github) or PR file (local)

    # base_sha is GitHub's ``base.sha``: the base tip when the PR was last synchronised.
    # The text the proposal was computed from is the first parent of the proposal's own
    # commit, which the bot always makes directly on top of the base revision it read.

    @property
    def meta(self) -> prmeta.ProposalMeta | None:
        """The machine-readable block of the body (None if missing or damaged)."""
        return prmeta.extract(self.body)


class Publisher(Protocol):
    """What the run pipeline and ``feedback`` need from a place to propose changes."""

    def read_list(self, ref: str | None = None) -> ListSnapshot:
        """The list file on the base branch (or at ``ref``), exact bytes and commit sha."""
        ...

    def open_proposals(self) -> list[BotPullRequest]:
        """The bot's proposals that are still open, newest first."""
        ...

    def bot_pull_requests(self, state: StateFilter = "all") -> list[BotPullRequest]:
        """The bot's proposals in ``state`` ("all", "open", "merged", "closed"), newest first."""
        ...

    def model_proposal(self) -> BotPullRequest | None:
        """The bot's newest model proposal (its pull request from ``RETRAIN_BRANCH`` on the
        base branch) in any state, without its comments; None when it never made one."""
        ...

    def publish(self, draft: PullRequestDraft) -> PublishResult:
        """Create or update the draft's branch (one commit holding ``draft.changes`` on
        ``draft.base_revision``) and its proposal; raise PublishError on failure."""
        ...

    def retire(self, pr: BotPullRequest, body: str, comment: str) -> None:
        """Close the open proposal ``pr`` without merging, its body replaced by ``body`` (whose
        block proposes nothing, so ``feedback`` reads no rejection from it) and ``comment``
        said on it: a per-day PR folded into the rolling one. Its branch is kept."""
        ...


def proposed_ids(pulls: list[BotPullRequest]) -> set[str]:
    """The arXiv ids proposed in these pull requests' machine-readable blocks."""
    ids: set[str] = set()
    for pr in pulls:
        meta = pr.meta
        if meta is not None:
            ids.update(meta.ids)
    return ids


def check_state(state: str) -> str:
    """Validate a ``bot_pull_requests`` state filter."""
    if state != "all" and state not in PR_STATES:
        raise ValueError(f"state must be 'all' or one of {', '.join(PR_STATES)}, not {state!r}")
    return state


def check_draft(draft: PullRequestDraft, branch_prefix: str) -> None:
    """The rules every publisher applies before writing anything; PublishError if broken.

    A papers draft goes on a branch under ``branch_prefix`` and changes the list; a model
    draft goes on ``RETRAIN_BRANCH``. Every path is a plain relative path in the repository.
    """
    if draft.kind == "papers":
        if not draft.branch.startswith(branch_prefix):
            raise PublishError(f"branch {draft.branch!r} does not start with {branch_prefix!r}")
    elif draft.branch != RETRAIN_BRANCH:
        raise PublishError(f"a retrain goes on {RETRAIN_BRANCH!r}, not {draft.branch!r}")
    if not draft.changes:
        raise PublishError("the draft changes no file")
    for path, _ in draft.changes:
        parts = PurePosixPath(path).parts
        if not path or path.startswith("/") or ".." in parts or ".git" in parts or \
                "\\" in path or path != PurePosixPath(path).as_posix():
            raise PublishError(f"{path!r} is not a plain path inside the repository")


MAX_LIST_BYTES = 50_000_000  # a list file larger than this is refused before it is read


def symlink_refusal(list_path: str, where: str) -> str:
    """The one message both publishers give for a list file that is a symbolic link."""
    return (
        f"{list_path} in {where} is a symbolic link; the bot only inserts lines into a real "
        "file and would otherwise replace the link with a copy: set list.path to the file the "
        "link points at"
    )
