"""Metadata look-ups through the real ``arxiv`` package, against a scripted local API.

The server answers each request with the entries of the ids it asks for, in the API's real
response format, so batching, the cache and every fault are checked end to end.
"""

from __future__ import annotations

import json
import logging
import re
from pathlib import Path

import pytest
from tests.arxiv_server import ArxivServer, Reply, Seen, closed_port, serving

from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.sources.api import cache_path, cached, lookup, normalise_id

API_PATH = "/api/query"
DAY_IDS = ["2604.21982", "2604.22150", "2604.21936"]
_ENTRY = re.compile(rb"  <entry>\n.*?  </entry>\n", re.DOTALL)
_ENTRY_ID = re.compile(rb"<id>http://arxiv\.org/abs/(\S+?)v\d+</id>")


class FakeApi:
    """Builds ``api/query?id_list=...`` answers from the fixture's header and entries."""

    def __init__(self, document: bytes) -> None:
        first = document.index(b"  <entry>")
        self.header = document[:first]
        self.entries = {
            _ENTRY_ID.search(m.group()).group(1).decode(): m.group()  # type: ignore[union-attr]
            for m in _ENTRY.finditer(document)
        }
        self.template = next(iter(self.entries.values()))

    def entry(self, paper_id: str) -> bytes | None:
        if paper_id in self.entries:
            return self.entries[paper_id]
        if paper_id.startswith("2605."):  # made-up but existing papers, for the batch tests
            return self.template.replace(b"2604.21982", paper_id.encode())
        return None  # the API knows no such paper

    def __call__(self, seen: Seen) -> Reply:
        ids = [i for i in seen.query["id_list"][0].split(",") if i]
        found = [e for e in (self.entry(i) for i in ids) if e is not None]
        header = re.sub(
            rb"<opensearch:totalResults>\d+</opensearch:totalResults>",
            b"<opensearch:totalResults>%d</opensearch:totalResults>" % len(found),
            self.header,
        )
        return Reply(body=header + b"".join(found) + b"</feed>\n")


@pytest.fixture
def api(fixtures: Path) -> FakeApi:
    return FakeApi((fixtures / "arxiv" / "api_query.xml").read_bytes())


def quick(server: ArxivServer, tmp_path: Path, **changes: object) -> ArxivSettings:
    values: dict[str, object] = {
        "api_url": server.url(API_PATH),
        "timeout_seconds": 1.0,
        "retries": 2,
        "delay_seconds": 0.1,
        "backoff_seconds": 0.1,
        "cache_dir": str(tmp_path / "cache"),
    }
    values.update(changes)
    return ArxivSettings(**values)  # type: ignore[arg-type]


def asked(server: ArxivServer) -> list[list[str]]:
    """The id_list of every request the API saw."""
    return [s.query["id_list"][0].split(",") for s in server.requests_to(API_PATH)]


def test_ids_are_normalised() -> None:
    """Ids in any written form become bare ids, and strings that are no valid id become None."""
    assert normalise_id(" arXiv:2503.12937v2 ") == "2503.12937"
    assert normalise_id("https://arxiv.org/abs/2411.00010") == "2411.00010"
    assert normalise_id("hep-ex/0307015v1") == "hep-ex/0307015"
    assert normalise_id("0704.0001") == "0704.0001"
    assert normalise_id("2503.1293") is None  # five digits since 1501
    assert normalise_id("2513.12937") is None  # no month 13
    assert normalise_id("not an id") is None


def test_lookup_fills_the_metadata_in_one_request(tmp_path: Path, api: FakeApi) -> None:
    """Three ids in three forms are looked up in one API request, their text arriving unescaped."""
    with serving() as server:
        server.script(API_PATH, api)
        papers = lookup(
            ["2604.21982", "arXiv:2604.22150v1", "https://arxiv.org/abs/2604.21936"],
            quick(server, tmp_path),
        )

    assert asked(server) == [DAY_IDS]
    assert server.seen[0].query["max_results"] == ["100"]
    assert sorted(papers) == sorted(DAY_IDS)
    table = papers["2604.22150"]
    assert table.title == "Q&A over Tables: When x < y Breaks Retrieval"
    assert table.abstract == (
        "Retrievers rank rows where x < y & z > 0 as near-duplicates, so table QA fails on "
        "comparisons. We release code at https://github.com/example/tqa?ref=main&tab=readme "
        "and a benchmark of <b>1,200</b> questions; prompts use the <table> tag verbatim."
    )
    assert table.authors == ("Sara Lindqvist", "Tomás Ortega")
    assert table.categories == ("cs.CL", "cs.IR")
    assert table.primary_category == "cs.CL"
    assert table.comment == "12 pages; code: https://github.com/example/tqa"
    # The date is the v1 submission date, even when a later version is current.
    assert papers["2604.21982"].date == "2026-04-23"
    assert papers["2604.21936"].comment is None


def test_ids_go_out_in_batches_of_100_spaced_by_the_delay(tmp_path: Path, api: FakeApi) -> None:
    """Many ids go out in batches of at most 100, in order, never faster than the delay."""
    ids = [f"2605.{n:05d}" for n in range(1, 251)]
    with serving() as server:
        server.script(API_PATH, api)
        papers = lookup(ids, quick(server, tmp_path, delay_seconds=0.1))

    assert len(papers) == 250
    assert [len(batch) for batch in asked(server)] == [100, 100, 50]
    assert [i for batch in asked(server) for i in batch] == ids
    assert all(gap >= 0.1 for gap in server.gaps())


def test_nothing_is_fetched_twice(tmp_path: Path, api: FakeApi) -> None:
    """Looked-up papers are cached on disk: asking again costs no request, only new ids are
    fetched."""
    with serving() as server:
        server.script(API_PATH, api)
        settings = quick(server, tmp_path)
        first = lookup(DAY_IDS, settings)
        again = lookup(reversed(DAY_IDS), settings)
        assert len(server.seen) == 1  # all three came from the cache

        more = lookup([*DAY_IDS, "2605.00007"], settings)

    assert asked(server) == [DAY_IDS, ["2605.00007"]]
    assert again == first
    assert sorted(more) == sorted([*DAY_IDS, "2605.00007"])
    assert cache_path(settings).is_file()


def test_cached_reads_only_the_cache(tmp_path: Path, api: FakeApi) -> None:
    """cached() answers from the disk cache alone, with an unreachable API."""
    with serving() as server:
        server.script(API_PATH, api)
        lookup(DAY_IDS[:2], quick(server, tmp_path))
    offline = ArxivSettings(
        api_url=f"http://127.0.0.1:{closed_port()}/api/query", cache_dir=str(tmp_path / "cache")
    )

    found = cached([*DAY_IDS, "2605.00001"], offline)

    assert sorted(found) == sorted(DAY_IDS[:2])
    assert found["2604.22150"].primary_category == "cs.CL"


def test_an_unknown_id_is_remembered_and_not_asked_again(
    tmp_path: Path, api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    """An id the API does not know is logged once and remembered, so it is not asked for again."""
    with serving() as server:
        server.script(API_PATH, api)
        settings = quick(server, tmp_path)
        with caplog.at_level(logging.WARNING):
            found = lookup(["2604.21982", "2699.99999"], settings)
        again = lookup(["2699.99999"], settings)

    assert sorted(found) == ["2604.21982"]
    assert again == {}
    assert len(server.seen) == 1
    assert "2699.99999" in caplog.text


def test_a_malformed_id_is_never_sent(
    tmp_path: Path, api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    """A string that is no arXiv id is logged and never sent to the API."""
    with serving() as server:
        server.script(API_PATH, api)
        with caplog.at_level(logging.WARNING):
            found = lookup(["see the paper", "2604.21982"], quick(server, tmp_path))

    assert asked(server) == [["2604.21982"]]
    assert sorted(found) == ["2604.21982"]
    assert "'see the paper': not an arXiv id" in caplog.text


def test_429_then_success_backs_off(tmp_path: Path, api: FakeApi) -> None:
    """A 429 is retried after the backoff, and the look-up then succeeds."""
    with serving() as server:
        server.script(API_PATH, Reply(status=429, body=b"Rate exceeded."), api)
        papers = lookup(DAY_IDS, quick(server, tmp_path, backoff_seconds=0.15))

    assert len(papers) == 3
    assert len(server.seen) == 2
    assert server.gaps()[0] >= 0.15


def test_503_forever_gives_up_clearly_and_caches_nothing(tmp_path: Path) -> None:
    """An API that keeps failing is given up on after the retries with one error naming the URL and
    status."""
    with serving() as server:
        server.script(API_PATH, Reply(status=503))
        settings = quick(server, tmp_path, retries=2, backoff_seconds=0.05)
        with pytest.raises(SourceError) as caught:
            lookup(DAY_IDS, settings)

    message = str(caught.value)
    assert server.url(API_PATH) in message
    assert "HTTP 503" in message
    assert "after 3 attempts" in message
    assert len(server.seen) == 3
    first, second = server.gaps()
    assert first >= 0.1
    assert second >= 0.1
    assert not cache_path(settings).exists()


def test_a_slow_api_times_out(tmp_path: Path, api: FakeApi) -> None:
    """An API slower than the timeout is a timeout error after the retries, not a hang."""
    def slow(seen: Seen) -> Reply:
        reply = api(seen)
        return Reply(body=reply.body, delay=1.5)

    with serving() as server:
        server.script(API_PATH, slow)
        settings = quick(server, tmp_path, timeout_seconds=0.15, retries=1, backoff_seconds=0.05)
        with pytest.raises(SourceError, match="timed out"):
            lookup(DAY_IDS, settings)

    assert len(server.seen) == 2


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body>Service temporarily unavailable</body></html>", "not an arXiv API feed"),
        (b"Rate exceeded.", "not XML"),
        (None, "not XML"),  # the real document, cut in half
    ],
)
def test_a_body_that_is_not_a_whole_api_feed_is_an_error_and_not_cached(
    tmp_path: Path, fixtures: Path, body: bytes | None, expected: str
) -> None:
    """A body that is no whole API feed is an error, and nothing of it is cached as 'no such
    paper'."""
    if body is None:
        document = (fixtures / "arxiv" / "api_query.xml").read_bytes()
        body = document[: len(document) // 2]
    with serving() as server:
        server.script(API_PATH, Reply(body=body))
        settings = quick(server, tmp_path)
        with pytest.raises(SourceError, match=expected):
            lookup(DAY_IDS, settings)

    assert len(server.seen) == 1
    # A broken answer must not be remembered as "no such paper".
    assert not cache_path(settings).exists()


def test_an_api_error_entry_is_reported(tmp_path: Path) -> None:
    """An error entry inside the API's answer becomes a SourceError carrying the API's message."""
    error = b"""<?xml version="1.0" encoding="UTF-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">
  <link xmlns="http://www.w3.org/2005/Atom" href="http://arxiv.org/api/query?search_query=&amp;id_list=1234.1234v2" rel="self" type="application/atom+xml"/>
  <title xmlns="http://www.w3.org/2005/Atom">ArXiv Query: search_query=&amp;id_list=1234.1234v2</title>
  <id xmlns="http://www.w3.org/2005/Atom">http://arxiv.org/api/kvuntZ8c9a4Eq5CF7KY03nMug+Q</id>
  <updated xmlns="http://www.w3.org/2005/Atom">2007-10-12T00:00:00-04:00</updated>
  <opensearch:totalResults xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:totalResults>
  <opensearch:startIndex xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">0</opensearch:startIndex>
  <opensearch:itemsPerPage xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/">1</opensearch:itemsPerPage>
  <entry xmlns="http://www.w3.org/2005/Atom">
    <id>http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234v2</id>
    <title>Error</title>
    <summary>incorrect id format for 1234.1234v2</summary>
    <updated>2007-10-12T00:00:00-04:00</updated>
    <link href="http://arxiv.org/api/errors#incorrect_id_format_for_1234.1234v2" rel="alternate" type="text/html"/>
    <author>
      <name>arXiv api core</name>
    </author>
  </entry>
</feed>
"""  # noqa: E501  (the API's own error document, from its user manual)
    with serving() as server:
        server.script(API_PATH, Reply(body=error))
        with pytest.raises(SourceError, match=r"incorrect id format for 1234\.1234v2"):
            lookup(["2604.21982"], quick(server, tmp_path))


def test_a_corrupt_cache_line_is_skipped_and_refetched(
    tmp_path: Path, api: FakeApi, caplog: pytest.LogCaptureFixture
) -> None:
    """A half-written cache line is skipped with a warning and its paper fetched again."""
    with serving() as server:
        server.script(API_PATH, api)
        settings = quick(server, tmp_path)
        lookup(DAY_IDS[:1], settings)
        path = cache_path(settings)
        record = json.loads(path.read_text(encoding="utf-8"))
        assert record["id"] == "2604.21982"
        # An interrupted append: half a line at the end.
        with open(path, "a", encoding="utf-8") as out:
            out.write('{"id": "2604.22150", "title": "Q&A over')
        with caplog.at_level(logging.WARNING):
            found = lookup(DAY_IDS[:2], settings)

    assert sorted(found) == sorted(DAY_IDS[:2])
    assert asked(server) == [["2604.21982"], ["2604.22150"]]
    assert "malformed cache line" in caplog.text

