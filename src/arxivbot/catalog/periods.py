"""Sections named by a period: a year (``2025``) or a month (``May 2025``, ``2025.05``).

One home for the rule that places a paper in the section of its own period, and for
writing a new period's heading like its siblings' (``proposal.placement`` chooses it,
``catalog.insertion`` writes it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["Period", "of_date", "period_of", "renamed"]

_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august",
           "september", "october", "november", "december")
_YEAR = r"(?P<y>(?:19|20)\d{2})"
_NAME = r"(?P<name>[A-Za-z]{3,9})\.?"
_NUMBER = r"(?P<m>0?[1-9]|1[0-2])"
_FORMS = (
    re.compile(rf"{_YEAR}"),  # 2025
    re.compile(rf"{_NAME},?\s+{_YEAR}"),  # May 2025, Sep. 2025, May, 2025
    re.compile(rf"{_YEAR}\s*[.\-/]\s*{_NUMBER}"),  # 2025.05, 2025-05, 2025/5
    re.compile(rf"{_YEAR}\s+{_NAME}"),  # 2025 May
)


@dataclass(frozen=True, slots=True, order=True)
class Period:
    year: int
    month: int | None = None  # None: the whole year


def period_of(title: str) -> Period | None:
    """The period a section title names, when it names nothing else."""
    text = title.strip()
    for form in _FORMS:
        match = form.fullmatch(text)
        if match is None:
            continue
        groups = match.groupdict()
        if groups.get("name"):
            month = _month_number(groups["name"])
            if month is None:
                return None
            return Period(int(groups["y"]), month)
        if groups.get("m"):
            return Period(int(groups["y"]), int(groups["m"]))
        return Period(int(groups["y"]))
    return None


def of_date(date: str, monthly: bool) -> Period | None:
    """The period of a YYYY-MM-DD date: its month, or its year."""
    if not re.match(r"(?:19|20)\d{2}-\d{2}", date):
        return None
    return Period(int(date[:4]), int(date[5:7]) if monthly else None)


def renamed(text: str, title: str, new: Period) -> str | None:
    """``text`` (a heading line holding the section title ``title``) for the period ``new``,
    in ``title``'s own form: ``### April 2025`` -> ``### May 2025``, ``## 2025.04`` ->
    ``## 2025.05``, ``<b>2024</b>`` -> ``<b>2025</b>``. None when ``title`` is no period."""
    old = period_of(title)
    if old is None or (old.month is None) != (new.month is None):
        return None
    written = title.strip()
    if new.month is None or old.month is None:
        return re.sub(rf"(?<!\d){old.year}(?!\d)", str(new.year), text)
    fresh = _written_month(written, old.year, old.month, new.year, new.month)
    return text.replace(written, fresh)


def _written_month(written: str, old_year: int, old_month: int, year: int, month: int) -> str:
    """``written`` (``April 2025``, ``2025.04``) for ``month`` of ``year``, in its form."""
    fresh = re.sub(rf"(?<!\d){old_year}(?!\d)", str(year), written)
    name = re.search(r"[A-Za-z]{3,9}", fresh)
    if name is not None and _month_number(name.group()) == old_month:
        word, shown = _MONTHS[month - 1], name.group()
        if shown.lower() not in _MONTHS:  # abbreviated (Jan, Sept): the usual three letters
            word = word[:3]
        word = word.upper() if shown.isupper() else word.capitalize() if shown[0].isupper() \
            else word
        return fresh[: name.start()] + word + fresh[name.end():]
    padded = re.search(rf"(?<=[.\-/ ]){old_month:02d}(?!\d)", fresh)
    if padded is not None:
        return fresh[: padded.start()] + f"{month:02d}" + fresh[padded.end():]
    return re.sub(rf"(?<=[.\-/ ]){old_month}(?!\d)", str(month), fresh, count=1)


def _month_number(name: str) -> int | None:
    word = name.lower().rstrip(".")
    for number, month in enumerate(_MONTHS, 1):
        if month == word or (len(word) >= 3 and month.startswith(word) and len(word) <= 4):
            return number
    return None
