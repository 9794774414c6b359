"""The daily run, in order: listing -> catalog and dedupe -> model -> rendering -> publishing.

This is the one place that knows the order. Every step is a call into a module with one job;
the network and the filesystem are reached only through the ``DayListing`` handed in and the
``Publisher``. The result is a ``RunReport`` that says what happened in figures.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final, Literal

from arxivbot.arxiv_ids import id_month
from arxivbot.catalog.insertion import Addition, insert_entries, settle_references
from arxivbot.catalog.parse import Catalog, normalise_title, parse_catalog_bytes
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.config import Settings
from arxivbot.errors import CatalogFormatError, ConfigError, ForeignCommitsError, PublishError
from arxivbot.model.classifier import RelevanceModel
from arxivbot.proposal import pr_body, prmeta, rolling
from arxivbot.proposal.paper_facts import code_url, paper_name, project_url
from arxivbot.proposal.placement import nearest_entries, place
from arxivbot.publish import BotPullRequest, Publisher, proposed_ids
from arxivbot.records import (
    Candidate,
    DayListing,
    Paper,
    PublishResult,
    PullRequestDraft,
    ScoredPaper,
)
from arxivbot.safe_text import escape_markdown

# What a run ended with (the report's status, the job summary's and --json's "status").
RunStatus = Literal["proposed", "no-announcements", "nothing-new", "none-above-threshold"]
PROPOSED: Final = "proposed"
NO_ANNOUNCEMENTS: Final = "no-announcements"
NOTHING_NEW: Final = "nothing-new"
NONE_ABOVE_THRESHOLD: Final = "none-above-threshold"


@dataclass(frozen=True, slots=True)
class RunReport:
    """What a run did, in figures; ``message`` is the one line a person reads first."""

    status: RunStatus
    day: str
    message: str
    scanned: int = 0
    known: int = 0  # already on the list, proposed in an open PR, rejected or ignored
    candidates: tuple[Candidate, ...] = ()
    result: PublishResult | None = None
    title: str = ""
    body: str = ""
    sections: dict[str, int] = field(default_factory=dict)
    waiting: tuple[ScoredPaper, ...] = ()  # above the threshold, over the cap: shown later
    above_threshold: int = 0  # at or above the threshold: shown (this PR) + waiting
    budget_note: str = ""  # the day passed more papers than the model's budget or the cap

    def summary(self) -> str:
        """A short report for stdout and the GitHub job summary."""
        lines = [self.message]
        if self.scanned:
            lines.append(
                f"papers scanned: {self.scanned}; already known: {self.known}; "
                f"candidates: {len(self.candidates)}"
            )
        if self.budget_note:
            lines.append(self.budget_note)
        for section, count in self.sections.items():
            lines.append(f"  {count} -> {section}")
        if self.result is not None:
            where = self.result.url or self.result.branch
            lines.append(f"{self.result.action}: {where}")
            lines.extend(f"note: {notice}" for notice in self.result.notices)
        return "\n".join(lines)


def run(
    listing: DayListing,
    publisher: Publisher,
    model: RelevanceModel,
    settings: Settings,
    *,
    rejected: frozenset[str] = frozenset(),
    template_override: Path | None = None,
    backlog: Sequence[Paper] = (),
    offered_again: bool = True,
) -> RunReport:
    """Propose the listing's relevant papers to the list as one pull request.

    ``backlog``: papers of earlier days that scored above the threshold but were over the
    cap; they compete again with today's papers for the shown places. ``offered_again``:
    whether the caller finds today's waiting papers again on the next run (it reads a
    listings archive); the report says what becomes of them either way.
    """
    day = listing.date
    if not listing.papers:
        return RunReport(
            NO_ANNOUNCEMENTS, day, f"no announcements for {day} (weekend or holiday)"
        )

    snapshot = publisher.read_list()
    catalog = parse_catalog_bytes(snapshot.content, snapshot.path)
    open_prs = publisher.open_proposals()
    rolling_pr = _rolling_pr(open_prs) if settings.publish.rolling else None
    if rolling_pr is not None:
        branch = rolling_pr.branch
        head_catalog = parse_catalog_bytes(
            publisher.read_list(ref=rolling_pr.head_sha).content, snapshot.path
        )
        assert rolling_pr.meta is not None
        held = rolling.read_open_proposal(rolling_pr.meta, head_catalog, catalog)
        # Migration: other open bot PRs (per-day ones from before the rolling proposal) are
        # folded into it: their papers, as they stand there, join it; they are closed after.
        folded = [pr for pr in open_prs if pr is not rolling_pr and pr.meta is not None]
        held = _fold(held, folded, publisher, catalog)
    else:
        branch = f"{settings.publish.branch_prefix}{day}"
        head_catalog = None
        held = rolling.OpenProposal((), ())
        folded = []
    # Papers of today's own PR stay eligible, so a rerun rebuilds the same proposal.
    elsewhere = [pr for pr in open_prs if pr.branch != branch and pr not in folded]
    carried_ids = {c.proposed.id for c in held.carried}
    known_ids = (
        frozenset(proposed_ids(elsewhere))
        | rejected
        | frozenset(settings.list.ignore_ids)
        | frozenset(held.removed)
    )
    today_ids = {c.proposed.id for c in held.carried if c.proposed.day == day}
    fresh, known = _unknown_papers(
        [p for p in listing.papers if p.id not in carried_ids - today_ids],
        catalog,
        known_ids | frozenset(carried_ids - today_ids),
    )
    known += sum(1 for p in listing.papers if p.id in carried_ids - today_ids)
    # Today's papers already in the rolling PR (a rerun) are placed afresh, like the rest.
    held = rolling.OpenProposal(
        tuple(c for c in held.carried if c.proposed.day != day), held.removed
    )
    backlog, _ = _unknown_papers(backlog, catalog, known_ids | frozenset(carried_ids))
    scanned = len(listing.papers)
    if not fresh:
        return RunReport(
            NOTHING_NEW, day, f"{scanned} papers scanned, all already known", scanned, known
        )

    # The cap limits what is shown first, never what is kept: every paper above the
    # threshold is scored, the best ``max_candidates`` go in the diff, the rest are listed
    # in the body and stay eligible on later days (``backlog``) until a decision.
    fresh_ids = {p.id for p in fresh}
    waiting_before = [
        p for p in backlog if p.id not in fresh_ids and p.id not in known_ids
    ]
    scored = model.score(
        [*fresh, *waiting_before], max_per_day=None, threshold=settings.model.threshold,
        nearest=False,  # looked up on the target list below, not on the training lists
    )
    above = sorted((s for s in scored if s.selected), key=lambda s: -s.score)
    cap = settings.model.max_candidates
    selected, waiting = above[: max(cap, 0)], above[max(cap, 0) :]
    threshold = settings.model.threshold
    if threshold is None:
        threshold = model.threshold
    rule = model.card.threshold_rule
    note = budget_note(DayLoad(
        above_today=sum(1 for s in above if s.paper.id in fresh_ids),
        above_earlier=sum(1 for s in above if s.paper.id not in fresh_ids),
        proposed=len(selected),
        waiting=len(waiting),
        cap=cap,
        # The budget belongs to the model's own threshold, not to one set in the config.
        budget=rule.daily_budget if rule is not None and settings.model.threshold is None
        else None,
        recent_per_day=rule.recent_candidates_per_day if rule is not None else None,
        recent_days=rule.recent_days if rule is not None else 0,
        offered_again=offered_again,
    ))
    if not selected:
        return RunReport(
            NONE_ABOVE_THRESHOLD,
            day,
            f"{scanned} papers scanned, none above threshold {threshold:.2f}",
            scanned,
            known,
        )

    todays = _candidates(selected, catalog, model, settings, template_override)
    kept = [_carried_candidate(c) for c in held.carried]
    todays = _settled_labels(catalog, kept, todays)
    candidates = diff_order([*kept, *todays], catalog)
    # The papers the PR holds from earlier days were above the threshold on their day: they
    # count in "N shown of M above threshold" on both sides.
    above_count = len(above) + len(kept)
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
        above_threshold=above_count,
        budget_note=note,
        offered_again=offered_again,
        model_note=pr_body.model_note(
            model.version, model.card, snapshot.path, model.backtest_ap,
            list_content=snapshot.content,
        ),
    )
    days = sorted({c.paper.date or day for c in candidates})
    draft = PullRequestDraft(
        branch=branch,
        title=pr_body.title(day, len(candidates), first_day=days[0]),
        body=pr_body.body(facts, candidates, waiting, removed=held.removed),
        list_path=snapshot.path,
        new_content=new_content,
        base_revision=snapshot.revision,
        commit_message=pr_body.commit_message(day, candidates),
        labels=settings.publish.labels,
        paper_ids=tuple(c.paper.id for c in candidates),
    )
    try:
        result = publisher.publish(draft)
    except ForeignCommitsError:
        if rolling_pr is None or head_catalog is None:
            raise
        # A maintainer committed to the rolling PR: never rewrite that. Today's papers go in
        # one more commit on top of the branch as it is (its entries are kept as they stand;
        # a paper already there, from an earlier run today, is not added twice).
        from_folded = [_carried_candidate(c) for c in held.carried
                       if c.proposed.id in _ids_of(folded)]
        stacked = diff_order(
            [c for c in [*todays, *from_folded] if c.paper.id not in head_catalog.arxiv_ids],
            head_catalog,
        )
        draft = dataclasses.replace(
            draft,
            new_content=insert_entries(
                head_catalog,
                [Addition(section=c.section, text=c.entry_text, sort_key=c.paper.id)
                 for c in stacked],
            ),
            base_revision=rolling_pr.head_sha,
            commit_message=pr_body.commit_message(day, stacked),
        )
        result = publisher.publish(draft)
    if folded:
        result = _retire_folded(publisher, folded, result)
    sections: dict[str, int] = {}
    for c in candidates:
        sections[c.section] = sections.get(c.section, 0) + 1
    return RunReport(
        PROPOSED,
        day,
        f"{len(candidates)} candidate{'s' if len(candidates) != 1 else ''} for {day} "
        f"({pr_body.shown_line(len(candidates), above_count)})",
        scanned,
        known,
        tuple(candidates),
        result,
        draft.title,
        draft.body,
        sections,
        tuple(waiting),
        above_count,
        note,
    )


@dataclass(frozen=True, slots=True)
class DayLoad:
    """How many papers a day passed the threshold, against the model's budget and the cap."""

    above_today: int  # today's papers at or above the threshold
    above_earlier: int  # papers waiting from earlier runs, still above it
    proposed: int  # shown in the diff today (the best ``cap``)
    waiting: int  # above the threshold, over the cap
    cap: int  # model.max_candidates
    budget: float | None  # the model's daily budget (None: none, or not its threshold)
    recent_per_day: float | None  # what its threshold let through on its last training days
    recent_days: int
    offered_again: bool  # the next run finds the waiting papers again (a listings archive)


def budget_note(load: DayLoad) -> str:
    """One paragraph for the run's output, the job summary and the PR body when a day passed
    more papers than the model's daily budget or than the cap; "" when it did not.

    The threshold was chosen to keep the budget on the last days the model was trained on;
    the field's volume grows, so a later day can pass more. Nothing is dropped silently: this
    says how many were proposed, how many wait and where, and what the maintainer can do.
    """
    over_budget = bool(load.budget) and load.above_today > (load.budget or 0)
    over_cap = load.waiting > 0
    if not over_budget and not over_cap:
        return ""
    papers = "paper" if load.above_today == 1 else "papers"
    text = f"{load.above_today} {papers} scored above the threshold today"
    if load.above_earlier:
        text += f" (and {load.above_earlier} still waiting from earlier runs)"
    if over_budget:
        text += f", above the model's budget of {load.budget:g}/day"
        if load.recent_days and load.recent_per_day is not None:
            days = "day" if load.recent_days == 1 else f"{load.recent_days} days"
            text += (f" (its threshold let through {load.recent_per_day:.1f}/day on the last "
                     f"{days} it was trained on)")
    else:
        text += f", more than model.max_candidates ({load.cap})"
    if not over_cap:
        text += f": all {load.proposed} are proposed."
    else:
        text += f": the {load.proposed} best are proposed, {load.waiting} wait"
        text += (" for the next run (listed in the pull request; they compete again with "
                 "the next day's papers)." if load.offered_again else
                 " (listed in the pull request, but this run read no listings archive, so no "
                 "later run offers them again: the Action keeps one; locally, run with "
                 "--listings).")
    advice = []
    if over_cap:
        advice.append(f"raise model.max_candidates (now {load.cap}) in arxivbot.yaml to see "
                      "more a day")
    if over_budget:
        advice.append("retrain (arxivbot retrain; the Action runs it weekly) so the threshold is "
                      "chosen again, within the budget, on the latest days it trains on")
    return text + " To act on it: " + ", or ".join(advice) + "."


def waiting_ids(publisher: Publisher) -> set[str]:
    """Ids over an earlier day's cap and not decided: in the open PRs' blocks, or in the
    newest bot PR's block when it was merged or closed (its waiting papers were never shown).
    """
    waiting: set[str] = set()
    pulls = publisher.bot_pull_requests("all")
    for index, pr in enumerate(pulls):
        if pr.meta is not None and (pr.state == "open" or index == 0):
            waiting.update(pr.meta.waiting)
    return waiting


def _rolling_pr(open_prs: Sequence[BotPullRequest]) -> BotPullRequest | None:
    """The open proposal today's papers join: the oldest one the bot can read back."""
    readable = [(i, pr.meta) for i, pr in enumerate(open_prs) if pr.meta is not None]
    index = rolling.rolling_pick([(i, m) for i, m in readable if m is not None])
    return None if index is None else open_prs[index]


def _ids_of(pulls: Sequence[BotPullRequest]) -> set[str]:
    return {paper_id for pr in pulls if pr.meta is not None for paper_id in pr.meta.ids}


def _fold(held: rolling.OpenProposal, folded: Sequence[BotPullRequest], publisher: Publisher,
          catalog: Catalog) -> rolling.OpenProposal:
    """The rolling proposal with the papers of ``folded`` PRs added, as those PRs hold them."""
    carried = list(held.carried)
    removed = list(held.removed)
    for pr in folded:
        assert pr.meta is not None
        head = parse_catalog_bytes(publisher.read_list(ref=pr.head_sha).content, catalog.source)
        theirs = rolling.read_open_proposal(pr.meta, head, catalog)
        seen = {c.proposed.id for c in carried}
        carried += [c for c in theirs.carried if c.proposed.id not in seen]
        removed += [i for i in theirs.removed if i not in removed]
    return rolling.OpenProposal(tuple(carried), tuple(removed))


def _retire_folded(publisher: Publisher, folded: Sequence[BotPullRequest],
                   result: PublishResult) -> PublishResult:
    """Close the PRs folded into the rolling one, saying where their papers went."""
    into = f"#{result.number}" if result.number is not None else (result.url or result.branch)
    notices = list(result.notices)
    for pr in folded:
        assert pr.meta is not None
        name = f"#{pr.number}" if pr.number is not None else pr.branch
        comment = (f"arxivbot now keeps one rolling pull request: the papers of this one are "
                   f"proposed in {into}, as they stand here. Closing this one rejects none "
                   "of them.")
        empty = prmeta.ProposalMeta(day=pr.meta.day, model=pr.meta.model, papers=(),
                                    list_path=pr.meta.list_path)
        body = f"Folded into {into}: nothing here was rejected.\n\n{prmeta.embed(empty)}\n"
        try:
            publisher.retire(pr, body, comment)
            notices.append(f"folded {name} into {into} and closed it")
        except PublishError as exc:
            notices.append(f"{name} could not be closed after folding it into {into} ({exc})")
    return dataclasses.replace(result, notices=tuple(notices))


def _settled_labels(
    catalog: Catalog, kept: Sequence[Candidate], todays: Sequence[Candidate]
) -> list[Candidate]:
    """Today's entries with reference labels (``[Title][p9]``) that no carried entry or
    other new paper holds, so that each entry's text is the one inserted; numbered in the
    order the entries go into the list."""
    ordered = [*kept, *diff_order(todays, catalog)]
    settled = settle_references(
        catalog, [Addition(c.section, c.entry_text, c.paper.id) for c in ordered]
    )
    texts = {c.paper.id: a.text for c, a in zip(ordered, settled, strict=True)}
    return [dataclasses.replace(c, entry_text=texts[c.paper.id]) for c in todays]


def _carried_candidate(carried: rolling.Carried) -> Candidate:
    """A paper the open PR already proposes, with its entry as the PR holds it now."""
    proposed, entry = carried.proposed, carried.entry
    paper = Paper(id=proposed.id, title=entry.title, abstract="", date=proposed.day)
    return Candidate(
        scored=ScoredPaper(paper=paper, score=proposed.score, selected=True),
        section=carried.section,
        section_reason=f"proposed on {proposed.day}",
        entry_text=entry.raw,
    )


def diff_order(candidates: Sequence[Candidate], catalog: Catalog) -> list[Candidate]:
    """Candidates in the order the diff shows them: by section in the list, then by id."""
    order = {section.path: index for index, section in enumerate(catalog.sections)}
    return sorted(candidates, key=lambda c: (order.get(c.section, len(order)), c.paper.id))


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
    unknown = [name for name in settings.list.sections
               if name not in {section.path for section in catalog.sections}]
    if unknown:
        paths = [section.path for section in catalog.sections]
        near = difflib.get_close_matches(unknown[0], paths, n=1, cutoff=0.4)
        raise ConfigError(
            f"list.sections names {unknown[0]!r}, which is no section of {catalog.source}"
            + (f" (did you mean {near[0]!r}?)" if near else "")
            + "; give heading paths as `arxivbot catalog LIST.md` prints them: "
            + ", ".join(repr(p) for p in paths[:6]) + (", ..." if len(paths) > 6 else "")
        )
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
    style = list_style(catalog)
    return [
        Candidate(
            scored=dataclasses.replace(s, nearest=near),
            section=p.section,
            section_reason=p.reason,
            entry_text=render_entry(
                style, entry_fields(s.paper, settings.list.repository), p.section,
                template_override,
            ),
        )
        for s, p, near in zip(selected, placements, nearest, strict=True)
    ]


def entry_fields(paper: Paper, own_repository: str | None = None) -> EntryFields:
    """What a new entry shows, from the paper's metadata; untrusted text escaped here.

    Code and project links follow the links policy of ``paper_facts`` (code hosts and pages
    the paper names; never back at the list's own repository ``own_repository``).
    """
    return EntryFields(
        arxiv_id=paper.id,
        title=escape_markdown(paper.title),
        name=escape_markdown(name) if (name := paper_name(paper)) else None,
        date=_announced(paper),
        code_url=code_url(paper, own_repository),
        project_url=project_url(paper, own_repository),
        kind="paper",
        authors=tuple(escape_markdown(a) for a in paper.authors),
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

