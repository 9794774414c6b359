"""The daily listing feed: parsed exactly with the real feedparser, fetched politely over HTTP.

Every network test talks to a scripted server on 127.0.0.1 and asserts on what that server
saw: how many requests, and how far apart.
"""

from __future__ import annotations

import logging
import time
from pathlib import Path

import pytest
import requests
from tests.arxiv_server import ArxivServer, Reply, closed_port, serving
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError

from arxivbot.config import ArxivSettings
from arxivbot.errors import ConfigError, SourceError
from arxivbot.sources.feed import TransientError, fetch_feed, network_error, parse_feed

FEED_PATH = "/atom/cs.CV+cs.CL"


@pytest.fixture
def day(fixtures: Path) -> bytes:
    return (fixtures / "arxiv" / "atom_day.xml").read_bytes()


@pytest.fixture
def empty(fixtures: Path) -> bytes:
    return (fixtures / "arxiv" / "atom_empty.xml").read_bytes()


def quick(server: ArxivServer | None = None, **changes: object) -> ArxivSettings:
    """Settings for tests: tiny delays and backoffs, the feed on the local server."""
    base = "http://127.0.0.1:9" if server is None else server.url("")
    values: dict[str, object] = {
        "feed_url": base + "/atom/{categories}",
        "api_url": base + "/api/query",
        "timeout_seconds": 1.0,
        "retries": 2,
        "delay_seconds": 0.1,
        "backoff_seconds": 0.1,
    }
    values.update(changes)
    return ArxivSettings(**values)  # type: ignore[arg-type]


# --- parsing ----------------------------------------------------------------------------------


def test_a_normal_day_keeps_new_and_cross_once_each(day: bytes) -> None:
    """A real feed day keeps new and cross-listed papers once each, drops replacements and dates
    them."""
    feed = parse_feed(day, "u")

    assert feed.date == "2026-04-27"
    assert [p.id for p in feed.papers] == [
        "2604.21982", "2604.22331", "2604.22101", "2604.22002",
        "2604.22027", "2604.22150", "2604.21936",
    ]
    assert [p.announce_type for p in feed.papers].count("cross") == 1
    assert feed.skipped == 2  # one replace, one replace-cross
    assert {p.date for p in feed.papers} == {"2026-04-27"}
    cross = feed.papers[-1]
    assert (cross.id, cross.announce_type, cross.primary_category) == (
        "2604.21936", "cross", "cs.AI",
    )
    assert cross.categories == ("cs.AI", "cs.CV", "cs.MA")


def test_a_paper_in_both_categories_is_kept_once_as_new(day: bytes) -> None:
    """A paper new in one category and cross-listed in another is kept once, as new, with both
    categories."""
    feed = parse_feed(day, "u")

    both = [p for p in feed.papers if p.id == "2604.22101"]
    assert len(both) == 1
    assert both[0].announce_type == "new"  # new in cs.CV, only a cross-list in cs.CL
    assert both[0].categories == ("cs.CV", "cs.CL")
    assert both[0].authors == ("Mina Okafor", "Daniel Weiss, Jr.", "Priya Raman")


def test_abstracts_and_titles_with_markup_characters_arrive_unchanged(day: bytes) -> None:
    """Titles and abstracts holding <, & and tags arrive exactly as the authors wrote them."""
    paper = next(p for p in parse_feed(day, "u").papers if p.id == "2604.22150")

    assert paper.title == "Q&A over Tables: When x < y Breaks Retrieval"
    assert paper.abstract == (
        "Retrievers rank rows where x < y & z > 0 as near-duplicates, so table QA fails on "
        "comparisons. We release code at https://github.com/example/tqa?ref=main&tab=readme "
        "and a benchmark of <b>1,200</b> questions; prompts use the <table> tag verbatim."
    )
    assert paper.authors == ("Sara Lindqvist", "Tomás Ortega")


def test_authors_come_from_the_one_comma_joined_creator(day: bytes) -> None:
    """Authors are split from the feed's one comma-joined creator, one-name authors included."""
    paper = next(p for p in parse_feed(day, "u").papers if p.id == "2604.22002")

    # The real feed writes "Ratna Kandala,  Deepti" (a one-name author after a double space).
    assert paper.authors == (
        "Anamta Khan", "Ratna Kandala", "Deepti", "Sheza Munir", "Joyojeet Pal",
    )


def test_announce_types_are_configurable(day: bytes) -> None:
    """arxiv.announce_types decides which announcement types are kept; the rest count as skipped."""
    feed = parse_feed(day, "u", announce_types=("new",))

    assert len(feed.papers) == 6
    assert {p.announce_type for p in feed.papers} == {"new"}
    assert feed.skipped == 3  # the cross-list joins the two replacements


def test_an_empty_day_is_a_normal_feed_dated_by_its_build_time(empty: bytes) -> None:
    """A day without announcements is an empty feed, dated by its build time, not an error."""
    feed = parse_feed(empty, "u")

    assert feed.papers == ()
    assert feed.skipped == 0
    assert feed.date == "2025-12-31"


def test_dates_are_taken_in_us_eastern_time(empty: bytes) -> None:
    """Announcement dates are taken in US Eastern time, arXiv's own."""
    # 04:30 UTC on 1 Jan is still 31 Dec in New York (EST, UTC-5).
    late = empty.replace(b"2025-12-31T05:00:02.087144+00:00", b"2026-01-01T04:30:00+00:00")

    assert parse_feed(late, "u").date == "2025-12-31"


def test_a_malformed_entry_is_skipped_with_a_warning_naming_it(
    day: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """A malformed entry is skipped and counted, with a warning naming the feed."""
    broken = day.replace(
        b"<summary>arXiv:2604.22331v1 Announce Type: new \nAbstract: ",
        b"<summary>",
    )
    assert broken != day

    with caplog.at_level(logging.WARNING):
        feed = parse_feed(broken, "https://feed.example/atom")

    assert "2604.22331" not in [p.id for p in feed.papers]
    assert len(feed.papers) == 6
    assert feed.skipped == 3
    assert "oai:arXiv.org:2604.22331v1" in caplog.text
    assert "https://feed.example/atom" in caplog.text


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        (b"<html><body><h1>502 Bad Gateway</h1></body></html>", "no feed in it"),
        (b'{"error": "rate limited"}', "not well-formed XML"),
        (b"", "no feed in it"),
    ],
)
def test_a_body_that_is_not_a_feed_is_an_error(body: bytes, expected: str) -> None:
    """A body that is no feed is an error naming the URL and status."""
    with pytest.raises(SourceError, match=expected) as caught:
        parse_feed(body, "https://rss.arxiv.org/atom/cs.CV")
    assert "https://rss.arxiv.org/atom/cs.CV: HTTP 200" in str(caught.value)


def test_truncated_xml_is_an_error_not_a_short_day(day: bytes) -> None:
    """Truncated XML is an error, never a day with fewer papers."""
    with pytest.raises(SourceError, match="not well-formed XML"):
        parse_feed(day[: len(day) // 2], "u")


def test_an_rss_feed_is_refused_because_its_abstracts_would_be_mangled(fixtures: Path) -> None:
    """An RSS feed URL is refused with a pointer to the Atom feed, whose abstracts arrive intact."""
    rss = b"""<rss xmlns:arxiv="http://arxiv.org/schemas/atom" version="2.0"><channel>
    <title>cs.CL updates on arXiv.org</title><link>http://rss.arxiv.org/rss/cs.CL</link>
    <description>cs.CL updates on the arXiv.org e-print archive.</description>
    </channel></rss>"""

    with pytest.raises(ConfigError, match="use the Atom feed"):
        parse_feed(rss, "https://rss.arxiv.org/rss/cs.CL")


def test_an_unknown_category_is_an_error(empty: bytes) -> None:
    """arXiv's error feed for an unknown category is an error pointing at arxiv.categories."""
    bad = empty.replace(
        b"<title>cs.CV+cs.CL updates on arXiv.org</title>",
        b"<title>Feed error for query: cs.XX</title>",
    )
    with pytest.raises(SourceError, match=r"check arxiv\.categories"):
        parse_feed(bad, "u")


# --- fetching over HTTP -----------------------------------------------------------------------


def test_one_request_fetches_all_categories(day: bytes) -> None:
    """One request, with arxivbot's User-Agent, fetches all configured categories."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=day))
        feed = fetch_feed(quick(server))

    assert len(feed.papers) == 7
    assert [s.path for s in server.seen] == [FEED_PATH]
    assert server.seen[0].headers["user-agent"].startswith("arxivbot/")
    assert feed.source == server.url(FEED_PATH)


def test_an_empty_day_over_http(empty: bytes) -> None:
    """An empty day over HTTP is one request and no papers."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=empty))
        feed = fetch_feed(quick(server))

    assert (feed.papers, feed.date, len(server.seen)) == ((), "2025-12-31", 1)


def test_429_then_success_backs_off_honouring_retry_after(
    day: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    """A 429 honours Retry-After, capped at the longest backoff, then succeeds."""
    with serving() as server:
        server.script(
            FEED_PATH, Reply(status=429, headers={"Retry-After": "30"}), Reply(body=day)
        )
        settings = quick(server, retries=2, backoff_seconds=0.1, delay_seconds=0.05)
        with caplog.at_level(logging.WARNING):
            feed = fetch_feed(settings)

    assert len(feed.papers) == 7
    assert len(server.seen) == 2
    [gap] = server.gaps()
    # Retry-After: 30 is honoured but capped at the longest backoff (0.1 * 2 = 0.2 s).
    assert 0.2 <= gap < 2.0
    assert "HTTP 429; retry 1 of 2" in caplog.text


def test_503_forever_gives_up_after_the_retries_with_growing_waits() -> None:
    """A feed that keeps failing is retried with doubling waits, then given up on in one clear
    error."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=503, body=b"Service Unavailable"))
        settings = quick(server, retries=2, backoff_seconds=0.1, delay_seconds=0.05)
        with pytest.raises(SourceError) as caught:
            fetch_feed(settings)

    message = str(caught.value)
    assert server.url(FEED_PATH) in message
    assert "HTTP 503" in message
    assert "after 3 attempts" in message
    assert len(server.seen) == 3
    first, second = server.gaps()
    assert first >= 0.1
    assert second >= 0.2  # the backoff doubled


def test_politeness_delay_holds_even_with_a_shorter_backoff(day: bytes) -> None:
    """Retries never come faster than the politeness delay, whatever the backoff."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=500), Reply(status=502), Reply(body=day))
        settings = quick(server, retries=3, backoff_seconds=0.01, delay_seconds=0.15)
        feed = fetch_feed(settings)

    assert len(feed.papers) == 7
    assert len(server.seen) == 3
    assert all(gap >= 0.15 for gap in server.gaps())


def test_a_server_slower_than_the_timeout_is_a_timeout(day: bytes) -> None:
    """A server slower than the timeout costs bounded tries and an error saying which setting to
    raise."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=day, delay=1.5))
        settings = quick(server, timeout_seconds=0.15, retries=1, backoff_seconds=0.05)
        started = time.monotonic()
        with pytest.raises(SourceError, match="timed out") as caught:
            fetch_feed(settings)
        elapsed = time.monotonic() - started

    assert len(server.seen) == 2
    assert elapsed < 1.0  # two bounded tries, not two full 1.5 s waits
    assert "raise arxiv.timeout_seconds" in str(caught.value)


def test_a_body_trickling_in_past_the_timeout_is_cut_off(day: bytes) -> None:
    """A body that trickles in past the timeout is cut off: the timeout bounds the whole read."""
    # Every 16-byte chunk arrives well within a per-read timeout; the whole never does.
    with serving() as server:
        server.script(FEED_PATH, Reply(body=day, trickle=0.02))
        settings = quick(server, timeout_seconds=0.3, retries=0)
        started = time.monotonic()
        with pytest.raises(SourceError, match=r"did not complete within 0\.3 s"):
            fetch_feed(settings)
        elapsed = time.monotonic() - started

    assert len(server.seen) == 1
    assert elapsed < 1.0


def test_an_unreachable_host_is_a_clear_error() -> None:
    """An unreachable host is one 'cannot connect' error after the retries."""
    settings = quick(
        feed_url=f"http://127.0.0.1:{closed_port()}/atom/{{categories}}",
        retries=1,
        backoff_seconds=0.01,
    )
    with pytest.raises(SourceError, match="cannot connect") as caught:
        fetch_feed(settings)
    assert "/atom/cs.CV+cs.CL" in str(caught.value)
    assert "after 2 attempts" in str(caught.value)


def test_a_client_error_is_not_retried() -> None:
    """A 4xx answer is not retried."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=404, body=b"no such feed"))
        with pytest.raises(SourceError, match="HTTP 404"):
            fetch_feed(quick(server))

    assert len(server.seen) == 1


def test_truncated_xml_over_http_fails_without_retrying(day: bytes) -> None:
    """Truncated XML over HTTP fails at once; retrying would not mend it."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=day[: len(day) // 3]))
        with pytest.raises(SourceError, match="not well-formed XML"):
            fetch_feed(quick(server))

    assert len(server.seen) == 1



def test_an_unresolvable_host_fails_at_once_without_backoff() -> None:
    """No network (or a mistyped URL) is not worth minutes of retries; a refusal is."""
    url = "https://rss.arxiv.org/atom/cs.CV"
    unresolved = requests.exceptions.ConnectionError(
        MaxRetryError(None, url, NameResolutionError("rss.arxiv.org", None, OSError("no DNS")))
    )
    refused = requests.exceptions.ConnectionError(
        MaxRetryError(None, url, NewConnectionError(None, "Connection refused"))
    )

    final = network_error(unresolved, url)
    again = network_error(refused, url)

    assert isinstance(final, SourceError)
    assert "arxivbot run --listings PATH" in str(final)
    assert isinstance(again, TransientError)
