"""One rolling proposal: what an open bot PR already holds, as the maintainer left it.

Each day's run adds its papers to the one open bot PR instead of opening another. This module
reads that PR's list file (at its head) against the base list: the papers still proposed,
with their entry text exactly as it stands now (a maintainer's edits kept), and the papers a
maintainer deleted from the PR, which count as rejected. Pure: catalogs in, records out.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from arxivbot.catalog.parse import Catalog
from arxivbot.proposal.prmeta import ProposalMeta, ProposedPaper
from arxivbot.records import CatalogEntry


@dataclass(frozen=True, slots=True)
class Carried:
    """A paper an open proposal holds: its block record and its entry in the PR's list."""

    proposed: ProposedPaper
    entry: CatalogEntry
    section: str  # the base list's section to put it in (the PR's, when the base has it)


@dataclass(frozen=True, slots=True)
class OpenProposal:
    carried: tuple[Carried, ...]
    removed: tuple[str, ...]  # deleted from the PR by a maintainer: rejected, never again


def read_open_proposal(meta: ProposalMeta, head: Catalog, base: Catalog) -> OpenProposal:
    """What ``meta``'s PR still proposes (its list at the head is ``head``) against ``base``.

    A paper the base list already holds (the maintainer added it directly) is neither
    carried nor removed: it is simply on the list now.
    """
    on_head = {e.arxiv_id: e for e in head.entries if e.arxiv_id}
    base_sections = {s.path for s in base.sections}
    carried: list[Carried] = []
    removed: list[str] = list(meta.removed)
    for paper in meta.papers:
        if not paper.day:
            paper = replace(paper, day=meta.day)
        if paper.id in base.arxiv_ids:
            continue
        entry = on_head.get(paper.id)
        if entry is None:
            if paper.id not in removed:
                removed.append(paper.id)
            continue
        section = entry.section if entry.section in base_sections else paper.section
        if section not in base_sections:
            section = _same_title(entry.section, base) or paper.section
        carried.append(Carried(paper, entry, section))
    return OpenProposal(tuple(carried), tuple(removed))


def _same_title(path: str, base: Catalog) -> str | None:
    title = path.rsplit(" / ", 1)[-1]
    return next((s.path for s in base.sections if s.title == title), None)


def rolling_pick(open_metas: list[tuple[int, ProposalMeta]]) -> int | None:
    """Index of the open proposal the day's papers go to: the oldest one (by its day)."""
    if not open_metas:
        return None
    return min(open_metas, key=lambda item: (item[1].day, item[0]))[0]
