"""Insert new entries into a list's bytes, changing nothing else.

Every insertion is a run of whole lines spliced in at a line boundary of the original file:
the entry line plus the blank separator lines the section uses between entries, with the
file's own line ending. Existing bytes (mis-encoded emoji, CRLF, a missing final newline)
are never decoded and re-encoded, so removing the inserted lines gives the original back.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, replace
from functools import cmp_to_key

from arxivbot.arxiv_ids import arxiv_id_from_url, is_arxiv_id
from arxivbot.catalog.entry import compare_keys, insertion_index
from arxivbot.catalog.entry import sort_key as entry_sort_key
from arxivbot.catalog.grammar import HTML_ROW, date_key, html_row, split_row
from arxivbot.catalog.parse import Catalog
from arxivbot.catalog.periods import period_of, renamed
from arxivbot.catalog.references import (
    definition_line,
    definitions,
    last_definition,
    next_label,
    relabelled,
    uses,
)
from arxivbot.catalog.style import ListStyle, list_style
from arxivbot.errors import CatalogFormatError
from arxivbot.records import CatalogEntry

__all__ = [
    "Addition",
    "Splice",
    "apply_splices",
    "compare_keys",
    "insert_entries",
    "plan_insertions",
    "settle_references",
]

@dataclass(frozen=True, slots=True)
class Addition:
    """A rendered entry (its lines joined by "\\n", no final newline) for the section at
    heading path ``section``."""

    section: str
    text: str
    sort_key: str  # the arXiv id ("2505.01234") or an ISO date ("2025-05-20")


@dataclass(frozen=True, slots=True)
class Splice:
    """Bytes inserted at ``offset`` of the original file (always at a line boundary)."""

    offset: int
    data: bytes


def _key(sort_key: str) -> tuple[int, int, int, int]:
    if is_arxiv_id(sort_key):
        return entry_sort_key(sort_key, None)
    if date_key(sort_key):
        return entry_sort_key(None, sort_key)
    raise ValueError(f"sort_key {sort_key!r} is neither an arXiv id nor an ISO date")


def _compare_members(
    x: tuple[tuple[int, int, int, int], Addition], y: tuple[tuple[int, int, int, int], Addition]
) -> int:
    return compare_keys(x[0], y[0])


def _line_offsets(raw: bytes) -> list[int]:
    """Byte offset where each line starts, plus the end of the file (1-based line n -> [n-1])."""
    offsets = [0]
    offsets.extend(m.end() for m in re.finditer(rb"\n", raw))
    if offsets[-1] != len(raw):
        offsets.append(len(raw))
    return offsets


def _anchor(
    entries: Sequence[CatalogEntry], order: str, key: tuple[int, int, int, int]
) -> tuple[str, CatalogEntry]:
    """Where a new entry goes: ("before", entry) or ("after", last entry)."""
    index = insertion_index([entry_sort_key(e.arxiv_id, e.date) for e in entries], order, key)
    return ("before", entries[index]) if index < len(entries) else ("after", entries[-1])


def plan_insertions(
    catalog: Catalog, additions: Sequence[Addition], style: ListStyle | None = None
) -> tuple[Splice, ...]:
    """The splices that add ``additions`` to the list, in file order.

    ``style`` is the list's inferred style when the caller has it already.
    """
    list_wide = style or list_style(catalog)
    raw = catalog.raw
    offsets = _line_offsets(raw)
    eol = list_wide.eol.encode()
    additions, definition_splice = _referenced(catalog, additions, offsets, eol)
    known = {s.path for s in catalog.sections} | {e.section for e in catalog.entries}
    groups: dict[tuple[int, str], list[tuple[tuple[int, int, int, int], Addition]]] = defaultdict(
        list
    )
    orders: dict[tuple[int, str], str] = {}
    # the section's entries and where the group goes among them (for the list's numbering)
    places: dict[tuple[int, str], tuple[Sequence[CatalogEntry], str, CatalogEntry | None]] = {}
    separators: dict[tuple[int, str], bytes] = {}
    headings: dict[tuple[int, str], bytes] = {}  # a new period section's heading and gap
    closers: dict[tuple[int, str], bytes] = {}  # its closing </details> and the gap before
    for addition in additions:
        if "\r" in addition.text or not addition.text.strip() or "\n\n\n" in addition.text:
            raise ValueError(f"an entry must be lines of text: {addition.text[:60]!r}")
        new_period = None
        if addition.section not in known:
            new_period = _new_period_section(catalog, addition.section)
        if addition.section not in known and new_period is None:
            sections = ", ".join(repr(s.path) for s in catalog.sections if s.path) or "none"
            raise CatalogFormatError(
                f"{catalog.source}: no section {addition.section!r} to add to "
                f"(expected one of the list's headings: {sections})"
            )
        section_style = list_wide.for_section(addition.section)
        key = _key(addition.sort_key)
        entries = catalog.entries_in(addition.section)
        separator = b"".join(
            line.encode("utf-8", "surrogateescape") + eol for line in section_style.separator
        )
        if new_period is not None:
            line, heading_text, gap, closer = new_period
            group = (offsets[line - 1] if line - 1 < len(offsets) else len(raw), "new")
            heading_bytes = heading_text.replace("\n", list_wide.eol).encode(
                "utf-8", "surrogateescape"
            )
            headings[group] = heading_bytes + eol + eol * gap
            if closer is not None:  # a <details> block: closed after its entries
                closers[group] = eol * closer[1] + closer[0].encode("utf-8", "surrogateescape")
        elif entries:
            where, entry = _anchor(entries, section_style.order, key)
            assert entry is not None
            line = entry.line if where == "before" else entry.end_line + 1
            group = (offsets[line - 1] if line - 1 < len(offsets) else len(raw), where)
        else:  # an empty section: right under its heading
            if addition.text.lstrip().startswith("|"):
                raise CatalogFormatError(
                    f"{catalog.source}: section {addition.section!r} has no table to add a "
                    "row to (expected at least one existing row)"
                )
            heading = next(s for s in catalog.sections if s.path == addition.section)
            group = (offsets[heading.line] if heading.line < len(offsets) else len(raw), "after")
            separator = b"" if not section_style.separator else eol
        groups[group].append((key, addition))
        if entries and new_period is None:
            places[group] = (entries, where, entry)
        else:  # a new or empty section counts from where the list's sections start
            places[group] = (catalog.entries, "new", None)
        orders[group] = section_style.order
        separators[group] = separator

    splices = []
    for (offset, where), members in sorted(groups.items()):
        by_key = cmp_to_key(_compare_members)
        if orders[(offset, where)] == "newest-first":
            members.sort(key=by_key, reverse=True)
        elif orders[(offset, where)] == "oldest-first":
            members.sort(key=by_key)
        separator = separators[(offset, where)]
        texts = _numbered([m[1].text for m in members], *places[(offset, where)])
        texts = _as_html_rows(catalog, places[(offset, where)][2], texts)
        lines = [
            text.replace("\n", "\r\n" if eol == b"\r\n" else "\n").encode(
                "utf-8", "surrogateescape"
            )
            for text in texts
        ]
        if where == "new":  # heading, entries, then the blank line before the next heading
            data = headings[(offset, where)] + (eol + separator).join(lines) + eol
            if (offset, where) in closers:
                data += closers[(offset, where)] + eol
            if offset == len(raw):
                data = (eol if raw.endswith(b"\n") else eol + eol) + data
            else:
                data += eol
        elif where == "before":
            data = b"".join(line + eol + separator for line in lines)
        else:
            data = b"".join(separator + line + eol for line in lines)
            if offset == len(raw) and raw and not raw.endswith(b"\n"):
                data = eol + data[: -len(eol)]  # the file had no final newline: keep it so
        if offset == 0 and raw.startswith(b"\xef\xbb\xbf"):
            offset = 3  # never in front of a byte-order mark
        splices.append(Splice(offset, data))
    if definition_splice is not None:
        splices.append(definition_splice)
    return tuple(sorted(splices, key=lambda s: s.offset))


def settle_references(catalog: Catalog, additions: Sequence[Addition]) -> tuple[Addition, ...]:
    """``additions`` with reference labels no other paper holds: a label the list defines
    for another link, or an earlier addition took, becomes the next free one of its pattern
    (every new entry is rendered with the list's one fresh label, ``p9``)."""
    return _settled(catalog, additions)[0]


def _list_lines(catalog: Catalog) -> list[str]:
    return [ln.removesuffix("\r") for ln in catalog.text.removeprefix("\ufeff").split("\n")]


def _settled(
    catalog: Catalog, additions: Sequence[Addition]
) -> tuple[tuple[Addition, ...], list[str]]:
    """The settled additions and the definition lines they need, in order."""
    lines = _list_lines(catalog)
    defined = definitions(lines)
    taken = set(defined)
    out: list[Addition] = []
    needed: list[str] = []
    for addition in additions:
        text = addition.text
        for link_text, label in uses(text):
            key = label.lower()
            if key in defined and arxiv_id_from_url(defined[key]) == addition.sort_key:
                continue  # the list's own definition of this paper
            if not is_arxiv_id(addition.sort_key):
                raise ValueError(
                    f"a reference-style entry needs its arXiv id as sort key: {text[:60]!r}"
                )
            if key in taken:
                if label == link_text:  # "[Title][]" for a title another link holds
                    raise ValueError(f"reference label {label!r} is taken: {text[:60]!r}")
                fresh = next_label(label, taken)
                text = relabelled(text, label, fresh)
                label, key = fresh, fresh.lower()
            taken.add(key)
            needed.append(definition_line(lines, label, addition.sort_key))
        out.append(replace(addition, text=text) if text != addition.text else addition)
    return tuple(out), needed


def _referenced(
    catalog: Catalog, additions: Sequence[Addition], offsets: Sequence[int], eol: bytes
) -> tuple[tuple[Addition, ...], Splice | None]:
    """The settled additions, and the splice of their definition lines: right after the
    list's last definition (at the end of the file when it has none)."""
    settled, needed = _settled(catalog, additions)
    if not needed:
        return settled, None
    raw = catalog.raw
    data = eol.join(line.encode("utf-8", "surrogateescape") for line in needed)
    last = last_definition(_list_lines(catalog))
    offset = offsets[last + 1] if last is not None and last + 1 < len(offsets) else len(raw)
    if last is None:  # a blank line between the list and its first definitions
        data = eol + data
    if offset == len(raw) and raw and not raw.endswith(b"\n"):
        return settled, Splice(offset, eol + data)  # the file had no final newline: kept so
    return settled, Splice(offset, data + eol)


def _as_html_rows(catalog: Catalog, entry: CatalogEntry | None, texts: list[str]) -> list[str]:
    """New rows beside an HTML table row are written as HTML, laid out like that row."""
    if entry is None or not texts[0].lstrip().startswith("|"):
        return texts
    lines = catalog.raw.split(b"\n")[entry.line - 1 : entry.end_line]
    template = "\n".join(
        ln.decode("utf-8", "surrogateescape").removesuffix("\r") for ln in lines
    )
    if not HTML_ROW.fullmatch(template.strip()):
        return texts
    out = []
    for text in texts:
        row = html_row(template, split_row(text))
        if row is None:
            raise CatalogFormatError(
                f"{catalog.source}: cannot write a row for the HTML table at line {entry.line} "
                "(its cells do not line up with the table's columns); set list.template or "
                "open an issue with an excerpt of the list"
            )
        out.append(row)
    return out


_NUMBER = re.compile(r"^(?P<indent>[ \t]*)(?P<n>\d{1,9})(?P<mark>[.)][ \t])")
_CELL_NUMBER = re.compile(r"^\s*(\d{1,6})\s*$")


def _numbered(
    texts: list[str], entries: Sequence[CatalogEntry], where: str, anchor: CatalogEntry | None
) -> list[str]:
    """New entries numbered the way the list numbers its entries: a list that repeats ``1.``
    keeps it; one that counts gets the number where each goes (``where``: before ``anchor``,
    after it, or ``new``: the first of a new or empty section). Numbered bullets and a table
    column of row numbers (``| No. |``, left empty by the renderer); existing lines are never
    renumbered."""
    def bullet_number(e: CatalogEntry) -> int | None:
        m = _NUMBER.match(e.raw)
        return int(m["n"]) if m else None

    bullets = [n for e in entries if (n := bullet_number(e)) is not None]
    if bullets and len(bullets) == len(entries) and all(_NUMBER.match(t) for t in texts):
        at = bullet_number(anchor) if anchor is not None else None
        numbers = _count(bullets, where, at, len(texts))
        return [
            _NUMBER.sub(rf"\g<indent>{n}\g<mark>", text, count=1)
            for text, n in zip(texts, numbers, strict=True)
        ]
    rows = [split_row(e.raw) for e in entries if e.raw.lstrip().startswith("|")]
    if not rows or len(rows) != len(entries) or where == "new" or anchor is None:
        return texts
    out = list(texts)
    for col in range(min(len(r) for r in rows)):
        found = [_CELL_NUMBER.match(r[col]) for r in rows]
        if not all(found):
            continue
        values = [int(m.group(1)) for m in found if m]
        mine = _CELL_NUMBER.match(split_row(anchor.raw)[col])
        numbers = _count(values, where, int(mine.group(1)) if mine else None, len(texts))
        for k, (text, n) in enumerate(zip(out, numbers, strict=True)):
            cells = split_row(text)
            if col >= len(cells) or cells[col].strip() or not text.lstrip().startswith("|"):
                continue
            cells[col] = f" {n} "
            body = text.strip()
            right = "|" if body.endswith("|") and not body.endswith("\\|") else ""
            out[k] = text[: len(text) - len(text.lstrip())] + "|" + "|".join(cells) + right
    return out


def _count(values: Sequence[int], where: str, at: int | None, count: int) -> list[int]:
    """The numbers of ``count`` new entries (in the order they are written) among entries
    numbered ``values`` in file order, going ``where`` ("before"/"after") the one numbered
    ``at``, or opening a new section."""
    if len(set(values)) == 1:
        return [values[0]] * count  # 1. 1. 1.: the list lets Markdown count
    if values[0] > values[-1]:  # counting down (newest first, highest number on top)
        if where == "new" or at is None:
            return list(range(count, 0, -1))
        top = at + count if where == "before" else at - 1
        return [top - k for k in range(count)]
    if where == "new" or at is None:
        return list(range(1, count + 1))
    start = at if where == "before" else at + 1
    return [start + k for k in range(count)]


def _new_period_section(
    catalog: Catalog, path: str
) -> tuple[int, str, int, tuple[str, int] | None] | None:
    """Where a period section (``catalog.periods``: a year, a month) newer than every sibling
    goes, its heading line(s) (a sibling's, with the period changed), the blank lines between
    heading and entries, and for a ``<details><summary>`` block its closing line with the
    blank lines before it; None if ``path`` is no such section. Newest-first siblings: before
    the newest; oldest-first: after the last one (before the next heading of its level or
    above, else at the end)."""
    parent, _, title = path.rpartition(" / ")
    period = period_of(title)
    if period is None:
        return None
    monthly = period.month is not None
    siblings = [
        (p, s) for s in catalog.sections
        if (p := period_of(s.title)) is not None and (p.month is not None) == monthly
        and s.path.rpartition(" / ")[0] == parent
    ]
    if not siblings or any(p >= period for p, _s in siblings):
        return None
    lines = _list_lines(catalog)
    newest = max(siblings, key=lambda ps: ps[0])[1]
    written = lines[newest.line - 1]
    if newest.title.strip() not in written:
        return None

    def renamed_line(text: str) -> str:
        return renamed(text, newest.title, period) or text

    entries = catalog.entries_in(newest.path)
    gap = 1
    if entries:
        between = lines[newest.line : entries[0].line - 1]
        gap = sum(1 for ln in between if not ln.strip()) if len(between) <= 2 else 1
    years = [p for p, _s in siblings]
    newest_first = len(years) >= 2 and years[0] > years[-1]
    if re.search(r"<(summary|details)", written, re.I):
        block = _details_block(lines, newest.line, entries[-1].end_line if entries else None)
        if block is None or not (newest_first or len(years) < 2) or newest != siblings[0][1]:
            return None  # only the newest-first (or single) block is copied
        start, opener, closer = block
        return start, renamed_line("\n".join(opener)), gap, closer
    if newest.line < len(lines) and re.fullmatch(r"\s*(=+|-+)\s*", lines[newest.line]):
        return None  # a setext heading: two lines, not written here
    heading = renamed_line(written)
    if len(years) < 2 or newest_first:
        return siblings[0][1].line, heading, gap, None  # newest first: the new one opens the run
    last = siblings[-1][1]
    after = [s for s in catalog.sections if s.line > last.line and s.level <= last.level]
    return (after[0].line if after else len(lines) + 1), heading, gap, None


_DETAILS_ALONE = re.compile(r"\s*<details\b[^>]*>\s*", re.IGNORECASE)
_CLOSE_ALONE = re.compile(r"\s*</details\s*>\s*", re.IGNORECASE)


def _details_block(
    lines: Sequence[str], summary_line: int, last_entry_line: int | None
) -> tuple[int, list[str], tuple[str, int]] | None:
    """A ``<details>`` year block around the ``<summary>`` on ``summary_line``: the line it
    starts on, its opening lines, and its closing line with the blank lines before it."""
    written = lines[summary_line - 1]
    start, opener = summary_line, [written]
    if not re.search(r"<details\b", written, re.IGNORECASE):
        if summary_line < 2 or not _DETAILS_ALONE.fullmatch(lines[summary_line - 2]):
            return None
        start, opener = summary_line - 1, [lines[summary_line - 2], written]
    after = last_entry_line or summary_line
    close = next((k for k in range(after, len(lines)) if _CLOSE_ALONE.fullmatch(lines[k])), None)
    if close is None or any(ln.strip() for ln in lines[after:close]):
        return None  # something else before the block closes: not a simple year block
    return start, opener, (lines[close], close - after)


def apply_splices(raw: bytes, splices: Sequence[Splice]) -> bytes:
    out = bytearray()
    last = 0
    for splice in sorted(splices, key=lambda s: s.offset):
        out += raw[last : splice.offset]
        out += splice.data
        last = splice.offset
    out += raw[last:]
    return bytes(out)


def insert_entries(
    catalog: Catalog, additions: Sequence[Addition], style: ListStyle | None = None
) -> bytes:
    """The list's new bytes with ``additions`` in place; every existing byte is unchanged."""
    return apply_splices(catalog.raw, plan_insertions(catalog, additions, style))
