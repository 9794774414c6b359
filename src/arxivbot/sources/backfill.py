"""Fill a listings archive (``listings/YYYY-MM-DD.jsonl.gz``) from the arXiv API.

A new adopter has no archive to train on; ``backfill`` writes one daily file per day of a
range in the replay format (``sources/replay.py``), so ``train``/``retrain --listings`` and
``run --listings`` read it like the shared archive. A day already in the folder is not asked
for again; each file is written whole (gzip with a fixed timestamp, so the same papers give
the same bytes and a committed archive does not churn).
"""

from __future__ import annotations

import gzip
import io
from dataclasses import dataclass
from pathlib import Path

from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.files import write_atomic
from arxivbot.sources.api_range import PAGE_SIZE, Progress, fetch_range
from arxivbot.sources.replay import day_of_file, write_papers


@dataclass(frozen=True, slots=True)
class BackfillReport:
    written: tuple[str, ...]  # days whose file was written now
    kept: tuple[str, ...]  # days already in the folder, left alone
    papers: int  # papers in the files written now
    requests: int  # API requests made


def existing_days(folder: Path) -> set[str]:
    if not folder.is_dir():
        return set()
    return {day for day in (day_of_file(p) for p in folder.iterdir()) if day}


def backfill(
    folder: Path,
    since: str,
    until: str,
    settings: ArxivSettings,
    *,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> BackfillReport:
    """Write ``folder/DAY.jsonl.gz`` for each day ``since`` .. ``until`` not there yet."""
    if folder.exists() and not folder.is_dir():
        raise SourceError(f"{folder}: not a folder; pass --out a folder for the daily files")
    have = existing_days(folder)
    written: list[str] = []
    kept: list[str] = []
    papers = requests = 0

    def skip(day: str) -> bool:
        if day in have:
            kept.append(day)
            return True
        return False

    for day in fetch_range(
        since, until, settings, page_size=page_size, progress=progress, skip=skip
    ):
        text = io.StringIO()
        write_papers(day.papers, text)
        data = gzip.compress(text.getvalue().encode("utf-8"), mtime=0)
        try:
            write_atomic(folder / f"{day.day}.jsonl.gz", data)
        except OSError as exc:
            raise SourceError(f"{folder}: cannot write the listings ({exc})") from exc
        written.append(day.day)
        papers += len(day.papers)
        requests += day.requests
    return BackfillReport(tuple(written), tuple(kept), papers, requests)
