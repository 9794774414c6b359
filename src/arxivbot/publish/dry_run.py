"""``--dry-run``: show the pull request a publisher would make, and change nothing anywhere.

Reads go through the wrapped publisher (so the diff is against the real base text and the
report says whether a PR would be opened or updated); ``publish`` only prints the PR title,
body and the unified diff of the list.
"""

from __future__ import annotations

import difflib
from typing import TextIO

from arxivbot.publish import BotPullRequest, ListSnapshot, Publisher, StateFilter
from arxivbot.records import PublishResult, PullRequestDraft


class DryRunPublisher:
    """A read-only view of ``inner`` whose ``publish`` prints instead of writing."""

    def __init__(self, inner: Publisher, out: TextIO) -> None:
        self.inner = inner
        self.out = out

    def read_list(self, ref: str | None = None) -> ListSnapshot:
        return self.inner.read_list(ref)

    def open_proposals(self) -> list[BotPullRequest]:
        return self.inner.open_proposals()

    def bot_pull_requests(self, state: StateFilter = "all") -> list[BotPullRequest]:
        return self.inner.bot_pull_requests(state)

    def model_proposal(self) -> BotPullRequest | None:
        return self.inner.model_proposal()

    def publish(self, draft: PullRequestDraft) -> PublishResult:
        old = self.inner.read_list(draft.base_revision)
        existing = next((pr for pr in self.inner.open_proposals() if pr.branch == draft.branch),
                        None)
        if existing is None:
            would = f"would open a pull request from {draft.branch}"
        else:
            name = f"#{existing.number}" if existing.number is not None else existing.url
            would = f"would update the open proposal {name} on {draft.branch}"
        if draft.list_path:
            diff = unified_diff(old.content, draft.new_content, draft.list_path)
        else:  # a retrain: whole files that are not the list (a model is no reading matter)
            diff = "".join(f"{path}: {len(data):,} bytes\n" for path, data in draft.changes)
        write = self.out.write
        write(f"Dry run: {would} (base {old.revision[:12]}); nothing was changed.\n\n")
        write(f"Title: {draft.title}\n")
        if draft.labels:
            write(f"Labels: {', '.join(draft.labels)}\n")
        write(f"Commit: {draft.commit_message.splitlines()[0] if draft.commit_message else ''}\n")
        write("\n----- body -----\n")
        write(draft.body.rstrip("\n") + "\n")
        write("----- diff -----\n")
        write(diff or "(the list is unchanged)\n")
        self.out.flush()
        return PublishResult(action="dry-run", branch=draft.branch, url=None,
                             number=existing.number if existing else None, details=(would,))

    def retire(self, pr: BotPullRequest, body: str, comment: str) -> None:
        name = f"#{pr.number}" if pr.number is not None else pr.branch
        self.out.write(f"Dry run: would close {name} ({pr.branch}) saying: {comment}\n"
                       f"and replace its body with:\n{body}\n")


def unified_diff(old: bytes, new: bytes, path: str) -> str:
    """A git-style unified diff of two versions of a file, decoded for display only."""
    old_lines = _lines(old)
    new_lines = _lines(new)
    out: list[str] = []
    for line in difflib.unified_diff(old_lines, new_lines, f"a/{path}", f"b/{path}", n=3):
        if line.endswith("\n"):
            out.append(line)
        else:  # the file's last line has no newline: say so, as git does
            out.append(line + "\n\\ No newline at end of file\n")
    return "".join(out)


def _lines(data: bytes) -> list[str]:
    # Display only: undecodable bytes show as U+FFFD instead of failing the dry run.
    return data.decode("utf-8", errors="replace").splitlines(keepends=True)
