"""Replayable listings: JSONL files (gzip or not), or a folder of daily files.

The format is the one of the shared archive: one JSON object per line with ``id``, ``title``,
``abstract``, ``authors``, ``categories``, ``primary_category`` and ``date``. This is a
filesystem edge: it reads files into ``Paper`` records and writes them back out.
"""

from __future__ import annotations

import gzip
import json
import logging
import re
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from arxivbot import progress
from arxivbot.errors import SourceError
from arxivbot.records import Paper
from arxivbot.sources.schema import BadRecord, Tally, paper_from_record

log = logging.getLogger(__name__)

_DAY_FILE = re.compile(r"^(\d{4}-\d{2}-\d{2})\.jsonl(\.gz)?$")
_MAX_LINE = 2_000_000  # characters of one JSONL line; a real record is a few thousand


def day_of_file(path: Path) -> str | None:
    """``2025-05-20`` for ``.../2025-05-20.jsonl.gz``; None for other names."""
    match = _DAY_FILE.match(path.name)
    return match.group(1) if match else None


def listing_files(path: Path, until: str | None = None, since: str | None = None) -> list[Path]:
    """The JSONL files at ``path`` (a file, or a folder of daily files) in date order.

    ``since``/``until`` (inclusive, YYYY-MM-DD) filter a folder's daily files by name.
    """
    if not path.exists():
        raise SourceError(f"{path}: no such file or folder (expected listings as JSONL)")
    if path.is_file():
        return [path]
    files = sorted(p for p in path.iterdir() if day_of_file(p))
    if until:
        files = [p for p in files if day_of_file(p) <= until]  # type: ignore[operator]
    if since:
        files = [p for p in files if day_of_file(p) >= since]  # type: ignore[operator]
    return files


def _open_text(path: Path) -> IO[str]:
    with open(path, "rb") as probe:
        magic = probe.read(2)
    if magic == b"\x1f\x8b":
        return gzip.open(path, "rt", encoding="utf-8")
    return open(path, encoding="utf-8")


def iter_papers(path: Path) -> Iterator[Paper]:
    """Papers of one JSONL file; a malformed line is skipped with a warning naming it.

    Every record goes through the one schema (``sources.schema``). A file more than half of
    whose lines are malformed is not a listing at all: that is an error.
    """
    default_date = day_of_file(path) or ""
    tally = Tally(str(path))
    try:
        with _open_text(path) as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    paper = paper_from_record(_json_line(line), default_date)
                except ValueError as exc:  # BadRecord, json.JSONDecodeError
                    tally.skip(f"line {number}", exc)
                    continue
                tally.good += 1
                yield paper
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot be read as JSONL listings ({exc})") from exc
    tally.finish()


def _json_line(line: str) -> object:
    """One JSON value; a line nested too deep for the parser is a malformed line too."""
    if len(line) > _MAX_LINE:
        raise BadRecord(f"a line of {len(line):,} characters (at most {_MAX_LINE:,})")
    try:
        return json.loads(line)
    except RecursionError:
        raise BadRecord("nested too deeply to be a paper record") from None


def read_papers(
    paths: Iterable[Path], until: str | None = None, since: str | None = None
) -> list[Paper]:
    """All papers of the given files/folders, each id once (its first announcement)."""
    seen: set[str] = set()
    papers: list[Paper] = []
    files = [f for path in paths for f in listing_files(path, until=until, since=since)]
    for file in progress.track(files, "reading listings", "files") if len(files) > 1 else files:
        for paper in iter_papers(file):
            if paper.id not in seen:
                seen.add(paper.id)
                papers.append(paper)
    if len(files) == 1:
        log.info("listings: %d papers from %s", len(papers), files[0])
    elif files:
        days = sorted(day_of_file(f) or f.name for f in files)
        log.info("listings: %d papers from %d files (%s ... %s)", len(papers), len(files),
                 days[0], days[-1])
    return papers


def paper_to_record(paper: Paper) -> dict[str, Any]:
    """The JSON record of a paper, in the archive's format (plus announce_type)."""
    record: dict[str, Any] = {
        "id": paper.id,
        "title": paper.title,
        "abstract": paper.abstract,
        "authors": list(paper.authors),
        "categories": list(paper.categories),
        "primary_category": paper.primary_category,
        "date": paper.date,
        "announce_type": paper.announce_type,
    }
    if paper.comment:
        record["comment"] = paper.comment
    return record


def write_papers(papers: Iterable[Paper], out: IO[str]) -> int:
    """Write papers as JSONL; returns how many."""
    count = 0
    for paper in papers:
        out.write(json.dumps(paper_to_record(paper), ensure_ascii=False) + "\n")
        count += 1
    return count
