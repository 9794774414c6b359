"""Metadata look-ups in the arXiv API (title, abstract, categories, dates), cached on disk.

The model trains on the list's own papers, so it needs their abstracts. ``lookup`` asks the
API with the ``arxiv`` package, in batches of at most 100 ids, one request every
``delay_seconds``, a real timeout on every request and our own bounded backoff on 429, 5xx and
timeouts (the package retries without backoff and ignores ``Retry-After``). Every answer,
including "no such paper", goes to a JSONL cache so nothing is fetched twice; ``cached``
reads only the cache and never touches the network.
"""

from __future__ import annotations

import json
import logging
import xml.etree.ElementTree as ET
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from functools import partial
from pathlib import Path

import arxiv
import requests

from arxivbot import progress
from arxivbot.arxiv_ids import normalise_id, strip_version
from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.records import Paper
from arxivbot.safe_text import collapse_whitespace
from arxivbot.sources.feed import PoliteSession, TransientError, network_error, retrying
from arxivbot.sources.replay import paper_to_record
from arxivbot.sources.schema import BadRecord, bare_id, checked, paper_from_record

log = logging.getLogger(__name__)

BATCH_SIZE = 100  # ids per request; the API's URL-length limit is undocumented, 100 is safe
CACHE_FILE = "arxiv-api.jsonl"

_ATOM = "{http://www.w3.org/2005/Atom}"
_OPENSEARCH = "{http://a9.com/-/spec/opensearch/1.1/}"
def cache_path(settings: ArxivSettings) -> Path:
    return Path(settings.cache_dir) / CACHE_FILE


def cached(ids: Iterable[str], settings: ArxivSettings) -> dict[str, Paper]:
    """The papers among ``ids`` already in the cache; never touches the network."""
    known = _read_cache(cache_path(settings))
    found: dict[str, Paper] = {}
    for raw in ids:
        paper_id = normalise_id(raw)
        if paper_id and (paper := known.get(paper_id)) is not None:
            found[paper_id] = paper
    return found


def lookup(ids: Iterable[str], settings: ArxivSettings) -> dict[str, Paper]:
    """Metadata for ``ids`` (bare id -> Paper): from the cache, else from the arXiv API.

    Ids the API does not know are remembered as missing and left out of the result. Raises
    ``SourceError`` when the API cannot be read (after the retries).
    """
    wanted = list(dict.fromkeys(_valid_ids(ids)))
    path = cache_path(settings)
    known = _read_cache(path)
    todo = [paper_id for paper_id in wanted if paper_id not in known]
    if todo:
        log.info("arXiv API: %d of %d ids not cached; fetching", len(todo), len(wanted))
        with ApiClient(settings) as client:
            batches = list(_chunks(todo, BATCH_SIZE))
            for batch in progress.track(batches, "arXiv API look-ups", "batches"):
                url = _describe(settings.api_url, batch)
                found = retrying(partial(client.fetch, batch), url=url, settings=settings)
                missing = [paper_id for paper_id in batch if paper_id not in found]
                if missing:
                    log.warning("arXiv API has no paper for: %s", ", ".join(missing))
                _append_cache(path, found, missing)
                known.update(found)
                known.update(dict.fromkeys(missing))
    return {pid: paper for pid in wanted if (paper := known.get(pid)) is not None}


def _valid_ids(ids: Iterable[str]) -> Iterator[str]:
    for raw in ids:
        paper_id = normalise_id(raw)
        if paper_id is None:
            # One bad id makes the API reject the whole batch, so it never goes out.
            log.warning("skipped %r: not an arXiv id", raw)
        else:
            yield paper_id


def _chunks(items: list[str], size: int) -> Iterator[list[str]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _describe(api_url: str, batch: list[str]) -> str:
    """A readable stand-in for the request URL in messages (the real one lists every id)."""
    more = f",... ({len(batch)} ids)" if len(batch) > 1 else ""
    return f"{api_url}?id_list={batch[0]}{more}"


class ApiClient(arxiv.Client):
    """The package's client, pointed at ``settings.api_url`` with a polite, bounded session.

    ``num_retries=0``: retries are ours (``retrying``), with backoff. The package keeps its
    session in ``_session`` and calls ``_session.get(url)`` without a timeout; handing it a
    ``PoliteSession`` is how every request gets one (no module globals are touched).
    """

    def __init__(self, settings: ArxivSettings) -> None:
        super().__init__(
            page_size=BATCH_SIZE, delay_seconds=settings.delay_seconds, num_retries=0
        )
        self.query_url_format = f"{settings.api_url}?{{}}"
        self.session = PoliteSession(
            settings.timeout_seconds, settings.delay_seconds, check=_check_api_body
        )
        self._session = self.session

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.session.close()

    def fetch(self, batch: list[str]) -> dict[str, Paper]:
        """One batch (one request, normally); failures worth retrying raise TransientError."""
        search = arxiv.Search(id_list=batch, max_results=len(batch))
        papers = self._checked(self._collect(search))
        return {paper.id: paper for paper in papers if paper.id in batch}

    def query_page(
        self, query: str, start: int, size: int, sort_by: arxiv.SortCriterion
    ) -> list[Paper]:
        """One page of a search (results ``start`` .. ``start + size``), in one request.

        Each call is the package's "first page" of an offset search, so an empty page is the
        normal end of the results, not an error. Failures are those of ``fetch``.
        """
        self.page_size = size
        search = arxiv.Search(
            query=query,
            max_results=start + size,
            sort_by=sort_by,
            sort_order=arxiv.SortOrder.Ascending,
        )
        return self._checked(self._collect(search, offset=start))

    def _checked(self, results: list[arxiv.Result]) -> list[Paper]:
        """The results through the one record schema; a malformed entry is skipped, named."""
        papers: list[Paper] = []
        for result in results:
            try:
                papers.append(checked(_paper(result)))
            except (BadRecord, AttributeError, TypeError) as exc:
                name = getattr(result, "entry_id", "an entry")
                log.warning("%s: skipped a malformed API entry %s (%s)",
                            self.query_url_format.split("?")[0], name, exc)
        return papers

    def _collect(self, search: arxiv.Search, offset: int = 0) -> list[arxiv.Result]:
        try:
            return list(self.results(search, offset=offset))
        except arxiv.HTTPError as exc:
            if exc.status == 429 or exc.status >= 500:
                raise TransientError(f"HTTP {exc.status}", self.session.last_retry_after) from exc
            raise SourceError(
                f"{exc.url}: HTTP {exc.status}; check arxiv.api_url "
                "(https://export.arxiv.org/api/query)"
            ) from exc
        except arxiv.UnexpectedEmptyPageError as exc:
            raise TransientError("an unexpectedly empty page of results") from exc
        except requests.RequestException as exc:
            raise network_error(exc, self.query_url_format.split("?")[0]) from exc


def _check_api_body(response: requests.Response) -> None:
    """Refuse a 200 whose body is not a whole API feed (the package would read it as empty)."""
    if response.status_code != 200:
        return
    try:
        root = ET.fromstring(response.content)
    except ET.ParseError as exc:
        raise SourceError(
            f"{response.url}: HTTP 200 but the body is not XML ({exc}; "
            f"{len(response.content)} bytes); arXiv may have sent an error page or a truncated "
            "response: try again later"
        ) from exc
    if root.tag != f"{_ATOM}feed" or root.find(f"{_OPENSEARCH}totalResults") is None:
        raise SourceError(
            f"{response.url}: HTTP 200 but the body is not an arXiv API feed "
            f"(root element {root.tag!r}); check arxiv.api_url"
        )
    for entry in root.iter(f"{_ATOM}entry"):
        if (entry.findtext(f"{_ATOM}title") or "").strip() == "Error":
            message = (entry.findtext(f"{_ATOM}summary") or "").strip()
            raise SourceError(f"{response.url}: the arXiv API refused the query: {message}")


def _paper(result: arxiv.Result) -> Paper:
    comment = collapse_whitespace(result.comment or "") or None
    return Paper(
        id=strip_version(result.get_short_id()),
        title=collapse_whitespace(result.title),
        abstract=collapse_whitespace(result.summary),
        authors=tuple(author.name for author in result.authors),
        categories=tuple(result.categories),
        primary_category=result.primary_category or None,
        date=result.published.astimezone(UTC).date().isoformat(),  # v1 submission date
        comment=comment,
    )


# --- the cache: one JSON object per line, the listings format; later lines win ---------------


def _read_cache(path: Path) -> dict[str, Paper | None]:
    """id -> Paper, or None for an id the API does not know."""
    known: dict[str, Paper | None] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return known
    except (OSError, UnicodeDecodeError) as exc:
        raise SourceError(f"{path}: cannot read the arXiv cache ({exc}); delete it") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
            if isinstance(record, dict) and record.get("missing"):
                known[bare_id(record["id"])] = None
            else:
                paper = paper_from_record(record)
                known[paper.id] = paper
        except (json.JSONDecodeError, AttributeError, KeyError, TypeError, ValueError) as exc:
            # An interrupted append leaves half a line; the id is simply fetched again.
            log.warning("%s:%d: skipped a malformed cache line (%s)", path, number, exc)
    return known


def _append_cache(path: Path, found: dict[str, Paper], missing: list[str]) -> None:
    fetched = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    lines = [
        json.dumps({**paper_to_record(paper), "fetched": fetched}, ensure_ascii=False)
        for paper in found.values()
    ]
    lines += [
        json.dumps({"id": paper_id, "missing": True, "fetched": fetched}) for paper_id in missing
    ]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            out.write("".join(line + "\n" for line in lines))
    except OSError as exc:
        raise SourceError(
            f"{path}: cannot write the arXiv cache ({exc}); check arxiv.cache_dir"
        ) from exc
