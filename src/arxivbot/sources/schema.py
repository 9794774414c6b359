"""The one schema every paper record passes through at the edge, wherever it came from.

The feed, the arXiv API, a replay file and the API cache all hand their records to
``checked`` (built ``Paper``s) or ``paper_from_record`` (JSON objects). A record whose id is
not an arXiv id, whose fields have the wrong type or whose date is not a date raises
``BadRecord`` (a ``ValueError``) naming the record; the source skips it with a warning. Text
fields are collapsed to one line and bounded: a title or an abstract that is too long is cut
and ends with ``TRUNCATED`` so a reader sees it was cut. ``Tally`` counts the good and the bad
of one source and turns "more than half of it is bad" into one clear ``SourceError``.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field, replace
from datetime import date as _date
from typing import Any

from arxivbot.arxiv_ids import normalise_id
from arxivbot.errors import SourceError
from arxivbot.records import Paper
from arxivbot.safe_text import collapse_whitespace, drop_controls

log = logging.getLogger(__name__)

MAX_TITLE = 400  # characters; arXiv's longest real titles are ~300
MAX_ABSTRACT = 5000  # characters; arXiv caps abstracts at 1,920
MAX_AUTHORS = 1000  # names kept (large collaborations list a few thousand)
MAX_NAME = 200  # characters per author name
MAX_COMMENT = 1000  # characters of the arXiv comment
MAX_CATEGORIES = 30
MAX_CATEGORY = 200  # characters of one category (MSC/ACM class lists are long)
TRUNCATED = " […]"  # the mark a cut field ends with

_ANNOUNCE = re.compile(r"^[a-z][a-z-]{0,19}$")  # new, cross, replace, replace-cross
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


class BadRecord(ValueError):
    """A record that does not fit the schema; the message says which field and why."""


def bare_id(raw: object) -> str:
    """The bare arXiv id (``2503.12937``, ``hep-th/9901001``) of ``raw``, or BadRecord."""
    if not isinstance(raw, str):
        raise BadRecord(f"id must be a string, got {_kind(raw)}")
    paper_id = normalise_id(raw.strip()) if len(raw) <= 64 else None
    if paper_id is None:
        raise BadRecord(f"id {_show(raw)} is not an arXiv id")
    return paper_id


def paper_from_record(record: object, default_date: str = "") -> Paper:
    """A checked ``Paper`` from one JSON record (replay file, cache); BadRecord if bad."""
    if not isinstance(record, dict):
        raise BadRecord(f"expected a JSON object, got {_kind(record)}")
    if "id" not in record:
        raise BadRecord("no id")
    paper_id = bare_id(record["id"])
    try:
        authors = record.get("authors") or ()
        if isinstance(authors, str):
            authors = tuple(a for a in (a.strip() for a in authors.split(",")) if a)
        paper = Paper(
            id=paper_id,
            title=_text(record.get("title"), "title"),
            abstract=_text(record.get("abstract"), "abstract", optional=True),
            authors=_strings(authors, "authors"),
            categories=_strings(record.get("categories") or (), "categories"),
            primary_category=_optional(record.get("primary_category"), "primary_category"),
            date=_text(record.get("date"), "date", optional=True) or default_date,
            announce_type=_text(record.get("announce_type"), "announce_type", optional=True)
            or "new",
            comment=_optional(record.get("comment"), "comment"),
        )
    except BadRecord as exc:
        raise BadRecord(f"{paper_id}: {exc}") from None
    return checked(paper)


def checked(paper: Paper) -> Paper:
    """``paper`` fitted to the schema (id, types, one-line bounded text); BadRecord if it
    cannot be."""
    paper_id = bare_id(paper.id)
    try:
        title = _bounded(_line(_require_str(paper.title, "title")), MAX_TITLE)
        if not title:
            raise BadRecord("empty title")
        abstract = _bounded(_line(_require_str(paper.abstract, "abstract")), MAX_ABSTRACT)
        authors = tuple(
            _bounded(_line(_require_str(a, "authors")), MAX_NAME) for a in paper.authors
        )
        authors = tuple(a for a in authors if a)
        if len(authors) > MAX_AUTHORS:
            authors = authors[:MAX_AUTHORS]
        categories = tuple(_category(c) for c in paper.categories[:MAX_CATEGORIES])
        primary = _category(paper.primary_category) if paper.primary_category else None
        day = _require_str(paper.date, "date").strip()
        if day:
            _check_date(day)
        kind = _require_str(paper.announce_type, "announce_type").strip().lower()
        if not _ANNOUNCE.match(kind):
            raise BadRecord(f"announce_type {_show(kind)} is not an announcement type")
        comment = None
        if paper.comment is not None:
            comment = _bounded(_line(_require_str(paper.comment, "comment")), MAX_COMMENT) or None
    except BadRecord as exc:
        raise BadRecord(f"{paper_id}: {exc}") from None
    return replace(
        paper, id=paper_id, title=title, abstract=abstract, authors=authors,
        categories=categories, primary_category=primary, date=day, announce_type=kind,
        comment=comment,
    )


@dataclass
class Tally:
    """Good and bad records of one source; ``finish`` fails when more than half are bad."""

    source: str
    good: int = 0
    bad: list[str] = field(default_factory=list)

    def skip(self, where: str, exc: Exception) -> None:
        """Count a bad record and warn, naming it."""
        self.bad.append(where)
        log.warning("%s: skipped a malformed record %s (%s)", self.source, where, exc)

    def finish(self, what: str = "listings") -> None:
        bad = len(self.bad)
        if bad and bad > self.good:
            shown = ", ".join(self.bad[:5]) + (", …" if bad > 5 else "")
            how = (
                f"none of its {bad} lines is a paper record" if not self.good
                else f"{bad} of {bad + self.good} records are malformed"
            )
            raise SourceError(
                f"{self.source}: {how} ({shown}); "
                f"this is not usable {what}: check the file or source (expected one "
                '{"id", "title", "abstract", ...} object per line, ids like 2505.01234)'
            )
        if bad:
            log.warning(
                "%s: skipped %d malformed record%s of %d", self.source, bad,
                "" if bad == 1 else "s", bad + self.good,
            )


# --- helpers ------------------------------------------------------------------------------


def _kind(value: object) -> str:
    return {dict: "an object", list: "a list", bool: "a boolean", type(None): "null"}.get(
        type(value), type(value).__name__
    )


def _show(value: object) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _require_str(value: object, name: str) -> str:
    if not isinstance(value, str):
        raise BadRecord(f"{name} must be a string, got {_kind(value)}")
    return value


def _text(value: object, name: str, *, optional: bool = False) -> str:
    if value is None and optional:
        return ""
    if value is None:
        raise BadRecord(f"no {name}")
    return _require_str(value, name)


def _optional(value: object, name: str) -> str | None:
    if value is None or value == "":
        return None
    return _require_str(value, name)


def _strings(value: Any, name: str) -> tuple[str, ...]:
    if not isinstance(value, list | tuple):
        raise BadRecord(f"{name} must be a list of strings, got {_kind(value)}")
    return tuple(_require_str(item, name) for item in value)


def _line(text: str) -> str:
    return collapse_whitespace(drop_controls(text))


def _bounded(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    return text[: limit - len(TRUNCATED)].rstrip() + TRUNCATED


def _category(value: object) -> str:
    """A category as given (real records also carry MSC/ACM classes: kept), one bounded line."""
    return _bounded(_line(_require_str(value, "category")), MAX_CATEGORY)


def _check_date(day: str) -> None:
    if _ISO_DATE.match(day):
        try:
            _date.fromisoformat(day)
            return
        except ValueError:
            pass
    raise BadRecord(f"date {_show(day)} is not a date (YYYY-MM-DD)")
