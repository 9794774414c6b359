"""The daily run, in order: listing -> catalog and dedupe -> model -> rendering -> publishing.

This is the one place that knows the order. Every step is a call into a module with one job;
the network and the filesystem are reached only through the ``DayListing`` handed in and the
``Publisher``. The result is a ``RunReport`` that says what happened in figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from arxivbot.arxiv_ids import id_month
from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import Catalog, normalise_title, parse_catalog_bytes
from arxivbot.catalog.style import EntryFields, render_entry
from arxivbot.config import Settings
from arxivbot.errors import CatalogFormatError
from arxivbot.model.classifier import RelevanceModel
from arxivbot.proposal import pr_body
from arxivbot.proposal.paper_facts import code_url, project_url, short_name
from arxivbot.proposal.placement import nearest_entries, place
from arxivbot.publish import Publisher, proposed_ids
from arxivbot.records import Candidate, Paper, PublishResult, PullRequestDraft, ScoredPaper
from arxivbot.safe_text import escape_markdown
from arxivbot.sources.day import DayListing

PROPOSED = "proposed"
NO_ANNOUNCEMENTS = "no-announcements"
NOTHING_NEW = "nothing-new"
NONE_ABOVE_THRESHOLD = "none-above-threshold"


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, in figures; ``message`` is the one line a person reads first."""

    status: str  # proposed | no-announcements | nothing-new | none-above-threshold
    day: str
    message: str
    scanned: int = 0
    known: int = 0  # already on the list, proposed in an open PR, rejected or ignored
    candidates: tuple[Candidate, ...] = ()
    result: PublishResult | None = None
    title: str = ""
    body: str = ""
    sections: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        """A short report for stdout and the GitHub job summary."""
        lines = [self.message]
        if self.scanned:
            lines.append(
                f"papers scanned: {self.scanned}; already known: {self.known}; "
                f"candidates: {len(self.candidates)}"
            )
        for section, count in self.sections.items():
            lines.append(f"  {count} -> {section}")
        if self.result is not None:
            where = self.result.url or self.result.branch
            lines.append(f"{self.result.action}: {where}")
        return "\n".join(lines)


def run(
    listing: DayListing,
    publisher: Publisher,
    model: RelevanceModel,
    settings: Settings,
    *,
    rejected: frozenset[str] = frozenset(),
    template_override: Path | None = None,
) -> RunReport:
    """Propose the listing's relevant papers to the list as one pull request."""
    day = listing.date
    if not listing.papers:
        return RunReport(
            NO_ANNOUNCEMENTS, day, f"no announcements for {day} (weekend or holiday)"
        )

    snapshot = publisher.read_list()
    catalog = parse_catalog_bytes(snapshot.content, snapshot.path)
    branch = f"{settings.publish.branch_prefix}{day}"
    # Papers of today's own PR stay eligible, so a rerun rebuilds the same proposal.
    elsewhere = [pr for pr in publisher.open_proposals() if pr.branch != branch]
    fresh, known = _unknown_papers(
        listing.papers,
        catalog,
        frozenset(proposed_ids(elsewhere)) | rejected | frozenset(settings.list.ignore_ids),
    )
    scanned = len(listing.papers)
    if not fresh:
        return RunReport(
            NOTHING_NEW, day, f"{scanned} papers scanned, all already known", scanned, known
        )

    scored = model.score(
        fresh, max_per_day=settings.model.max_candidates, threshold=settings.model.threshold
    )
    selected = sorted((s for s in scored if s.selected), key=lambda s: -s.score)
    threshold = settings.model.threshold
    if threshold is None:
        threshold = model.threshold
    if not selected:
        return RunReport(
            NONE_ABOVE_THRESHOLD,
            day,
            f"{scanned} papers scanned, none above threshold {threshold:.2f}",
            scanned,
            known,
        )

    candidates = _candidates(selected, catalog, model, settings, template_override)
    additions = [
        Addition(section=c.section, text=c.entry_text, sort_key=c.paper.id) for c in candidates
    ]
    new_content = insert_entries(catalog, additions)
    facts = pr_body.RunFacts(
        day=day,
        categories=settings.arxiv.categories,
        scanned=scanned,
        known=known,
        model_version=model.version,
        model_ap=model.backtest_ap,
        threshold=threshold,
        list_path=snapshot.path,
    )
    draft = PullRequestDraft(
        branch=branch,
        title=pr_body.title(day, len(candidates)),
        body=pr_body.body(facts, candidates),
        list_path=snapshot.path,
        new_content=new_content,
        base_revision=snapshot.revision,
        commit_message=pr_body.commit_message(day, candidates),
        labels=settings.publish.labels,
        paper_ids=tuple(c.paper.id for c in candidates),
    )
    result = publisher.publish(draft)
    sections: dict[str, int] = {}
    for c in candidates:
        sections[c.section] = sections.get(c.section, 0) + 1
    return RunReport(
        PROPOSED,
        day,
        f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''} for {day}",
        scanned,
        known,
        tuple(candidates),
        result,
        draft.title,
        draft.body,
        sections,
    )


def _unknown_papers(
    papers: Sequence[Paper], catalog: Catalog, known_ids: frozenset[str]
) -> tuple[list[Paper], int]:
    """Papers neither on the list (by id, or by title for entries without an arXiv link)
    nor otherwise known; and how many were dropped."""
    on_list = catalog.arxiv_ids | known_ids
    titles = {normalise_title(e.title) for e in catalog.entries}
    fresh = [p for p in papers if p.id not in on_list and normalise_title(p.title) not in titles]
    return fresh, len(papers) - len(fresh)


def _candidates(
    selected: Sequence[ScoredPaper],
    catalog: Catalog,
    model: RelevanceModel,
    settings: Settings,
    template_override: Path | None,
) -> list[Candidate]:
    placements = place(
        [s.paper for s in selected],
        catalog.sections,
        catalog.entries,
        model.vectorize,
        entry_texts=model.entry_texts,
        allowed=settings.list.sections,
    )
    nearest = nearest_entries(
        [s.paper for s in selected], catalog.entries, model.vectorize, model.entry_texts
    )
    if not placements:
        raise CatalogFormatError(
            f"{catalog.source}: no section of the list can take a paper; add a papers section"
        )
    return [
        Candidate(
            scored=dataclasses.replace(s, nearest=near),
            section=p.section,
            section_reason=p.reason,
            entry_text=render_entry(
                catalog.style, entry_fields(s.paper), p.section, template_override
            ),
        )
        for s, p, near in zip(selected, placements, nearest, strict=True)
    ]


def entry_fields(paper: Paper) -> EntryFields:
    """What a new entry shows, from the paper's metadata; untrusted text escaped here."""
    return EntryFields(
        arxiv_id=paper.id,
        title=escape_markdown(paper.title),
        name=escape_markdown(short_name(paper.title)),
        date=_announced(paper),
        code_url=code_url(paper),
        project_url=project_url(paper),
        kind="paper",
    )


def _announced(paper: Paper) -> dt.date:
    try:
        return dt.date.fromisoformat(paper.date)
    except ValueError:
        # No announcement date: the id's YYMM is the month it was first submitted.
        month = id_month(paper.id)
        if month is None:
            raise ValueError(f"paper {paper.id} has no date and its id names no month") from None
        return dt.date(*month, 1)

