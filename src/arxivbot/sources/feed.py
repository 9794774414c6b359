"""The day's listing feed from rss.arxiv.org: fetched politely, parsed exactly.

Two halves. ``fetch_feed`` is the network edge: one GET for all categories through a
``PoliteSession`` (a real timeout on the whole response, one request every ``delay_seconds``),
wrapped in ``retrying`` (bounded exponential backoff on 429, 5xx and timeouts, honouring a
capped ``Retry-After``). ``parse_feed`` is pure: bytes in, ``FeedDay`` out.

We read the **Atom** variant (``/atom/cs.CV+cs.CL``): feedparser treats the RSS ``<description>``
as HTML and sanitises it, which silently truncates abstracts containing ``<`` or ``&``; the
Atom ``<summary>`` is plain text and arrives intact (tech-reference A.5).
"""

from __future__ import annotations

import calendar
import email.utils
import logging
import re
import time
import urllib.parse
import xml.sax
from collections import Counter
from collections.abc import Callable, Collection
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, ClassVar, TypeVar
from zoneinfo import ZoneInfo

import feedparser
import requests
import urllib3

from arxivbot import __version__
from arxivbot.arxiv_ids import strip_version
from arxivbot.config import ArxivSettings, polite_delay
from arxivbot.errors import ConfigError, SourceError
from arxivbot.records import Paper
from arxivbot.safe_text import collapse_whitespace
from arxivbot.sources.schema import Tally, checked

log = logging.getLogger(__name__)

T = TypeVar("T")

USER_AGENT = f"arxivbot/{__version__} (+https://github.com/arxivbot/arxivbot)"
# arXiv dates its announcements in US Eastern time; the feed's timestamps are UTC instants.
ARXIV_TZ = ZoneInfo("America/New_York")
KEPT_BY_DEFAULT = ("new", "cross")
MAX_RESPONSE_BYTES = 50_000_000  # a day's combined feed is ~5 MB, an API page of 100 < 1 MB
MAX_REDIRECTS = 5

# "arXiv:2604.22002v1 Announce Type: new \nAbstract: ..." (real feeds put a space before \n).
_SUMMARY = re.compile(
    r"^\s*arXiv:(?P<id>\S+)\s+Announce Type:\s*(?P<type>\S+)\s+Abstract:\s*(?P<abstract>.*)$",
    re.DOTALL,
)
_OAI_PREFIX = "oai:arXiv.org:"
_NAME_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv"}


@dataclass(frozen=True, slots=True)
class FeedDay:
    """One parsed feed document: the day's kept papers and what was dropped."""

    date: str | None  # announcement date (YYYY-MM-DD, US Eastern); None if the feed gives none
    papers: tuple[Paper, ...]  # each paper once, in feed order
    skipped: int  # entries dropped: replacements, unwanted announce types, malformed
    source: str  # the feed URL


# --- network edge -----------------------------------------------------------------------------


class TransientError(Exception):
    """A failure worth retrying: 429, 5xx, a timeout, a dropped connection."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


class PoliteSession(requests.Session):
    """A session that spaces requests and bounds each one in time.

    Every request starts at least ``delay`` seconds after the previous one ended (arXiv's
    terms: one request every 3 s, one connection at a time), and the whole response, body
    included, must arrive within ``timeout`` seconds: a per-read socket timeout alone would
    let a server that trickles bytes hold us forever. The arxiv package's ``Client`` calls
    ``session.get(url)`` without a timeout, so the bound has to live here. The spacing holds
    across sessions too (per host and port, for the whole process): a training run's range
    fetch and its id look-ups use two clients one after the other.
    """

    _last_end_at: ClassVar[dict[str, float]] = {}  # netloc -> when its last request ended

    def __init__(
        self,
        timeout: float,
        delay: float,
        *,
        check: Callable[[requests.Response], None] | None = None,
        max_bytes: int = MAX_RESPONSE_BYTES,
    ) -> None:
        super().__init__()
        self.timeout = timeout
        self.delay = delay
        self.max_bytes = max_bytes
        self.max_redirects = MAX_REDIRECTS
        self.check = check  # validates each complete response; may raise
        self.headers["User-Agent"] = USER_AGENT
        self.last_retry_after: float | None = None
        self._last_end: float | None = None

    def request(
        self, method: str | bytes, url: str | bytes, *args: Any, **kwargs: Any
    ) -> requests.Response:
        """One request; redirects are followed here, each spaced by the politeness delay."""
        url = url if isinstance(url, str) else url.decode()
        kwargs["allow_redirects"] = False
        for _hop in range(MAX_REDIRECTS + 1):
            response = self._one(method, url, *args, **kwargs)
            location = response.headers.get("Location")
            if not (response.is_redirect and location):
                break
            url = urllib.parse.urljoin(url, location)
            if urllib.parse.urlsplit(url).scheme not in ("http", "https"):
                raise SourceError(f"{response.url}: redirected to {url!r}, not an http(s) URL")
        else:
            raise SourceError(
                f"{url}: more than {MAX_REDIRECTS} redirects; check arxiv.feed_url / "
                "arxiv.api_url (arXiv may be misconfigured: try again later)"
            )
        if self.check is not None:
            self.check(response)
        return response

    def _one(
        self, method: str | bytes, url: str, *args: Any, **kwargs: Any
    ) -> requests.Response:
        host = urllib.parse.urlsplit(url).netloc
        last_end = max(self._last_end or 0.0, self._last_end_at.get(host, 0.0)) or None
        if last_end is not None:
            delay = polite_delay(self.delay, url)
            remaining = delay - (time.monotonic() - last_end)
            if remaining > 0:
                time.sleep(remaining)
        if kwargs.get("timeout") is None:
            kwargs["timeout"] = (self.timeout, self.timeout)
        kwargs["stream"] = True  # read the body ourselves, against the deadline and the cap
        deadline = time.monotonic() + self.timeout
        try:
            response = super().request(method, url, *args, **kwargs)
            try:
                body = _read_within(response, deadline, self.timeout, self.max_bytes)
            finally:
                response.close()
            # requests' own cache of the body: ``response.content`` now returns it.
            response._content = body
            response._content_consumed = True  # type: ignore[attr-defined]
        finally:
            self._last_end = self._last_end_at[host] = time.monotonic()
        self.last_retry_after = retry_after_seconds(response.headers.get("Retry-After"))
        return response


def _read_within(
    response: requests.Response, deadline: float, timeout: float, max_bytes: int
) -> bytes:
    """The whole body; ReadTimeout once ``deadline`` passes, SourceError past ``max_bytes``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise _too_big(response, max_bytes, f"it announces {int(declared):,} bytes")
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise requests.exceptions.ReadTimeout(
                f"the response did not complete within {timeout:g} s", response=response
            )
        # read1 returns as soon as some bytes arrive, so the deadline is checked often. Reading
        # the raw stream bypasses requests' translation of urllib3's errors, so do it here.
        try:
            chunk = response.raw.read1(65536, decode_content=True)
        except urllib3.exceptions.ReadTimeoutError as exc:
            raise requests.exceptions.ReadTimeout(str(exc), response=response) from exc
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            raise requests.exceptions.ChunkedEncodingError(str(exc), response=response) from exc
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > max_bytes:
            raise _too_big(response, max_bytes, "it is longer")
        chunks.append(chunk)


def _too_big(response: requests.Response, max_bytes: int, why: str) -> SourceError:
    return SourceError(
        f"{response.url}: the response is over {max_bytes // 1_000_000} MB ({why}); an arXiv "
        "listing or API page is a few MB at most: check arxiv.feed_url / arxiv.api_url, or "
        f"{REPLAY_HINT}"
    )


def retry_after_seconds(value: str | None) -> float | None:
    """A ``Retry-After`` header (seconds or an HTTP date) as seconds from now."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())


def retrying(call: Callable[[], T], *, url: str, settings: ArxivSettings) -> T:
    """``call()``, retried on ``TransientError`` up to ``settings.retries`` times.

    Waits ``backoff_seconds`` after the first failure and doubles it each time; a
    ``Retry-After`` longer than that is honoured, capped at the longest backoff of the
    schedule so a huge value cannot stall a scheduled run. The politeness delay still holds
    on top (the session enforces it).
    """
    attempts = settings.retries + 1
    longest = settings.backoff_seconds * 2 ** max(settings.retries - 1, 0)
    last: TransientError | None = None
    for attempt in range(attempts):
        try:
            return call()
        except TransientError as exc:
            last = exc
            if attempt + 1 == attempts:
                break
            wait = settings.backoff_seconds * 2**attempt
            if exc.retry_after is not None:
                wait = max(wait, min(exc.retry_after, longest))
            log.warning(
                "%s: %s; retry %d of %d in %.1f s",
                url, exc.reason, attempt + 1, settings.retries, wait,
            )
            time.sleep(wait)
    assert last is not None
    raise SourceError(
        f"{url}: {last.reason} (gave up after {attempts} attempt"
        f"{'s' if attempts > 1 else ''}); {_advice(last.reason)}"
    )


REPLAY_HINT = "replay a saved listing (arxivbot fetch --from PATH, arxivbot run --listings PATH)"


def _advice(reason: str) -> str:
    if "429" in reason:
        return (
            "arXiv is rate limiting this machine: run one arxivbot at a time and try again "
            f"later, or {REPLAY_HINT}"
        )
    if "timed out" in reason or "did not complete" in reason:
        return (
            "arXiv is too slow right now: try again later, raise arxiv.timeout_seconds, "
            f"or {REPLAY_HINT}"
        )
    if "cannot connect" in reason:
        return (
            "check the network and the arxiv.feed_url / arxiv.api_url settings, "
            f"or {REPLAY_HINT}"
        )
    return f"arXiv is unavailable: try again later, or {REPLAY_HINT}"


def network_error(exc: requests.RequestException, url: str) -> TransientError | SourceError:
    """The error to raise for a failed request: retried, or final at once.

    A host name that does not resolve means no network or a wrong URL; waiting minutes of
    backoff would not change that, and the scheduled job runs again tomorrow anyway.
    """
    reason = describe_request_error(exc)
    root = exc.args[0] if exc.args else None
    if isinstance(getattr(root, "reason", None), urllib3.exceptions.NameResolutionError):
        return SourceError(f"{url}: {reason}; {_advice(reason)}")
    return TransientError(reason)


def describe_request_error(exc: requests.RequestException) -> str:
    """A short reason for a network failure (the retry loop and the user read it)."""
    if isinstance(exc, requests.exceptions.ConnectTimeout):
        return "timed out connecting"
    if isinstance(exc, requests.exceptions.Timeout):
        return str(exc) if "did not complete" in str(exc) else "timed out waiting for a response"
    if isinstance(exc, requests.exceptions.ConnectionError):
        root = exc.args[0] if exc.args else exc
        reason = getattr(root, "reason", root)
        return f"cannot connect ({reason})"
    return f"the connection failed ({exc.__class__.__name__}: {exc})"


def feed_url(settings: ArxivSettings) -> str:
    """The one feed URL for all configured categories (``cs.CV+cs.CL``)."""
    if not settings.categories:
        raise ConfigError("arxiv.categories is empty; name at least one, e.g. cs.CV")
    return settings.feed_url.replace("{categories}", "+".join(settings.categories))


def fetch_feed(settings: ArxivSettings) -> FeedDay:
    """Fetch and parse today's feed for all categories in one request."""
    url = feed_url(settings)
    with PoliteSession(settings.timeout_seconds, settings.delay_seconds) as session:
        content = retrying(lambda: _get(session, url), url=url, settings=settings)
    return parse_feed(content, url, announce_types=settings.announce_types)


def _get(session: PoliteSession, url: str) -> bytes:
    try:
        response = session.get(url)
    except requests.RequestException as exc:
        raise network_error(exc, url) from exc
    status = response.status_code
    if status == 429 or status >= 500:
        raise TransientError(f"HTTP {status}", session.last_retry_after)
    if status != 200:
        raise SourceError(
            f"{url}: HTTP {status}; check arxiv.categories and arxiv.feed_url "
            "(the feed URL is https://rss.arxiv.org/atom/{categories})"
        )
    return response.content


# --- parsing (pure) ---------------------------------------------------------------------------


def parse_feed(
    content: bytes, url: str, *, announce_types: Collection[str] = KEPT_BY_DEFAULT
) -> FeedDay:
    """The papers of an arXiv Atom listing feed.

    Keeps ``announce_types`` (new and cross by default), drops replacements, keeps each
    versionless id once (a paper in both cs.CV and cs.CL is listed twice in a combined
    feed) and skips a malformed entry with a warning naming it. A document that is not a
    complete feed raises ``SourceError``; a feed with no entries is a normal, empty day.
    """
    parsed = feedparser.parse(content)
    version = parsed.get("version", "")
    problem = parsed.get("bozo_exception")
    if isinstance(problem, xml.sax.SAXException) or not version:
        why = f"not well-formed XML: {problem}" if problem else "no feed in it"
        raise SourceError(
            f"{url}: HTTP 200 but the body is not an arXiv feed ({why}; {len(content)} bytes); "
            "arXiv may have sent an error page or a truncated response: try again later"
        )
    if version.startswith("rss"):
        raise ConfigError(
            f"{url} serves RSS; use the Atom feed (https://rss.arxiv.org/atom/{{categories}}): "
            "feedparser sanitises RSS descriptions as HTML and would cut abstracts short"
        )
    title = str(parsed.feed.get("title", ""))
    if "feed error" in title.lower():
        raise SourceError(f"{url}: arXiv answered {title!r}; check arxiv.categories")

    kept: dict[str, Paper] = {}
    dropped: set[str] = set()
    tally = Tally(url)
    dates: Counter[str] = Counter()
    for number, entry in enumerate(parsed.entries, start=1):
        try:
            paper = _paper(entry)
        except ValueError as exc:  # schema.BadRecord included
            name = str(entry.get("id") or entry.get("title") or f"entry {number}")
            tally.skip(f"entry {number} ({name[:60]})", exc)
            continue
        tally.good += 1
        if paper.date:
            dates[paper.date] += 1
        if paper.announce_type not in announce_types:
            dropped.add(paper.id)
        elif paper.id in kept:
            kept[paper.id] = _merge(kept[paper.id], paper)
        else:
            kept[paper.id] = paper
    date = dates.most_common(1)[0][0] if dates else _eastern_date(parsed.feed, "updated")
    tally.finish("feed")
    skipped = len(dropped - kept.keys()) + len(tally.bad)
    papers = tuple(p if p.date else _with_date(p, date) for p in kept.values())
    return FeedDay(date=date, papers=papers, skipped=skipped, source=url)


def _paper(entry: Any) -> Paper:
    """One feed entry as a Paper; ValueError says what is missing."""
    match = _SUMMARY.match(entry.get("summary") or "")
    if match is None:
        raise ValueError("its summary lacks 'arXiv:ID Announce Type: ... Abstract:'")
    raw_id = match["id"] or str(entry.get("id", "")).removeprefix(_OAI_PREFIX)
    paper_id = strip_version(raw_id)
    title = _one_line(entry.get("title") or "")
    if not paper_id or not title:
        raise ValueError("no id or no title")
    # The element, when present, is authoritative; its key follows the document's prefix.
    announce_type = str(entry.get("arxiv_announce_type") or match["type"]).strip().lower()
    categories = tuple(t["term"] for t in entry.get("tags", ()) if t.get("term"))
    return checked(Paper(
        id=paper_id,
        title=title,
        abstract=_one_line(match["abstract"]),
        authors=_authors(entry),
        categories=categories,
        # The feed does not say which category is primary; its category order is the API's,
        # primary first (checked against the genuine RSS sample and the archive).
        primary_category=categories[0] if categories else None,
        date=_eastern_date(entry, "published") or "",
        announce_type=announce_type,
    ))


def _merge(first: Paper, again: Paper) -> Paper:
    """The same paper seen twice: "new" in one category wins over "cross" in another."""
    categories = first.categories + tuple(c for c in again.categories if c not in first.categories)
    kind = "new" if "new" in (first.announce_type, again.announce_type) else first.announce_type
    return replace(first, categories=categories, announce_type=kind)


def _with_date(paper: Paper, date: str | None) -> Paper:
    return replace(paper, date=date or "")


def _authors(entry: Any) -> tuple[str, ...]:
    """Authors from ``dc:creator`` (one comma-joined string) or several Atom authors."""
    names = [a.get("name", "") for a in entry.get("authors", ()) if a.get("name")]
    if len(names) == 1 or not names:
        names = (entry.get("author") or (names[0] if names else "")).split(",")
    merged: list[str] = []
    for name in (_one_line(n) for n in names):
        if not name:
            continue
        if name.lower() in _NAME_SUFFIXES and merged:  # "Smith, Jr." is one author
            merged[-1] = f"{merged[-1]}, {name}"
        else:
            merged.append(name)
    return tuple(merged)


def _eastern_date(node: Any, key: str) -> str | None:
    """``node[key]`` (a UTC instant from feedparser) as a US Eastern calendar date."""
    parsed = node.get(f"{key}_parsed")
    if not parsed:
        return None
    instant = datetime.fromtimestamp(calendar.timegm(parsed), tz=UTC)
    return instant.astimezone(ARXIV_TZ).date().isoformat()


def _one_line(text: object) -> str:
    return collapse_whitespace(str(text))
