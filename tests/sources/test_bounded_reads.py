"""Bounded reads: a response over the cap is one clear error (never read whole), and redirects
are few and spaced by the politeness delay."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.arxiv_server import Reply, serving

from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.sources.feed import MAX_REDIRECTS, MAX_RESPONSE_BYTES, PoliteSession, fetch_feed

FEED_PATH = "/atom/cs.CV+cs.CL"


def quick(base: str, **changes: object) -> ArxivSettings:
    values: dict[str, object] = {
        "feed_url": base + "/atom/{categories}", "api_url": base + "/api/query",
        "timeout_seconds": 2.0, "retries": 2, "delay_seconds": 0.1, "backoff_seconds": 0.05,
    }
    values.update(changes)
    return ArxivSettings(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize("send_length", [True, False])
def test_a_body_over_the_cap_is_refused(send_length: bool) -> None:
    """A response over the size cap is refused, with or without a Content-Length."""
    with serving() as server:
        server.script("/big", Reply(body=b"x" * 300_000, send_length=send_length))
        with PoliteSession(2.0, 0.0, max_bytes=100_000) as session, pytest.raises(
            SourceError, match="the response is over 0 MB"
        ):
            session.get(server.url("/big"))


def test_a_feed_over_the_cap_is_one_error_not_retried() -> None:
    """A 400 MB body used to be read whole; now the announced size alone refuses it."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=b"<" * (MAX_RESPONSE_BYTES + 1)))
        with pytest.raises(SourceError, match="it announces 50,000,001 bytes"):
            fetch_feed(quick(server.url("")))
        assert len(server.requests_to(FEED_PATH)) == 1


def test_a_redirect_loop_stops_after_a_few_spaced_requests() -> None:
    """A redirect loop stops after a few requests, each spaced by the politeness delay."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=302, headers={"Location": FEED_PATH}))
        with pytest.raises(SourceError, match=f"more than {MAX_REDIRECTS} redirects"):
            fetch_feed(quick(server.url(""), delay_seconds=0.1))
        seen = server.requests_to(FEED_PATH)
        assert len(seen) == MAX_REDIRECTS + 1
        assert min(server.gaps(FEED_PATH)) >= 0.09


def test_a_redirect_is_followed_once(fixtures: Path) -> None:
    """A moved feed is followed to its new address and read."""
    body = (fixtures / "arxiv" / "atom_day.xml").read_bytes()
    with serving() as server:
        server.script("/old/cs.CV+cs.CL", Reply(status=301, headers={"Location": FEED_PATH}))
        server.script(FEED_PATH, Reply(body=body))
        feed = fetch_feed(quick(server.url(""), feed_url=server.url("/old/{categories}")))
    assert feed.papers


def test_a_redirect_off_http_is_refused() -> None:
    """A redirect to a non-http scheme such as file:// is refused."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=302, headers={"Location": "file:///etc/passwd"}))
        with pytest.raises(SourceError, match="not an http"):
            fetch_feed(quick(server.url("")))
