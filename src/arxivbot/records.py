"""Plain records passed between the stages of the pipeline.

Data flows one way: listing source -> catalog and dedupe -> classifier -> rendering ->
publishing. Every stage takes and returns these frozen dataclasses; none of them does I/O.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

# What a pull request proposes: the day's papers (read back by feedback) or a retrained model.
ProposalKind = Literal["papers", "model"]
# What a publisher did with a draft.
PublishAction = Literal["created", "updated", "unchanged", "dry-run"]
# GitHub refuses a pull request body (or a comment) longer than this many characters.
GITHUB_BODY_LIMIT = 65_536


@dataclass(frozen=True, slots=True)
class Paper:
    """One arXiv paper as announced in a daily listing (or looked up in the API).

    The field names follow the record format of the replayable listings files
    (``listings/YYYY-MM-DD.jsonl.gz``): ``id``, ``title``, ``abstract``, ``authors``,
    ``categories``, ``primary_category``, ``date``.
    """

    id: str  # bare arXiv id, no version: "2503.12937"
    title: str
    abstract: str
    authors: tuple[str, ...] = ()
    categories: tuple[str, ...] = ()
    primary_category: str | None = None
    date: str = ""  # announcement date, YYYY-MM-DD
    announce_type: str = "new"  # new | cross (replacements are dropped at the source)
    comment: str | None = None  # arXiv comment (API only); may name a code link

    @property
    def text(self) -> str:
        """The text the relevance model reads."""
        return f"{self.title}\n{self.abstract}"


@dataclass(frozen=True, slots=True)
class DayListing:
    """One announcement day's papers, from wherever they came."""

    date: str  # YYYY-MM-DD, the arXiv announcement date (US Eastern)
    papers: tuple[Paper, ...]
    skipped: int  # replacements, unwanted announce types and malformed entries dropped
    source: str  # feed URL or replay path(s)

    @property
    def empty(self) -> bool:
        return not self.papers

    def count(self, announce_type: str) -> int:
        return sum(1 for paper in self.papers if paper.announce_type == announce_type)

    def summary(self) -> str:
        """``N papers (new: A, cross: B, skipped: C) for DATE``."""
        total = len(self.papers)
        return (
            f"{total} paper{'' if total == 1 else 's'} (new: {self.count('new')}, "
            f"cross: {self.count('cross')}, skipped: {self.skipped}) for {self.date}"
        )


# What a section or entry of a list holds. "" is a kind only while the parser has not yet
# settled it (catalog.parse); every entry and section it returns has a real one.
EntryKind = Literal["paper", "benchmark", "project", "survey", "other"]
EntryShape = Literal["bullet", "table", "heading", "paragraph"]  # how an entry is written


@dataclass(frozen=True, slots=True)
class CatalogEntry:
    """One entry of an awesome-list: a bullet line (possibly wrapped) or a table row."""

    line: int  # 1-based number of the entry's first line
    end_line: int  # 1-based number of its last line (== line unless it wraps)
    section: str  # heading path, e.g. "Vision (Image) / Papers"
    kind: EntryKind | Literal[""]
    arxiv_id: str | None  # bare id, no version; None when the entry has no arXiv link
    title: str
    name: str | None  # the short name the list shows, e.g. "R1-VL"
    date: str | None  # as the list writes it: "2503", "Mar 18, 2025"
    links: tuple[tuple[str, str], ...] = ()  # (label, url) in the order written
    raw: str = ""  # the entry's exact text (all its lines, without the final newline)
    shape: EntryShape = "bullet"  # heading: ### [Title](url); paragraph: **Title** \\

    @property
    def links_dict(self) -> dict[str, str]:
        return dict(self.links)


@dataclass(frozen=True, slots=True)
class Section:
    """A heading of the list and the entries under it."""

    path: str  # heading path, e.g. "Vision (Image) / Papers"
    title: str  # the heading's own text, e.g. "Papers"
    level: int  # 1 for "#", 2 for "##", ...
    line: int  # 1-based line of the heading
    kind: EntryKind | Literal[""]


@dataclass(frozen=True, slots=True)
class ScoredPaper:
    """A paper with the model's verdict and the reasons for it."""

    paper: Paper
    score: float  # calibrated probability of belonging on the list, 0..1
    selected: bool  # True when the paper would be proposed
    top_terms: tuple[str, ...] = ()  # terms that pushed the score up most
    nearest: tuple[tuple[str, str], ...] = ()  # (arxiv_id, name) of the closest list entries


@dataclass(frozen=True, slots=True)
class Candidate:
    """A selected paper, placed in a section and rendered in the list's style."""

    scored: ScoredPaper
    section: str  # heading path of the section chosen
    section_reason: str  # one line saying why this section
    entry_text: str  # the rendered entry, exactly as it will be inserted (no final newline)

    @property
    def paper(self) -> Paper:
        return self.scored.paper


@dataclass(frozen=True, slots=True)
class PullRequestDraft:
    """Everything a publisher needs to propose a change: one commit of whole files on the base.

    A daily proposal changes the list (``list_path``, ``new_content``); a retrain changes
    other files (``files``: the model, its card, the decisions) and leaves ``list_path``
    empty. ``changes`` is every file the commit writes, the list first.
    """

    branch: str  # e.g. "arxivbot/2025-05-20"
    title: str
    body: str
    list_path: str  # path of the list file inside its repository ("": the list is untouched)
    new_content: bytes  # the whole new list file (ignored when list_path is "")
    base_revision: str  # revision of the base branch the new content was computed from
    commit_message: str
    labels: tuple[str, ...] = ()
    paper_ids: tuple[str, ...] = ()
    files: tuple[tuple[str, bytes], ...] = ()  # (path in the repository, whole new bytes)
    kind: ProposalKind = "papers"  # papers: feedback reads it back; model: a retrain

    @property
    def changes(self) -> tuple[tuple[str, bytes], ...]:
        """Every file the proposal's commit writes, (path, bytes), the list first."""
        own = ((self.list_path, self.new_content),) if self.list_path else ()
        return own + self.files


@dataclass(frozen=True, slots=True)
class PublishResult:
    """What a publisher did: where the proposal can be reviewed."""

    action: PublishAction
    branch: str
    url: str | None = None  # PR URL (github), or path of the PR file (local)
    number: int | None = None
    details: tuple[str, ...] = field(default=())
    # What a person must hear about: what an earlier run left and this one cleaned, a
    # maintainer's commit built on. The run report prints these lines.
    notices: tuple[str, ...] = field(default=())


# A title that names a benchmark or dataset ("Benchmarking", "ZeroBench"), or a survey.
_BENCHMARK_TITLE = re.compile(r"bench", re.IGNORECASE)
_SURVEY_TITLE = re.compile(r"\b(?:survey|review|overview)\b", re.IGNORECASE)


def title_kind(title: str) -> Literal["survey", "benchmark"] | None:
    """What a paper's title says it is when it is not just a paper: a survey or a benchmark."""
    if _SURVEY_TITLE.search(title):
        return "survey"
    if _BENCHMARK_TITLE.search(title):
        return "benchmark"
    return None
