"""The date-range listing fetch and ``arxivbot backfill``, through the real ``arxiv`` package,
against a local API that answers ``submittedDate`` searches page by page."""

from __future__ import annotations

import gzip
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.arxiv_server import ArxivServer, Reply, Seen, serving

from arxivbot.cli import cli
from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.sources.api_range import day_query, fetch_range
from arxivbot.sources.backfill import backfill
from arxivbot.sources.replay import read_papers

API_PATH = "/api/query"
HEADER = b"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
  xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
  <id>https://arxiv.org/api/range</id>
  <title>arXiv Query</title>
  <updated>2025-05-21T00:00:00Z</updated>
  <opensearch:itemsPerPage>%d</opensearch:itemsPerPage>
  <opensearch:totalResults>%d</opensearch:totalResults>
  <opensearch:startIndex>%d</opensearch:startIndex>
"""
ENTRY = """  <entry>
    <id>http://arxiv.org/abs/{id}v1</id>
    <title>Paper {id}: x &lt; y &amp; more</title>
    <updated>{day}T10:00:00Z</updated>
    <link href="https://arxiv.org/abs/{id}v1" rel="alternate" type="text/html"/>
    <summary>An abstract of {id}.</summary>
    <category term="{primary}" scheme="http://arxiv.org/schemas/atom"/>
    <category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
    <published>{day}T{hour:02d}:00:00Z</published>
    <arxiv:primary_category term="{primary}"/>
    <author><name>Ada Author</name></author>
  </entry>
"""
_RANGE = re.compile(r"submittedDate:\[(\d{8})0000 TO (\d{8})2359\]")


class RangeApi:
    """Answers ``search_query=... submittedDate:[D0000 TO D2359]`` with ``per_day`` papers."""

    def __init__(self, per_day: dict[str, int]) -> None:
        self.per_day = per_day

    def papers(self, day: str) -> list[str]:
        month = day[2:4] + day[5:7]
        base = int(day[8:10]) * 1000
        return [f"{month}.{base + n:05d}" for n in range(self.per_day.get(day, 0))]

    def __call__(self, seen: Seen) -> Reply:
        query = seen.query["search_query"][0]
        assert seen.query["sortBy"] == ["submittedDate"]
        match = _RANGE.search(query)
        assert match, query
        assert match[1] == match[2], query
        compact = match[1]
        day = f"{compact[:4]}-{compact[4:6]}-{compact[6:]}"
        ids = self.papers(day)
        start, size = int(seen.query["start"][0]), int(seen.query["max_results"][0])
        page = ids[start : start + size]
        body = HEADER % (size, len(ids), start) + "".join(
            ENTRY.format(id=i, day=day, hour=n % 24, primary="cs.CV" if n % 3 else "eess.IV")
            for n, i in enumerate(page, start=start)
        ).encode() + b"</feed>\n"
        return Reply(body=body)


def quick(server: ArxivServer, tmp_path: Path, **changes: object) -> ArxivSettings:
    values: dict[str, object] = {
        "api_url": server.url(API_PATH),
        "timeout_seconds": 2.0,
        "retries": 2,
        "delay_seconds": 0.2,
        "backoff_seconds": 0.1,
        "cache_dir": str(tmp_path / "cache"),
    }
    values.update(changes)
    return ArxivSettings(**values)  # type: ignore[arg-type]


DAYS = {"2025-05-19": 5, "2025-05-20": 4, "2025-05-21": 0}


def test_the_query_names_the_categories_and_the_day() -> None:
    """The range query names the categories and exactly one day's submission window."""
    assert day_query("2025-05-20", ("cs.CV", "cs.CL")) == (
        "(cat:cs.CV OR cat:cs.CL) AND submittedDate:[202505200000 TO 202505202359]"
    )


def test_a_range_is_fetched_page_by_page_politely(tmp_path: Path) -> None:
    """A date range is fetched day by day, page by page, one request every delay_seconds."""
    with serving() as server:
        server.script(API_PATH, RangeApi(DAYS))
        settings = quick(server, tmp_path)
        days = list(fetch_range("2025-05-19", "2025-05-21", settings, page_size=2))
        gaps = server.gaps(API_PATH)
        seen = server.requests_to(API_PATH)
    assert [d.day for d in days] == ["2025-05-19", "2025-05-20", "2025-05-21"]
    assert [len(d.papers) for d in days] == [5, 4, 0]
    # 5 papers in pages of 2: 3 requests; 4 papers: 2 full pages + 1 empty; empty day: 1.
    assert [d.requests for d in days] == [3, 3, 1]
    assert len(seen) == 7
    assert min(gaps) >= 0.2 * 0.95  # one request every delay_seconds, never faster
    first = days[0].papers[0]
    assert first.id == "2505.19000"
    assert first.date == "2025-05-19"
    assert first.title == "Paper 2505.19000: x < y & more"
    assert first.announce_type == "cross"  # primary eess.IV, not a configured category
    assert days[0].papers[1].announce_type == "new"


def test_the_cache_answers_a_second_run_without_a_request(tmp_path: Path) -> None:
    """A second fetch of the same range comes from the page cache without a request."""
    with serving() as server:
        server.script(API_PATH, RangeApi(DAYS))
        settings = quick(server, tmp_path)
        first = list(fetch_range("2025-05-19", "2025-05-20", settings, page_size=2))
        before = len(server.seen)
        again = list(fetch_range("2025-05-19", "2025-05-20", settings, page_size=2))
        assert len(server.seen) == before
    assert [d.papers for d in again] == [d.papers for d in first]
    assert [d.requests for d in again] == [0, 0]


def test_a_failed_backfill_resumes_where_it_stopped(tmp_path: Path) -> None:
    """A backfill that fails midway keeps the days it wrote and resumes from the failed day."""
    api = RangeApi(DAYS)
    out = tmp_path / "listings"
    calls: list[Seen] = []

    def failing_on_the_fourth(seen: Seen) -> Reply:
        calls.append(seen)
        return Reply(status=503, body=b"down") if len(calls) >= 4 else api(seen)

    with serving() as server:
        server.script(API_PATH, failing_on_the_fourth)
        settings = quick(server, tmp_path, retries=1)
        with pytest.raises(SourceError, match="gave up after 2 attempts"):
            backfill(out, "2025-05-19", "2025-05-21", settings, page_size=2)
        # Day 1 (3 pages) was written; day 2's first page failed twice.
        assert sorted(p.name for p in out.iterdir()) == ["2025-05-19.jsonl.gz"]
        server.script(API_PATH, api)
        server.seen.clear()
        report = backfill(out, "2025-05-19", "2025-05-21", settings, page_size=2)
        resumed = [
            (_RANGE.search(s.query["search_query"][0])[1], s.query["start"][0])  # type: ignore[index]
            for s in server.seen
        ]
    assert report.kept == ("2025-05-19",)
    assert report.written == ("2025-05-20", "2025-05-21")
    # Only what was missing: day 2's three pages and day 3's one, nothing of day 1.
    assert resumed == [("20250520", "0"), ("20250520", "2"), ("20250520", "4"), ("20250521", "0")]
    papers = read_papers([out])
    assert len(papers) == 9
    with gzip.open(out / "2025-05-20.jsonl.gz", "rt", encoding="utf-8") as handle:
        record = json.loads(handle.readline())
    assert record["id"] == "2505.20000"
    assert record["date"] == "2025-05-20"
    assert set(record) >= {"id", "title", "abstract", "authors", "categories", "date"}


def test_the_same_papers_give_the_same_bytes(tmp_path: Path) -> None:
    """The same papers give byte-identical day files, so a rerun changes nothing in git."""
    with serving() as server:
        server.script(API_PATH, RangeApi(DAYS))
        settings = quick(server, tmp_path, delay_seconds=0.01)
        backfill(tmp_path / "a", "2025-05-19", "2025-05-19", settings)
        backfill(tmp_path / "b", "2025-05-19", "2025-05-19", settings)
    name = "2025-05-19.jsonl.gz"
    assert (tmp_path / "a" / name).read_bytes() == (tmp_path / "b" / name).read_bytes()


def test_backfill_command_reports_progress_and_totals(tmp_path: Path) -> None:
    """backfill prints a progress line per page on stderr and the totals on stdout."""
    config = tmp_path / "arxivbot.yaml"
    with serving() as server:
        server.script(API_PATH, RangeApi(DAYS))
        config.write_text(
            "arxiv:\n"
            f"  api_url: {server.url(API_PATH)}\n"
            "  delay_seconds: 0.01\n"
            f"  cache_dir: {tmp_path / 'cache'}\n",
            encoding="utf-8",
        )
        out = tmp_path / "listings"
        result = CliRunner().invoke(
            cli,
            ["backfill", "--days", "2", "--until", "2025-05-20", "--out", str(out),
             "--config", str(config)],
        )
    assert result.exit_code == 0, result.output
    assert "[1/2] 2025-05-19: results 0-5 (5 from the arXiv API)" in result.stderr
    assert "wrote 2 day files (9 papers, 2 API requests)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == ["2025-05-19.jsonl.gz", "2025-05-20.jsonl.gz"]


def test_backfill_reports_as_json(tmp_path: Path) -> None:
    """``--json``: the days written and kept, the papers and the requests, as one object."""
    config = tmp_path / "arxivbot.yaml"
    with serving() as server:
        server.script(API_PATH, RangeApi(DAYS))
        config.write_text(
            f"arxiv:\n  api_url: {server.url(API_PATH)}\n  delay_seconds: 0.01\n"
            f"  cache_dir: {tmp_path / 'cache'}\n",
            encoding="utf-8",
        )
        result = CliRunner().invoke(
            cli, ["backfill", "--days", "2", "--until", "2025-05-20", "--out",
                  str(tmp_path / "listings"), "--config", str(config), "--json"],
        )
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["written"] == ["2025-05-19", "2025-05-20"]
    assert (report["papers"], report["requests"], report["kept"]) == (9, 2, [])
    assert "wrote 2 day files" in result.stderr  # the sentence moved to stderr


def test_backfill_refuses_a_bad_date(tmp_path: Path) -> None:
    """A --until that is no YYYY-MM-DD date is refused with the expected form."""
    result = CliRunner().invoke(cli, ["backfill", "--until", "May 20", "--out", str(tmp_path)])
    assert result.exit_code != 0
    assert "YYYY-MM-DD" in str(result.exception or result.output)
