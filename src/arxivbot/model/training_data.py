"""What the relevance model learns from: the lists' papers against the rest of the listings.

- **Positives** are the list entries with an arXiv id (papers, benchmarks and surveys alike),
  one per id. Their text (title + abstract) comes from the first source that has it: the
  ``--abstracts`` file, the listings, the look-up cache, then the arXiv API. A paper found
  nowhere trains on the title the list gives it, and is counted as such.
- **Negatives** are the listings' papers that are on none of the lists, up to ``until``.
  Without ``until`` they stop at the lists' latest paper: a paper announced after the
  maintainers' last addition was never judged, and calling it a negative would teach the
  model that this month's on-topic papers do not belong (``all_listings`` turns this off;
  at least ``MIN_NEGATIVES`` are kept whatever the dates).
- **Hard negatives** are papers the maintainers turned down (rejected proposals); they weigh
  more than ordinary negatives (``ModelParams.hard_negative_weight``).

The look-ups are passed in as functions, so this module does no I/O of its own; the API one
is the last resort and fail-soft: if arXiv cannot be reached, training goes on offline.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from arxivbot.arxiv_ids import id_month
from arxivbot.errors import ArxivBotError
from arxivbot.model.card import TrainingData
from arxivbot.model.classifier import ListEntry
from arxivbot.records import CatalogEntry, Paper

log = logging.getLogger(__name__)

Lookup = Callable[[list[str]], Mapping[str, Paper]]

TextSource = Literal["abstracts", "listings", "cache", "api", "title only"]
ABSTRACTS: Final = "abstracts"
LISTINGS: Final = "listings"
CACHE: Final = "cache"
API: Final = "api"
TITLE: Final = "title only"
MIN_NEGATIVES = 10000  # the automatic limit never leaves fewer negatives than this


@dataclass(frozen=True, slots=True)
class TrainingSet:
    """Labelled papers plus what the model card says about them."""

    positives: tuple[Paper, ...]  # one per arXiv id
    entries: tuple[ListEntry, ...]  # every list entry with an arXiv id, in list order
    negatives: tuple[Paper, ...]
    hard_negatives: tuple[Paper, ...] = ()
    text_sources: Mapping[str, TextSource] = field(default_factory=dict)  # id -> source
    first_day: str | None = None  # date range of the negatives' listings
    last_day: str | None = None
    negatives_rule: str = ""  # how the negatives' last day was chosen, for the card

    @property
    def title_only(self) -> list[str]:
        return [i for i, source in self.text_sources.items() if source == TITLE]

    def digest(self) -> str:
        """sha256 over every label, id and text: equal digests, equal training data."""
        hasher = hashlib.sha256()
        for label, papers in (("+", self.positives), ("!", self.hard_negatives),
                              ("-", self.negatives)):
            for paper in papers:
                hasher.update(f"{label}\t{paper.id}\t{paper.text}\n".encode())
        for entry in self.entries:
            hasher.update(f"@\t{entry.id}\t{entry.name}\t{entry.section}\t{entry.list}\n".encode())
        return hasher.hexdigest()

    def card(self) -> TrainingData:
        """The training-data part of the model card."""
        sources: dict[str, int] = {}
        for source in self.text_sources.values():
            sources[source] = sources.get(source, 0) + 1
        lists: dict[str, int] = {}
        for entry in self.entries:
            lists[entry.list] = lists.get(entry.list, 0) + 1
        return TrainingData(
            positives=len(self.positives),
            positives_with_abstract=len(self.positives) - len(self.title_only),
            positives_title_only=len(self.title_only),
            positive_text_sources=dict(sorted(sources.items())),
            title_only_ids=sorted(self.title_only),
            list_entries_with_arxiv_id=dict(sorted(lists.items())),
            negatives=len(self.negatives),
            hard_negatives=len(self.hard_negatives),
            listing_days={"first": self.first_day, "last": self.last_day},
            negatives_rule=self.negatives_rule,
            sha256=self.digest(),
        )

    def until(self, day: str) -> TrainingSet:
        """Only what was known on ``day``: positives announced by then, negatives likewise.

        A positive with no known date counts when its id's month (``2503`` → March 2025)
        ended before ``day``'s month began; within that month it is left out (no leakage).
        """
        kept = tuple(p for p in self.positives if known_by(p, day))
        ids = {p.id for p in kept}
        return TrainingSet(
            positives=kept,
            entries=tuple(e for e in self.entries if e.id in ids),
            negatives=tuple(p for p in self.negatives if p.date and p.date <= day),
            hard_negatives=tuple(p for p in self.hard_negatives if known_by(p, day)),
            text_sources={i: s for i, s in self.text_sources.items() if i in ids},
            first_day=self.first_day,
            last_day=min(self.last_day, day) if self.last_day else None,
            negatives_rule=f"listings up to the cutoff {day}",
        )


def known_by(paper: Paper, day: str) -> bool:
    """Whether ``paper`` was announced on or before ``day`` (YYYY-MM-DD)."""
    if paper.date:
        return paper.date[:10] <= day
    month = id_month(paper.id)
    return month is not None and f"{month[0]:04d}-{month[1]:02d}" < day[:7]


def list_entries(lists: Mapping[str, Sequence[CatalogEntry]]) -> list[tuple[ListEntry, str]]:
    """(entry, the list's title for it) for every entry with an arXiv id, in list order."""
    result = []
    for list_name, entries in lists.items():
        for entry in entries:
            if entry.arxiv_id:
                name = (entry.name or entry.title or entry.arxiv_id).strip()
                result.append(
                    (ListEntry(id=entry.arxiv_id, name=name, section=entry.section,
                               list=list_name), entry.title or name)
                )
    return result


def build_training_set(
    lists: Mapping[str, Sequence[CatalogEntry]],
    listings: Iterable[Paper],
    *,
    abstracts: Mapping[str, Paper] | None = None,
    cached: Lookup | None = None,
    lookup: Lookup | None = None,
    until: str | None = None,
    all_listings: bool = False,
    min_negatives: int = MIN_NEGATIVES,
    rejected_ids: Iterable[str] = (),
    hard_negatives: Sequence[Paper] = (),
) -> TrainingSet:
    """Assemble positives, negatives and hard negatives (see the module docstring).

    ``lists`` maps a list's name to its entries; ``abstracts`` maps id -> paper (the
    ``--abstracts`` file); ``cached``/``lookup`` take ids and return the papers they know
    (cache only / arXiv API). ``until`` (YYYY-MM-DD) limits the negatives' days.
    ``rejected_ids`` become hard negatives when their text is in the listings or abstracts.
    """
    abstracts = abstracts or {}
    pairs = list_entries(lists)
    entries = [entry for entry, _ in pairs]
    list_titles: dict[str, str] = {}
    for entry, title in pairs:
        list_titles.setdefault(entry.id, title)
    on_lists = set(list_titles)

    found: dict[str, tuple[Paper, TextSource]] = {}
    for paper_id in on_lists:
        if paper_id in abstracts and abstracts[paper_id].abstract:
            found[paper_id] = (abstracts[paper_id], ABSTRACTS)

    negatives: list[Paper] = []
    by_id: dict[str, Paper] = {}
    rejected = set(rejected_ids) - on_lists
    for paper in listings:
        if paper.id in on_lists:
            if paper.id not in found and paper.abstract:
                found[paper.id] = (paper, LISTINGS)
            continue
        if until and paper.date and paper.date > until:
            continue
        if paper.id in rejected:
            by_id[paper.id] = paper
            continue
        negatives.append(_lean(paper))

    missing = sorted(on_lists - set(found))
    lookups: tuple[tuple[TextSource, Lookup | None], ...] = ((CACHE, cached), (API, lookup))
    for source, fetch in lookups:
        if not missing or fetch is None:
            continue
        try:
            got = fetch(missing)
        except ArxivBotError as exc:
            what = "API" if source == API else "look-up cache"
            log.warning("arXiv %s unreachable: %d papers train on their titles (%s)",
                        what, len(missing), exc)
            continue
        for paper_id in missing:
            looked_up = got.get(paper_id)
            if looked_up is not None and looked_up.abstract:
                found[paper_id] = (looked_up, source)
        missing = [i for i in missing if i not in found]

    positives: list[Paper] = []
    text_sources: dict[str, TextSource] = {}
    seen: set[str] = set()
    for entry in entries:
        if entry.id in seen:
            continue
        seen.add(entry.id)
        if entry.id in found:
            paper, source = found[entry.id]
        else:
            paper, source = Paper(id=entry.id, title=list_titles[entry.id], abstract=""), TITLE
        positives.append(paper)
        text_sources[entry.id] = source
    if missing:
        log.warning("%d list papers have no abstract anywhere and train on their titles: %s",
                    len(missing), ", ".join(missing))

    negatives, rule = _judged_negatives(negatives, positives, until, all_listings,
                                        min_negatives)
    days = [p.date for p in negatives if p.date]

    hard = list(hard_negatives)
    hard_ids = {p.id for p in hard}
    for paper_id in sorted(rejected - hard_ids):
        known = by_id.get(paper_id) or abstracts.get(paper_id)
        if known is not None:
            hard.append(known)
        else:
            log.warning("rejected paper %s: no text in the listings; not used", paper_id)
    return TrainingSet(
        positives=tuple(positives),
        entries=tuple(entries),
        negatives=tuple(negatives),
        hard_negatives=tuple(p for p in hard if p.id not in on_lists),
        text_sources=text_sources,
        first_day=min(days) if days else None,
        last_day=max(days) if days else None,
        negatives_rule=rule,
    )


def _judged_negatives(
    negatives: list[Paper],
    positives: Sequence[Paper],
    until: str | None,
    all_listings: bool,
    min_negatives: int,
) -> tuple[list[Paper], str]:
    """The negatives the maintainers had a chance to judge (see the module docstring)."""
    if until:
        return negatives, f"listings up to --until {until}"
    dated = [p.date for p in positives if p.date]
    if all_listings or not dated:
        return negatives, "all listings" + ("" if all_listings else " (no dated list paper)")
    last = max(dated)
    kept = [p for p in negatives if not p.date or p.date <= last]
    if len(kept) < min(min_negatives, len(negatives)):
        kept = sorted(negatives, key=lambda p: p.date)[:min_negatives]
        last = max(p.date for p in kept)
    return kept, f"listings up to the lists' latest paper ({last})"


def _lean(paper: Paper) -> Paper:
    """Only what training reads: 78k negatives with their authors cost ~100 MB more."""
    return Paper(id=paper.id, title=paper.title, abstract=paper.abstract, date=paper.date)
