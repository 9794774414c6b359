"""The one arXiv-id grammar: every form a list, a feed or a comment writes an id in.

Ids come new-style (``2503.12937``: YYMM, a dot, a four-digit number until 1412 and a
five-digit one since 1501) or old-style (``cs/0601001``, ``math.AG/0309136``: archive, optional
subject class, YYMMNNN), either with a version (``v2``). They are written bare, as labels
(``arXiv:2501.12948``, ``arXiv 2501.12948``) or as links: ``abs``/``pdf``/``html`` pages on
``arxiv.org`` and its ``www.``/``export.``/``browse.`` hosts, ``doi.org/10.48550/arXiv.ID``,
``huggingface.co/papers/ID`` and ``alphaxiv.org/abs/ID``. Every function returns the bare id
(no version) as written, and None for what is not an id.
"""

from __future__ import annotations

import re

__all__ = [
    "ID_PATTERN",
    "arxiv_id_from_url",
    "id_month",
    "id_serial",
    "ids_in_text",
    "is_arxiv_id",
    "normalise_id",
    "parse_id",
    "strip_version",
]

_NEW = r"\d{4}\.\d{4,5}"
_OLD = r"[a-z][a-z\-]*(?:\.[A-Z]{2})?/\d{7}"
# An id with an optional version, unanchored: for finding or replacing the id inside a URL.
ID_PATTERN = re.compile(rf"(?P<id>{_NEW}|{_OLD})(?:v\d+)?")

_VERSION = re.compile(r"v\d+$")
_HOST_PATH = (
    r"(?:(?:www|export|browse)\.)?"
    r"(?:arxiv\.org/(?:abs|pdf|html)/|huggingface\.co/papers/|alphaxiv\.org/abs/"
    r"|(?:dx\.)?doi\.org/10\.48550/arxiv\.)"
)
_URL = re.compile(
    rf"^(?:https?://)?{_HOST_PATH}(?P<id>{_NEW}|{_OLD})(?:v\d+)?(?:\.pdf)?/?(?:[?#].*)?$",
    re.IGNORECASE,
)
_BARE = re.compile(rf"^(?:arxiv\s*:?\s*)?(?P<id>{_NEW}|{_OLD})(?:v\d+)?$", re.IGNORECASE)
# An id written in text, not linked: "arXiv:2504.12345", "arXiv 2504.12345v2" (new-style
# ids only, and only after "arXiv", so that version numbers and dates are never read as ids)
_IN_TEXT = re.compile(rf"(?<![\w/.])arxiv\s*:?\s*(?P<id>{_NEW})(?:v\d+)?(?![\w.]*\d)",
                      re.IGNORECASE)
_NEW_PARTS = re.compile(r"^(?P<yy>\d{2})(?P<mm>\d{2})\.(?P<num>\d{4,5})$")
_OLD_PARTS = re.compile(r"^[a-z][a-z\-]*(?:\.[A-Z]{2})?/(?P<yy>\d{2})(?P<mm>\d{2})(?P<num>\d{3})$")


def strip_version(raw: str) -> str:
    """``2503.12937v2`` -> ``2503.12937``; anything else unchanged."""
    return _VERSION.sub("", raw)


def arxiv_id_from_url(url: str) -> str | None:
    """The bare arXiv id a link points at, or None when it is not a link to an arXiv paper."""
    match = _URL.match(url.strip())
    return match.group("id") if match else None


def parse_id(text: str) -> str | None:
    """The bare id in ``text`` written bare, versioned, as a label (``arXiv:ID``) or a link."""
    text = text.strip()
    match = _BARE.match(text)
    return match.group("id") if match else arxiv_id_from_url(text)


def ids_in_text(text: str) -> list[str]:
    """The bare ids ``text`` writes as ``arXiv:ID`` (or ``arXiv ID``), in order."""
    return [m.group("id") for m in _IN_TEXT.finditer(text)]


def _parts(arxiv_id: str) -> re.Match[str] | None:
    match = _NEW_PARTS.match(arxiv_id) or _OLD_PARTS.match(arxiv_id)
    return match if match and 1 <= int(match["mm"]) <= 12 else None


def id_month(arxiv_id: str) -> tuple[int, int] | None:
    """(year, month) an id names: ``2503.12937`` -> (2025, 3), ``hep-th/9901001`` -> (1999, 1).

    New-style ids began in April 2007; old-style ids ran from 1991 to March 2007.
    """
    match = _parts(arxiv_id)
    if match is None:
        return None
    yy = int(match["yy"])
    century = 1900 if match.re is _OLD_PARTS and yy >= 91 else 2000
    return century + yy, int(match["mm"])


def id_serial(arxiv_id: str) -> int:
    """The id's number within its month (grows as the month goes on); 0 if not an id."""
    match = _parts(arxiv_id)
    return int(match["num"]) if match else 0


def is_arxiv_id(text: str) -> bool:
    """Whether ``text`` is exactly a bare id, either style, without a version."""
    return bool(re.fullmatch(rf"{_NEW}|{_OLD}", text))


def normalise_id(raw: str) -> str | None:
    """The bare id of ``raw`` in any written form, or None unless it is a real id.

    Stricter than ``parse_id``: the month must exist, a new-style number has four digits until
    1412 and five since 1501 (arXiv identifier scheme), old-style archives are lower case.
    """
    paper_id = parse_id(raw)
    if paper_id is None:
        return None
    if "/" in paper_id:
        return paper_id if _OLD_PARTS.match(paper_id) and id_month(paper_id) else None
    match = _NEW_PARTS.match(paper_id)
    if match is None or id_month(paper_id) is None:
        return None
    digits = 4 if int(match["yy"] + match["mm"]) < 1501 else 5
    return paper_id if len(match["num"]) == digits else None
