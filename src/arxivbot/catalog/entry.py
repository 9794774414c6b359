"""What an entry says: its shape, its lead fields (date, name, title) and links, read once.

The parser reads each entry here and the entry keeps what was read (``Entry``: its tokens, its
``BulletFields``, its table cells), so style inference and the round-trip check use the same
reading instead of tokenising the entry's text again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from arxivbot.arxiv_ids import arxiv_id_from_url, id_month, id_serial, ids_in_text
from arxivbot.catalog.grammar import (
    BR,
    WRAPS,
    Token,
    clean_heading,
    date_form,
    date_key,
    entry_tokens,
    links_in,
    split_row,
    tokenize,
)
from arxivbot.records import CatalogEntry, EntryShape

__all__ = [
    "BulletFields",
    "Entry",
    "block_entry",
    "bullet_entry",
    "bullet_fields",
    "column_roles",
    "compare_keys",
    "insertion_index",
    "nearest",
    "normalise_title",
    "sort_key",
    "table_entry",
    "table_roles",
    "venue_tag",
]


@dataclass(frozen=True, slots=True)
class Entry(CatalogEntry):
    """A ``CatalogEntry`` with what the parser read from it (not part of its identity).

    ``tokens``: the inline tokens after a bullet marker (bullets) or of the lead line (heading
    and paragraph entries); ``fields``: the lead fields read from them; ``cells``: a table
    row's cells as written and ``cell_tokens`` the tokens of each stripped cell.
    """

    tokens: tuple[Token, ...] = field(default=(), compare=False, repr=False)
    fields: BulletFields | None = field(default=None, compare=False, repr=False)
    cells: tuple[str, ...] = field(default=(), compare=False, repr=False)
    cell_tokens: tuple[tuple[Token, ...], ...] = field(default=(), compare=False, repr=False)
    roles: tuple[str, ...] = field(default=(), compare=False, repr=False)  # a row's columns


def normalise_title(title: str) -> str:
    """A title for comparing: lower case, no punctuation, no `2024` year decoration."""
    title = re.sub(r"`(?:19|20)\d{2}`", " ", title)
    return re.sub(r"[^0-9a-z]+", " ", title.lower()).strip()


def sort_key(arxiv_id: str | None, date: str | None = None) -> tuple[int, int, int, int]:
    """A key that grows with time: from the written date, else from the arXiv id prefix.

    ``date`` may be as the list writes it (``2503``, ``Mar 18, 2025``) or ISO.
    """
    ymd = date_key(date) if date else None
    month = id_month(arxiv_id or "")
    if ymd is None and month:
        ymd = (*month, 0)
    number = id_serial(arxiv_id or "")
    return (*(ymd or (0, 0, 0)), number)


Key = tuple[int, int, int, int]


def compare_keys(a: Key, b: Key) -> int:
    """-1, 0, 1 as ``a`` is older, as old as, newer than ``b``.

    Months decide first; a day only where both keys have one (an id-derived key has none);
    then the arXiv number, which grows through each month.
    """
    if a[:2] != b[:2]:
        return -1 if a[:2] < b[:2] else 1
    if a[2] and b[2] and a[2] != b[2]:
        return -1 if a[2] < b[2] else 1
    if a[3] != b[3] and a[3] and b[3]:
        return -1 if a[3] < b[3] else 1
    return 0


def insertion_index(keys: Sequence[Key], order: str, key: Key) -> int:
    """Where a new entry of ``key`` goes among entries of ``keys`` (file order): the index of
    the entry it goes before, ``len(keys)`` after the last. Entries without a date never
    anchor it."""
    for index, existing in enumerate(keys):
        if not existing[0]:
            continue
        if order == "newest-first" and compare_keys(existing, key) < 0:
            return index
        if order == "oldest-first" and compare_keys(existing, key) > 0:
            return index
    return len(keys)


def nearest(count: int, at: int, k: int) -> list[int]:
    """The indices of the ``k`` entries (of ``count``) nearest the gap before index ``at``,
    alternating after and before it, nearest first."""
    before, after = at - 1, at
    out: list[int] = []
    while len(out) < k and (before >= 0 or after < count):
        if after < count:
            out.append(after)
            after += 1
        if before >= 0 and len(out) < k:
            out.append(before)
            before -= 1
    return out


def _strip_symbols(text: str) -> str:
    """A label without its emoji (or their mojibake): ``EasyR1 💻`` -> ``EasyR1``."""
    return clean_heading(text) if text.strip() else text


_VENUE_TAG = re.compile(r"^\s*【[^】\n]{1,30}】\s*")  # 【CVPR 2025】 Title
_BOLD_TITLE = re.compile(r"[^\w\s*_\[]{0,4}\s*(\*\*|__)(?P<t>[^*_\s](?:.*?[^*_\s])?)\1")
# "Title. arXiv 2024." / "Title. ACL 2024": a venue and year after the title's full stop
_VENUE_TAIL = re.compile(r"\.\s+(?:[^\s.]+\s+){0,4}?[`'’(]?(?:19|20)\d{2}[`)]?\.?$")


# A date in backticks standing alone after the title: `2025-04-18`
_TAIL_DATE = re.compile(r"^`([^`]+)`$")
# ". *A, B, C*." after a plain title: its authors, emphasised
_AUTHORS_AFTER = re.compile(r"\.\s+([*_]{1,2})[^*_\n]+\1[.,]")
# "Title — Paper:" before the paper's link: a separator and a link's label, not the title
_LINK_LABEL_TAIL = re.compile(
    r"\s*[—–|·•,;-]?\s*\b(?:papers?|arxiv|pdf|links?|project|page|code)\s*:\s*$", re.IGNORECASE
)
# Title tags after a plain title: (2025), (CVPR 2025), (arXiv'25)
_YEAR_TAG = re.compile(r"(?:[^\W\d][\w-]*\s*){0,3}[`'’]?(?:(?:19|20)\d{2}|\d{2})")
# Emoji before a plain title ("📄 Title"), decoration of the list's, not words of the title
_LEAD_SYMBOLS = re.compile(
    r"^(?:[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF\uFE0F\u200D]+\s*)+"
)


def venue_tag(text: str) -> bool:
    """A bracket's text is a venue tag before a title: a year after at most two words
    (``arXiv 2025``, ``CVPR 2025``)."""
    return re.search(r"(?:19|20)\d{2}\s*$", text) is not None and len(text.split()) <= 3


def _text_title(raw: str) -> tuple[str, str]:
    """The title of a plain-text lead and its kind (bold | text): ``**Title**. *A, B*. ICML
    2024.`` reads ``Title``; ``【CVPR 2025】 Title`` and ``Title. arXiv 2024.`` read ``Title``."""
    lead_line = raw.split("\n")[0].rstrip(" \t\\")
    bold = _BOLD_TITLE.fullmatch(lead_line)
    if bold:
        return bold.group("t"), "bold"
    bold = _BOLD_TITLE.match(lead_line)
    if bold and re.match(r"[.,:;]?(\s|$)", lead_line[bold.end() :]):
        return bold.group("t"), "bold"  # **Title**. *Authors*. Venue
    title = _VENUE_TAG.sub("", raw, count=1)
    title = re.split(r"\n[ \t]*\n", title, maxsplit=1)[0]  # a title never crosses a blank line
    tail = _VENUE_TAIL.search(title)
    if tail and "\n" not in title and len(title[: tail.start()].split()) >= 2:
        title = title[: tail.start()]
    authors = _AUTHORS_AFTER.search(title)
    if authors and "\n" not in title[: authors.start()] and len(
        title[: authors.start()].split()) >= 2:
        title = title[: authors.start()]  # Title. *A, B, C*. arXiv:ID, 2025.
    label = _LINK_LABEL_TAIL.search(title)
    if label and len(title[: label.start()].split()) >= 2:
        title = title[: label.start()]  # Title — Paper: [arXiv](url): the label names the link
    return title, "text"


@dataclass(frozen=True, slots=True)
class BulletFields:
    """What a bullet entry says, and how its lead is laid out (``lead`` slots in order)."""

    lead: tuple[str, ...]  # e.g. ("date", "name", "title")
    lead_count: int  # solid tokens the lead used
    slot_tokens: tuple[Token, ...]  # the first token of each lead slot (its gap is the slot's)
    date: str | None
    name: str | None
    title: str
    paper_url: str | None  # the title link's real target, None when the title is not a link
    title_kind: str  # link | dlink | bracket | bold | text
    title_wrap: str  # emphasis around a linked title: "**" for **[Title](url)**
    arxiv_id: str | None
    links: tuple[tuple[str, str], ...]




def bullet_fields(tokens: Sequence[Token]) -> BulletFields:
    """Read date, name, title and links from a bullet entry's tokens."""
    solid = [t for t in tokens if t.raw]
    date: str | None = None
    title = ""
    paper_url: str | None = None
    title_kind = "text"
    wrap = ""
    lead: list[str] = []
    slots: list[Token] = []
    k = 0
    if solid and solid[0].kind in {"bracket", "text"} and date_form(solid[0].text):
        date, k = solid[0].text, 1  # [2503] or a bare 26.03 before the title
        lead.append("date")
        slots.append(solid[0])
    venue_wrap = ""
    if (
        k + 2 < len(solid)
        and solid[k].raw in WRAPS
        and solid[k + 1].kind == "bracket"
        and not solid[k + 1].gap
        and solid[k + 2].kind == "text"
        and not solid[k + 2].gap
        and solid[k + 2].raw.startswith(solid[k].raw)
        and venue_tag(solid[k + 1].text)
        and any(t.kind in {"link", "dlink"} for t in solid[k + 3 :])
    ):  # an emphasised venue tag before a plain title: **[CVPR 2025]** Title [[paper](url)]
        venue_wrap = solid[k].raw
        k += 2
    if (
        k + 1 < len(solid)
        and solid[k].kind == "paren"
        and solid[k + 1].kind in {"link", "dlink"}
        and len(solid[k].text.split()) <= 3
    ):
        k += 1  # a venue tag before the title: 23.08 (CVPR24)[Title](url)
    brackets: list[Token] = []
    while k < len(solid) and solid[k].kind == "bracket":
        brackets.append(solid[k])
        k += 1
    wrap_token: Token | None = None
    if (
        k + 1 < len(solid)
        and solid[k].raw in WRAPS
        and solid[k + 1].kind in {"link", "dlink"}
        and not solid[k + 1].gap
    ):
        wrap_token, wrap = solid[k], solid[k].raw  # **[Title](url)**
        k += 1
    title_token: Token | None = None
    names: list[Token] = []
    if k < len(solid) and solid[k].kind in {"link", "dlink"}:
        title_token, names = solid[k], brackets
        k += 1
        if (
            not wrap
            and not brackets
            and _badge_label(title_token.text)
            and k < len(solid)
            and solid[k].kind == "text"
            and len(_text_title(solid[k].raw)[0].split()) >= 2
        ):  # [[arXiv](url)] **Title**, Authors: the link is a badge, the text the title
            title_token, names = None, []
        if wrap:
            closing = solid[k] if k < len(solid) else None
            if closing is not None and closing.raw == wrap and not closing.gap:
                k += 1
            else:  # not a real emphasis pair: read the marker as text before the title
                wrap, wrap_token, title_token, names = "", None, None, []
                k -= 2
                brackets = []
    if (
        title_token is None
        and brackets
        and k < len(solid)
        and solid[k].kind == "text"
        and venue_tag(brackets[-1].text)
        and any(t.kind in {"link", "dlink"} for t in solid[k:])
    ):  # a venue tag before a plain title: [arXiv 2025] Title. [[pdf]](url)
        brackets = []
    if title_token is None and brackets:
        title_token, names = brackets[-1], brackets[:-1]
    elif title_token is None and k < len(solid) and solid[k].kind == "text":
        title_token = solid[k]
        k += 1
        while k < len(solid) and solid[k].kind in {"text", "paren"} and any(
            t.kind in {"link", "dlink"} for t in solid[k:]
        ):  # a plain title holding parentheses: Reinforced Self-Training (ReST) for ...
            if solid[k].kind == "paren" and _YEAR_TAG.fullmatch(solid[k].text) and (
                solid[k + 1].kind in {"link", "dlink"}
            ):
                break  # Title (2025) [[arXiv](…)]: the year or venue after it is not the title
            raw = title_token.raw + solid[k].gap + solid[k].raw
            title_token = Token("text", title_token.gap, raw, raw)
            k += 1
    for token in names:
        lead.append("name")
        slots.append(token)
    name = " ".join(t.text for t in names) or None
    if title_token is not None:
        if title_token.kind == "text":
            raw = title_token.raw.removeprefix(venue_wrap).lstrip() if venue_wrap else (
                title_token.raw
            )
            title, title_kind = _text_title(_LEAD_SYMBOLS.sub("", raw, count=1))
        else:
            title = title_token.text
            title_kind = title_token.kind
            paper_url = title_token.url or None
        lead.append("title")
        slots.append(wrap_token or title_token)
    links: list[tuple[str, str]] = []
    for token in solid:
        if token is title_token and paper_url and (date or arxiv_id_from_url(paper_url)):
            links.append(("Paper", token.url))  # the title link of a paper: label it plainly
        elif token.kind in {"link", "dlink"}:
            links.append((token.text, token.url))
        elif token.kind == "paren":
            links.extend(links_in(token.text))  # a note such as "(see [X](url))"
    if date is None:  # [Title](url) `2025-04-18`: a whole date after the title is its date
        date = next((m.group(1) for t in solid[k:] if t.kind == "text"
                     and (m := _TAIL_DATE.match(t.raw.strip()))
                     and date_form(m.group(1)) not in {None, "yyyy", "yymm", "yy.mm"}), None)
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    if arxiv_id is None:  # a [Paper](arxiv) badge, or an arXiv link anywhere else in the entry
        arxiv_id = next((aid for _label, url in links if (aid := arxiv_id_from_url(url))), None)
    if arxiv_id is None and not links:  # Title. *A, B*. arXiv:2504.12345, 2025. (no link)
        arxiv_id = next(iter(ids_in_text(" ".join(t.raw for t in solid))), None)
    if (
        name is None
        and title_kind in {"link", "dlink"}
        and not date
        and paper_url
        and not (arxiv_id_from_url(paper_url))
    ):
        name = _strip_symbols(title).split(": ")[0]  # a project: [EasyR1 💻](github)
    return BulletFields(
        lead=tuple(lead),
        lead_count=k,
        slot_tokens=tuple(slots),
        date=date,
        name=name,
        title=title.strip(),
        paper_url=paper_url,
        title_kind=title_kind,
        title_wrap=wrap,
        arxiv_id=arxiv_id,
        links=tuple(links),
    )




_TABLE_ROLES: tuple[tuple[str, str], ...] = (
    ("date", r"\b(date|time|year|month|published|release)"),
    ("title", r"\b(papers?|titles?|publications?|articles?|works?)\b"),
    ("name", r"\b(name|model|method|short|approach)"),
    ("code", r"\b(code|repo|github|implementation|source)"),
    ("project", r"\b(project|page|website|homepage|demo)"),
)


def column_roles(header: Sequence[str]) -> tuple[str, ...]:
    """What each table column holds: date, title, name, code, project or text."""
    roles: list[str] = []
    for cell in header:
        lowered = clean_heading(cell).lower() if cell.strip() else ""
        role = next(
            (r for r, p in _TABLE_ROLES if re.search(p, lowered) and r not in roles), "text"
        )
        roles.append(role)
    if "title" not in roles and "name" in roles:
        roles[roles.index("name")] = "title"
    return tuple(roles)




def table_roles(header: Sequence[str], rows: Sequence[Sequence[str]]) -> tuple[str, ...]:
    """What each column of a table holds, from its header words and its cells.

    A link column by its header (``Project``, ``Code``) whose cells hold no link at all is
    not one; in a table with no title column, such a column (or a plain one) whose cells
    read like titles (three words or more in most rows) is the title column, unless the
    paper links' own labels are the titles.
    """
    roles = list(column_roles(header))
    if not rows:
        return tuple(roles)

    def cells(col: int) -> list[str]:
        return [r[col].strip() for r in rows if col < len(r) and r[col].strip()]

    for col, role in enumerate(roles):
        if role in {"code", "project"} and cells(col) and not any(
            links_in(c) for c in cells(col)
        ):
            roles[col] = "text"
    paper_labels = [
        label for r in rows for c in r for label, url in links_in(c) if arxiv_id_from_url(url)
    ]
    titled_links = sum(len(_strip_symbols(label).split()) >= 4 for label in paper_labels)
    if "title" not in roles and titled_links * 2 <= len(paper_labels):
        titled = [
            (sum(len(c.split()) for c in cells(col)) / len(cells(col)), col)
            for col, role in enumerate(roles)
            if role == "text" and cells(col)
            and not any(links_in(c) for c in cells(col))
            and sum(len(c.split()) >= 3 for c in cells(col)) * 2 > len(rows)
            and not any(date_form(c) for c in cells(col))
        ]
        if titled:
            roles[max(titled)[1]] = "title"
    return tuple(roles)


_BADGE_LABEL = re.compile(
    r"^\W*(paper|arxiv|pdf|abs|link|html|preprint|openreview|project|page|code|github)\W*$",
    re.IGNORECASE,
)


def _badge_label(label: str) -> bool:
    """A link label that names the link, not the paper: ``arXiv``, ``📑 Paper``, ``pdf``."""
    return bool(_BADGE_LABEL.match(_strip_symbols(label) if label.strip() else label))


def bullet_entry(raw: str, content_start: int, line: int, end_line: int, path: str) -> Entry:
    """A bullet entry: ``raw`` is its text (all lines), ``content_start`` where its content
    begins after the marker."""
    tokens = tuple(entry_tokens(raw[content_start:]))
    fields = bullet_fields(tokens)
    return Entry(
        line=line,
        end_line=end_line,
        section=path,
        kind="",
        arxiv_id=fields.arxiv_id,
        title=fields.title,
        name=fields.name,
        date=fields.date or _date_line(raw.split("\n")[1:]),
        links=fields.links,
        raw=raw,
        tokens=tokens,
        fields=fields,
    )


_DATE_LINE = re.compile(
    r"^\s*(?:[-*+]\s+)?([*_]{1,2})?(?:date|published|release|time|year)\s*[:：]?\1?\s*[:：]?\s*"
    r"`?(?P<d>[^`*_]+?)`?\s*(?:\\|<br\s*/?>)?\s*$",
    re.IGNORECASE,
)


def _date_line(lines: Iterable[str]) -> str | None:
    """The date a metadata line says it is: "- **Date:** 2025-04", "  + Date: 2025-03-21"."""
    return next((m.group("d") for text in lines if (m := _DATE_LINE.match(text))
                 and date_form(m.group("d"))), None)


def block_entry(
    lines: Sequence[tuple[int, str]], shape: EntryShape, lead: str, path: str
) -> Entry:
    """A heading entry (``### [Title](url)`` + metadata) or a paragraph entry (``**Title** \\``).

    ``lines`` are (number, text) of the whole entry, ``lead`` the text of its title line
    without the heading marks or the line-break backslash.
    """
    tokens = tuple(entry_tokens(lead))
    fields = bullet_fields(tokens)
    links = list(fields.links)
    for _number, text in lines[1:]:
        links.extend(links_in(text))
    arxiv_id = fields.arxiv_id or next(
        (aid for _label, url in links if (aid := arxiv_id_from_url(url))), None
    )
    date = fields.date
    if date is None:  # a paragraph's last line is often its date: "16 Oct 2023"
        tail = lines[-1][1].strip().removesuffix("\\").strip()
        date = tail if date_form(tail) else None
    if date is None:
        date = _date_line(text for _n, text in lines[1:])
    paper = next((u for label, u in links if arxiv_id_from_url(u)), None)
    if fields.title_kind in {"link", "dlink"} or paper is None:
        links_out = tuple(links)
    else:  # the paper link sits on a later line: label it plainly, as a title link would be
        links_out = tuple(("Paper", u) if u == paper else (label, u) for label, u in links)
    return Entry(
        line=lines[0][0],
        end_line=lines[-1][0],
        section=path,
        kind="",
        arxiv_id=arxiv_id,
        title=fields.title,
        name=fields.name,
        date=date,
        links=links_out,
        raw="\n".join(text for _number, text in lines),
        shape=shape,
        tokens=tokens,
        fields=fields,
    )


def table_entry(
    raw: str, header: tuple[str, ...], path: str, number: int, roles: tuple[str, ...] = ()
) -> Entry:
    """A table row; its columns are read by ``roles`` (``table_roles``), else by what the
    header names them."""
    written = tuple(split_row(raw))
    cells = [c.strip() for c in written]
    cell_tokens = tuple(tuple(tokenize(cell)) for cell in cells)
    roles = roles or column_roles(header)
    date = name = None
    title = ""
    paper_url: str | None = None
    links: list[tuple[str, str]] = []
    for cell, role, tokens in zip(cells, roles, cell_tokens, strict=False):
        cell_links = [(t.text, t.url) for t in tokens if t.kind in {"link", "dlink"}]
        if role == "title" and cell_links:
            links.append(("Paper", cell_links[0][1]))
            links.extend(cell_links[1:])
        else:
            links.extend(cell_links)
        if role == "date" and date is None:
            date = cell or None
        elif role == "title" and not title:
            # **Title**<br><sub>Authors</sub>: the title is the cell's first line, unemphasised
            title = cell_links[0][0] if cell_links else _text_title(BR.split(cell)[0])[0]
            paper_url = cell_links[0][1] if cell_links else None
            text = " ".join(t.raw for t in tokens if t.kind == "text" and t.raw).strip()
            if cell_links and len(text.split()) >= 2 and _badge_label(title):
                title = text  # Title [[arXiv](url)]: the link is a badge, the text the title
        elif role == "name" and name is None:
            name = (cell_links[0][0] if cell_links else cell) or None
    if not title and "title" not in roles:  # no paper column: the cell linking the paper,
        title = next(  # else the longest plain cell if it reads like a title
            (label for label, url in links if arxiv_id_from_url(url) and label.strip()), ""
        )
    if not title and "title" not in roles:
        plain = [
            c for c, r in zip(cells, roles, strict=False)
            if r != "date" and c and not links_in(c) and len(c.split()) >= 3
        ]
        title = max(plain, key=len) if plain else ""
    if not title:
        title = next((label for label, _url in links), cells[0] if cells else "")
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    arxiv_id = arxiv_id or next((a for _l, u in links if (a := arxiv_id_from_url(u))), None)
    return Entry(
        line=number,
        end_line=number,
        section=path,
        kind="",
        arxiv_id=arxiv_id,
        title=title.replace("\\|", "|"),
        name=name,
        date=date,
        links=tuple(links),
        raw=raw,
        shape="table",
        cells=written,
        cell_tokens=cell_tokens,
        roles=roles,
    )
