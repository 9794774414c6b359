"""What the maintainers said about each proposed paper, read back from the bot's own PRs.

Every bot PR body carries a hidden block (``prmeta``) naming the papers it proposed, the
section each went to and a digest of each rendered entry. From that block, the PR's state and
the list as it was merged, this module derives one ``Decision`` per proposed paper:

- merged, and the paper's id is on the list at the merge commit: **accepted**, with the
  section it ended in (a maintainer may have moved it) and the merged entry when it differs
  from what the bot proposed (a maintainer may have renamed or reworded it);
- merged, and the id is gone: **rejected**, the line was deleted before merging;
- closed without merging: every paper **rejected**;
- still open: every paper **pending**;
- a comment line ``arxivbot reject 2505.01234`` or ``arxivbot accept 2505.01234`` overrides
  all of the above for the papers it names (the latest such line wins).

``decide`` is pure. ``collect`` reads the PRs and the merged lists through a ``Publisher``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from arxivbot.arxiv_ids import parse_id
from arxivbot.catalog.parse import Catalog, decode_list_bytes, parse_catalog
from arxivbot.errors import ArxivBotError
from arxivbot.feedback.decisions import ACCEPTED, PENDING, REJECTED, Decision
from arxivbot.proposal import prmeta
from arxivbot.publish import BotPullRequest, Publisher
from arxivbot.records import CatalogEntry

log = logging.getLogger(__name__)

MERGED = "merged"
DELETED = "deleted-before-merge"
CLOSED = "closed-unmerged"
OPEN = "open"
COMMENT = "comment"

# One command per line, anywhere in a comment: "arxivbot reject 2505.01234" (a version suffix
# and several ids are tolerated). A quoted line ("> arxivbot ...") repeats someone else's
# words, so it does not count; backticks around the command do not matter.
_COMMAND = re.compile(
    r"^[ \t]*`?arxivbot[ \t]+(?P<verb>accept|reject)[ \t]+(?P<ids>[^\n`]+?)`?[ \t]*$",
    re.IGNORECASE | re.MULTILINE,
)


@dataclass(frozen=True, slots=True)
class FeedbackReport:
    """What reading the PRs found: decisions in the order learned, and what was skipped."""

    decisions: tuple[Decision, ...]
    pulls_read: int
    skipped: tuple[str, ...] = ()  # one line per PR that could not be read, and why

    def counts(self) -> dict[str, int]:
        result = {ACCEPTED: 0, REJECTED: 0, PENDING: 0}
        for decision in self.decisions:
            result[decision.decision] += 1
        return result


def comment_commands(comments: Sequence[str]) -> dict[str, str]:
    """The verdict each paper's latest ``arxivbot accept|reject ID`` line gives (oldest first)."""
    verdicts: dict[str, str] = {}
    for comment in comments:
        for match in _COMMAND.finditer(comment or ""):
            verdict = ACCEPTED if match.group("verb").lower() == "accept" else REJECTED
            for token in re.split(r"[\s,]+", match.group("ids").strip()):
                found = parse_id(token)
                if found:
                    verdicts[found] = verdict
    return verdicts


def pull_key(pr: BotPullRequest) -> str:
    """How a decision names its PR: ``#12`` on GitHub, the branch for a local proposal."""
    return f"#{pr.number}" if pr.number is not None else pr.branch


def decide(pr: BotPullRequest, merged: Catalog | None = None) -> list[Decision]:
    """One decision per paper the PR proposed; ``merged`` is the list at the merge commit.

    A PR without a readable proposal block gives no decisions. A merged PR needs ``merged``.
    """
    meta = pr.meta
    if meta is None:
        return []
    if pr.state == MERGED and merged is None:
        raise ValueError(f"PR {pull_key(pr)} is merged: pass the list as merged")
    on_list = _entries_by_id(merged.entries) if merged is not None else {}
    commands = comment_commands(pr.comments)
    key = pull_key(pr)
    result: list[Decision] = []
    verdict: str
    how: str
    for paper in meta.papers:
        entry = _final_entry(on_list.get(paper.id, ()), paper)
        if pr.state == OPEN:
            verdict, how = PENDING, OPEN
        elif pr.state == MERGED:
            verdict, how = (ACCEPTED, MERGED) if entry is not None else (REJECTED, DELETED)
        else:
            verdict, how = REJECTED, CLOSED
        if paper.id in commands:
            verdict, how = commands[paper.id], COMMENT
        result.append(
            Decision(
                id=paper.id,
                decision=verdict,
                day=meta.day,
                pr=key,
                how=how,
                section=entry.section if entry is not None and verdict == ACCEPTED else "",
                line=_edited_line(entry, paper) if verdict == ACCEPTED else "",
                proposed_section=paper.section,
            )
        )
    # Deleted from the rolling PR while it was open: the maintainer's rejection.
    for paper_id in meta.removed:
        if paper_id in meta.ids:
            continue
        verdict = commands.get(paper_id, REJECTED)
        how = COMMENT if paper_id in commands else DELETED
        result.append(
            Decision(id=paper_id, decision=verdict, day=meta.day, pr=key, how=how, section="",
                     line="", proposed_section="")
        )
    return result


def collect(publisher: Publisher, pulls: Iterable[BotPullRequest] | None = None) -> FeedbackReport:
    """Decisions for every bot PR (oldest first, so later PRs override earlier ones)."""
    pulls = list(pulls) if pulls is not None else publisher.bot_pull_requests("all")
    decisions: list[Decision] = []
    skipped: list[str] = []
    for pr in reversed(pulls):  # publishers list newest first
        meta = pr.meta
        if meta is None:
            skipped.append(f"{pull_key(pr)}: no readable arxivbot block in the body")
            continue
        merged: Catalog | None = None
        if pr.state == MERGED:
            merged_at = pr.merge_sha or pr.head_sha
            try:
                snapshot = publisher.read_list(merged_at)
            except ArxivBotError as exc:
                skipped.append(f"{pull_key(pr)}: cannot read the list as merged ({exc})")
                continue
            if meta.list_path and meta.list_path.strip("/") != snapshot.path.strip("/"):
                skipped.append(f"{pull_key(pr)}: proposed to {meta.list_path}, not "
                               f"{snapshot.path}")
                continue
            merged = parse_catalog(decode_list_bytes(snapshot.content), snapshot.path)
        decisions.extend(decide(pr, merged))
    for line in skipped:
        log.warning("feedback skipped %s", line)
    return FeedbackReport(tuple(decisions), len(pulls), tuple(skipped))


def edits(decisions: Iterable[Decision]) -> list[Decision]:
    """Accepted papers a maintainer reworded or moved: what placement and naming learn from."""
    return [
        d for d in decisions
        if d.decision == ACCEPTED and (d.line or (d.section and d.section != d.proposed_section))
    ]


def _entries_by_id(entries: Iterable[CatalogEntry]) -> dict[str, tuple[CatalogEntry, ...]]:
    found: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        if entry.arxiv_id:
            found.setdefault(entry.arxiv_id, []).append(entry)
    return {k: tuple(v) for k, v in found.items()}


def _final_entry(
    entries: Sequence[CatalogEntry], paper: prmeta.ProposedPaper
) -> CatalogEntry | None:
    """The entry the paper ended as: the untouched one if any, else one in the proposed
    section, else the first in list order (a maintainer moved it)."""
    if not entries:
        return None
    for entry in entries:
        if _untouched(entry, paper):
            return entry
    return next((e for e in entries if e.section == paper.section), entries[0])


def _untouched(entry: CatalogEntry, paper: prmeta.ProposedPaper) -> bool:
    if not paper.entry_sha1:
        return True  # an older proposal without digests: an edit cannot be told apart
    raw = entry.raw
    # Line endings and trailing blanks are the editor's, not the maintainer's choice.
    variants = {raw, raw.replace("\r\n", "\n"), "\n".join(x.rstrip() for x in raw.splitlines())}
    return paper.entry_sha1 in {prmeta.entry_digest(v) for v in variants}


def _edited_line(entry: CatalogEntry | None, paper: prmeta.ProposedPaper) -> str:
    if entry is None or _untouched(entry, paper):
        return ""
    return entry.raw
