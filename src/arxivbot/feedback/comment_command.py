"""A comment addressed to the bot (``arxivbot accept|reject ID ...``), answered at once.

The ``issue_comment`` workflow hands each new PR comment here: a comment none of whose lines
starts with ``arxivbot`` is not for us; a well-formed command is recorded by ``feedback`` and
confirmed in a reply; anything else addressed to the bot gets one line of help. Pure: text
in, a parsed command and reply text out (the grammar is ``collect.comment_commands``').
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from arxivbot.feedback.collect import comment_commands
from arxivbot.feedback.decisions import Decision

HELP = (
    "arxivbot understands `arxivbot accept ID [ID ...]` and `arxivbot reject ID [ID ...]` "
    "(arXiv ids of papers this pull request proposes), from the repository's collaborators."
)
_ADDRESSED = re.compile(r"^[ \t]*`?arxivbot\b", re.IGNORECASE | re.MULTILINE)


@dataclass(frozen=True, slots=True)
class CommentCommand:
    verdicts: dict[str, str]  # id -> accepted | rejected; empty: not understood

    @property
    def understood(self) -> bool:
        return bool(self.verdicts)


def parse_comment(body: str) -> CommentCommand | None:
    """The command in ``body``; None when no line of it is addressed to the bot."""
    if not _ADDRESSED.search(body or ""):
        return None
    return CommentCommand(comment_commands([body]))


def reply(command: CommentCommand, recorded: Sequence[Decision]) -> str:
    """The confirmation (or the help line) to post under the comment."""
    if not command.understood:
        return f"Sorry, I did not understand that. {HELP}"
    known = {d.id for d in recorded}
    parts = []
    for paper_id, verdict in sorted(command.verdicts.items()):
        if paper_id in known:
            parts.append(f"`{paper_id}` {verdict}")
        else:
            parts.append(f"`{paper_id}` is not a paper of this pull request (nothing recorded)")
    return "Recorded: " + "; ".join(parts) + "."
