"""Every cs.CV/cs.CL paper submitted on each day of a date range, from the arXiv API.

This is what ``arxivbot backfill`` (and training without ``--listings``) reads: the daily
feed only shows today, the API's search (``submittedDate:[...]``) reaches back years. It is
a network edge with the manners of the rest of ``sources``:

- one request at a time, at least ``arxiv.delay_seconds`` (3 s) apart, each bounded in time,
  retried with backoff on 429/5xx/timeouts (``ApiClient`` + ``retrying`` of ``api.py``);
- every page answered is cached on disk at once (``<cache_dir>/range/DAY/START-SIZE.jsonl``,
  written whole or not at all), so a run that fails or is interrupted resumes where it
  stopped and never asks for a page twice;
- progress goes to a callback, one call per page.

A day's papers carry ``date`` = the day asked for (the v1 submission date, UTC), and
``announce_type`` "new" when their primary category is one of ``arxiv.categories``, else
"cross". arXiv announces a submission on the next weekday's listing; the API does not say
which one, so a backfilled archive is dated by submission.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta
from pathlib import Path

import arxiv

from arxivbot.config import ArxivSettings
from arxivbot.errors import ConfigError, SourceError
from arxivbot.files import write_atomic
from arxivbot.records import Paper
from arxivbot.sources.api import ApiClient
from arxivbot.sources.feed import retrying
from arxivbot.sources.replay import paper_from_record, paper_to_record

log = logging.getLogger(__name__)

PAGE_SIZE = 500  # results per request; the API allows 2000, smaller pages fail less often
RANGE_CACHE = "range"


@dataclass(frozen=True, slots=True)
class PageDone:
    """Progress: one page of one day is in hand (from the API or the cache)."""

    day: str
    day_index: int  # 1-based position of the day in the range
    days: int  # days in the range
    start: int  # index of the page's first result
    papers: int  # papers on this page
    cached: bool  # True when read from the cache, no request made


@dataclass(frozen=True, slots=True)
class DayPapers:
    day: str  # YYYY-MM-DD
    papers: tuple[Paper, ...]  # each id once, in submission order
    requests: int  # requests this day cost (0 when all came from the cache)


Progress = Callable[[PageDone], None]


def days_between(since: str, until: str) -> list[str]:
    """The days ``since`` .. ``until`` inclusive (YYYY-MM-DD); ConfigError if not dates."""
    try:
        first, last = date.fromisoformat(since), date.fromisoformat(until)
    except ValueError as exc:
        raise ConfigError(f"not a date: {exc}; write dates as YYYY-MM-DD") from exc
    if first > last:
        raise ConfigError(f"the range {since} .. {until} is empty; the first day comes first")
    return [(first + timedelta(days=n)).isoformat() for n in range((last - first).days + 1)]


def day_query(day: str, categories: tuple[str, ...]) -> str:
    """The API query for papers in ``categories`` first submitted on ``day`` (UTC)."""
    if not categories:
        raise ConfigError("arxiv.categories is empty; name at least one, e.g. cs.CV")
    compact = day.replace("-", "")
    cats = " OR ".join(f"cat:{category}" for category in categories)
    return f"({cats}) AND submittedDate:[{compact}0000 TO {compact}2359]"


def fetch_range(
    since: str,
    until: str,
    settings: ArxivSettings,
    *,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
    skip: Callable[[str], bool] | None = None,
) -> Iterator[DayPapers]:
    """The papers of each day ``since`` .. ``until``, one ``DayPapers`` per day, in order.

    ``skip(day)`` true leaves a day out without any request (``backfill`` skips days it
    already wrote). Raises ``SourceError`` when the API cannot be read after the retries;
    the pages fetched until then stay cached, so the same call resumes from there.
    """
    days = days_between(since, until)
    with ApiClient(settings) as client:
        for index, day in enumerate(days, start=1):
            if skip is not None and skip(day):
                continue
            yield _one_day(client, day, index, len(days), settings, page_size, progress)


def _one_day(
    client: ApiClient,
    day: str,
    index: int,
    days: int,
    settings: ArxivSettings,
    page_size: int,
    progress: Progress | None,
) -> DayPapers:
    query = day_query(day, settings.categories)
    folder = Path(settings.cache_dir) / RANGE_CACHE / day
    papers: dict[str, Paper] = {}
    requests_made = 0
    start = 0
    while True:
        page_file = folder / f"{start}-{page_size}.jsonl"
        page = _read_page(page_file)
        from_cache = page is not None
        if page is None:
            url = f"{settings.api_url}?search_query={query}&start={start}"

            def one_page(first: int = start) -> list[Paper]:
                return client.query_page(query, first, page_size, arxiv.SortCriterion.SubmittedDate)

            page = retrying(one_page, url=url, settings=settings)
            requests_made += 1
            _write_page(page_file, page)
        if progress is not None:
            progress(PageDone(day, index, days, start, len(page), from_cache))
        for paper in page:
            papers.setdefault(paper.id, _as_listed(paper, day, settings.categories))
        if len(page) < page_size:
            break
        start += page_size
    return DayPapers(day=day, papers=tuple(papers.values()), requests=requests_made)


def _as_listed(paper: Paper, day: str, categories: tuple[str, ...]) -> Paper:
    kind = "new" if paper.primary_category in categories else "cross"
    return replace(paper, date=day, announce_type=kind)


# --- the page cache: one JSONL file per page, replaced whole ---------------------------------


def _read_page(path: Path) -> list[Paper] | None:
    """The cached page, or None when it is absent or unreadable (then it is fetched again)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        log.warning("%s: unreadable cached page (%s); fetching it again", path, exc)
        return None
    try:
        return [paper_from_record(json.loads(line)) for line in text.splitlines() if line]
    except (json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
        log.warning("%s: malformed cached page (%s); fetching it again", path, exc)
        return None


def _write_page(path: Path, papers: list[Paper]) -> None:
    lines = "".join(
        json.dumps(paper_to_record(paper), ensure_ascii=False) + "\n" for paper in papers
    )
    try:
        write_atomic(path, lines.encode("utf-8"))
    except OSError as exc:
        raise SourceError(
            f"{path}: cannot write the arXiv cache ({exc}); check arxiv.cache_dir"
        ) from exc


