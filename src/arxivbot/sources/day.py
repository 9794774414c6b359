"""Where the day's papers come from: the live arXiv feed, or a replayed listings archive.

``load_day`` is the one call the pipeline makes. Both sources give the same ``DayListing``:
the papers to consider (each once, ``announce_type`` new or cross), how many entries were
dropped, and the announcement date. A day without announcements is a normal, empty listing;
every failure is a ``SourceError``.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from arxivbot.config import ArxivSettings
from arxivbot.errors import ConfigError, SourceError
from arxivbot.records import DayListing, Paper
from arxivbot.sources.feed import ARXIV_TZ, fetch_feed
from arxivbot.sources.replay import day_of_file, iter_papers, listing_files


def load_day(
    settings: ArxivSettings, *, date: str | None, replay: Sequence[Path] | None
) -> DayListing:
    """The papers of ``date`` (default: the latest day) from ``replay`` or the live feed."""
    if date is not None:
        _check_date(date)
    if replay:
        return _replayed(settings, date, replay)
    return _live(settings, date)


def _check_date(date: str) -> None:
    try:
        datetime.strptime(date, "%Y-%m-%d")
    except ValueError:
        raise ConfigError(f"--date {date!r}: expected a date as YYYY-MM-DD") from None


def _live(settings: ArxivSettings, date: str | None) -> DayListing:
    feed = fetch_feed(settings)
    # The feed only ever holds the latest announcement; older days live in the archive.
    if date is not None and feed.date is not None and feed.date != date:
        raise SourceError(
            f"{feed.source} holds the announcements of {feed.date}, not {date}: the live feed "
            "only serves the latest day; replay an archived listing (fetch --from, run --listings)"
        )
    day = feed.date or date or datetime.now(ARXIV_TZ).date().isoformat()
    return DayListing(date=day, papers=feed.papers, skipped=feed.skipped, source=feed.source)


def _replayed(settings: ArxivSettings, date: str | None, replay: Sequence[Path]) -> DayListing:
    files = _replay_files(replay, date)
    papers: dict[str, Paper] = {}
    skipped = 0
    other_days: Counter[str] = Counter()
    for file in files:
        for record in iter_papers(file):
            if date is not None and record.date and record.date != date:
                other_days[record.date] += 1  # a multi-day file: keep only the day asked for
                continue
            paper = _classified(record, settings.categories)
            if paper.announce_type not in settings.announce_types:
                skipped += 1
            elif paper.id not in papers:
                papers[paper.id] = paper
    if other_days and not papers and not skipped:
        # Not an empty day: the wrong file (or a typo in --date).
        held = ", ".join(sorted(other_days))
        raise SourceError(
            f"{', '.join(map(str, files))}: no papers dated {date} (it holds {held}); "
            "check --date and the replay path"
        )
    day = date or _most_common_date(papers.values(), files)
    if day is None:
        raise SourceError(
            f"{', '.join(map(str, replay))}: cannot tell the announcement date; pass --date"
        )
    return DayListing(
        date=day,
        papers=tuple(papers.values()),
        skipped=skipped,
        source=", ".join(str(f) for f in files),
    )


def _replay_files(replay: Sequence[Path], date: str | None) -> list[Path]:
    """The files to read: given files as they are; from a folder, the day's (or latest) file."""
    files: list[Path] = []
    folders: list[tuple[Path, list[Path]]] = []
    for path in replay:
        found = listing_files(path)  # SourceError if the path does not exist
        if path.is_dir():
            folders.append((path, found))
        else:
            files.extend(found)
    if folders:
        # listing_files only returns YYYY-MM-DD.jsonl[.gz] files from a folder.
        days = sorted({day_of_file(f) or "" for _, found in folders for f in found})
        wanted = date or (days[-1] if days else None)
        chosen = [f for _, found in folders for f in found if day_of_file(f) == wanted]
        if not chosen:
            where = ", ".join(str(folder) for folder, _ in folders)
            held = f"{days[0]} … {days[-1]}" if days else "no YYYY-MM-DD.jsonl[.gz] files"
            raise SourceError(f"{where}: no listing for {wanted or 'any day'} (it holds {held})")
        files.extend(chosen)
    return files


def _classified(paper: Paper, categories: Sequence[str]) -> Paper:
    """Mark a cross-list as such: archive records do not say, but their primary category does."""
    primary = paper.primary_category
    if paper.announce_type == "new" and primary and primary not in categories:
        return replace(paper, announce_type="cross")
    return paper


def _most_common_date(papers: Iterable[Paper], files: list[Path]) -> str | None:
    dates = Counter(p.date for p in papers if p.date)
    if dates:
        return dates.most_common(1)[0][0]
    named = [day_of_file(f) for f in files]
    return next((d for d in named if d), None)
