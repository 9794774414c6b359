"""Read an awesome-list: its sections, its entries, and the arXiv papers it already holds.

``parse_catalog`` is pure: Markdown text in, a ``Catalog`` out. ``read_catalog`` is the one
edge that touches the filesystem; it decodes with ``surrogateescape`` so every byte of the
file survives (mis-encoded emoji, stray Latin-1) and keeps the original bytes for insertion.

An entry is a bullet that starts with a bracket or a link (``* [2503] [Name] [Title](url)``,
``- [Title](url)``, ``1. **Title** [[Paper](url)]``), possibly wrapped onto indented lines,
or a row of a Markdown table. Prose bullets and tables of contents are not entries. What each
entry says is read by ``catalog.entry``; how the list writes one is ``catalog.style``'s job.
"""

from __future__ import annotations

import bisect
import logging
import re
from collections import Counter, defaultdict
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from arxivbot.arxiv_ids import arxiv_id_from_url, ids_in_text
from arxivbot.catalog.entry import (
    Entry,
    block_entry,
    bullet_entry,
    normalise_title,
    table_entry,
    table_roles,
    venue_tag,
)
from arxivbot.catalog.grammar import (
    BULLET,
    FENCE,
    HEADING,
    HTML_ROW,
    HTML_TABLE_CLOSE,
    HTML_TABLE_OPEN,
    HTTP,
    SETEXT,
    TABLE_SEPARATOR,
    WRAPS,
    Token,
    bullet_match,
    clean_heading,
    date_form,
    entry_tokens,
    html_cells,
    split_row,
    tokenize,
)
from arxivbot.catalog.references import definitions, resolved
from arxivbot.errors import CatalogFormatError
from arxivbot.records import EntryKind, EntryShape, Section

_LOG = logging.getLogger(__name__)

__all__ = [
    "Catalog",
    "Entry",
    "Token",
    "arxiv_id_from_url",
    "clean_heading",
    "decode_list_bytes",
    "normalise_title",
    "parse_catalog",
    "parse_catalog_bytes",
    "read_catalog",
    "split_row",
    "tokenize",
]

# ---------------------------------------------------------------------------------------------
# Kinds of sections

# Keywords in a heading that say what its entries are; checked innermost heading first.
_KIND_WORDS: tuple[tuple[EntryKind, str], ...] = (
    (
        "other",
        r"\b(table of )?contents\b|\bcontribut|\blicen[cs]e\b|\bcitation|\bcite\b"
        r"|acknowledg|\bstar (chart|history)\b|\bcontact\b|\btodo\b|\bnews\b|\bupdates?\b"
        r"|\bblogs?\b|\bblog posts?\b|\bvideos?\b|\btalks?\b|\bcourses?\b|\blectures?\b"
        r"|\bpodcasts?\b|\bnewsletters?\b|\bcommunit(y|ies)\b",
    ),
    ("survey", r"\bsurveys?\b|\breviews?\b|\btutorials?\b"),
    ("benchmark", r"\bbenchmarks?\b|\bdatasets?\b|\bevaluation\b"),
    (
        "project",
        r"\bprojects?\b|\brepositor(y|ies)\b|\brepos?\b|\bframeworks?\b|\btools?\b"
        r"|\blibrar(y|ies)\b|\bcodebases?\b|\bimplementations?\b",
    ),
    ("paper", r"\bpapers?\b|\bpublications?\b|\bworks?\b|\barticles?\b|\bmethods?\b"),
)


def _heading_kind(title: str) -> EntryKind | None:
    """The kind a heading names; one that opens with papers ("Papers and Projects",
    "Papers & Tools") takes papers, while "Projects (without a paper)" stays projects."""
    lowered = title.lower()
    for kind, pattern in _KIND_WORDS:
        if re.search(pattern, lowered):
            if kind == "project" and re.match(r"^\W*(papers?|publications?)\b", lowered):
                return "paper"
            return kind
    return None


def _section_kind(titles: Sequence[str]) -> EntryKind | None:
    for title in reversed(titles):  # the innermost heading says most
        kind = _heading_kind(title)
        if kind:
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# The catalog


@dataclass(frozen=True, slots=True)
class Catalog:
    """A parsed awesome-list: its entries and sections, and the bytes it was read from."""

    source: str
    raw: bytes
    entries: tuple[Entry, ...]
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = ()  # lines that look like entries but could not be read
    linked: frozenset[str] = frozenset()  # arXiv ids linked anywhere outside comments and code

    @property
    def text(self) -> str:
        return decode_list_bytes(self.raw)

    @property
    def arxiv_ids(self) -> frozenset[str]:
        """Every paper the list holds: each entry's own id and every arXiv link it carries
        (several papers in one table cell, a second paper linked from an entry)."""
        linked = {
            aid for e in self.entries for _label, url in e.links if (aid := arxiv_id_from_url(url))
        }
        # and a paper the text links elsewhere (its intro, a news line): not to be proposed
        return frozenset(e.arxiv_id for e in self.entries if e.arxiv_id) | linked | self.linked

    @property
    def duplicates(self) -> tuple[tuple[Entry, ...], ...]:
        """Groups of entries that are the same paper: by arXiv id, else by normalised title."""
        return _duplicates(self.entries)

    def paper_sections(self) -> tuple[Section, ...]:
        """The sections of kind ``paper`` that hold entries, in list order."""
        held = {e.section for e in self.entries}
        return tuple(s for s in self.sections if s.kind == "paper" and s.path in held)

    def section(self, path: str) -> Section | None:
        return next((s for s in self.sections if s.path == path), None)

    def entries_in(self, path: str) -> tuple[Entry, ...]:
        return tuple(e for e in self.entries if e.section == path)



def _duplicates(entries: Sequence[Entry]) -> tuple[tuple[Entry, ...], ...]:
    groups: dict[str, list[Entry]] = defaultdict(list)
    title_to_id = {normalise_title(e.title): e.arxiv_id for e in entries if e.arxiv_id}
    for entry in entries:
        key = entry.arxiv_id or title_to_id.get(normalise_title(entry.title))
        key = key or "title:" + normalise_title(entry.title)
        if key != "title:":
            groups[key].append(entry)
    return tuple(tuple(g) for g in groups.values() if len(g) > 1)


# ---------------------------------------------------------------------------------------------
# Reading bytes


def decode_list_bytes(raw: bytes) -> str:
    """Text in which every byte survives: UTF-8, undecodable bytes as surrogate escapes."""
    return raw.decode("utf-8", errors="surrogateescape")


_EXPECTED = "expected a Markdown awesome-list (.md)"


def read_catalog(path: Path) -> Catalog:
    """Read and parse the list at ``path``; every problem is one ``CatalogFormatError``."""
    if not path.exists():
        raise CatalogFormatError(f"{path}: no such file ({_EXPECTED})")
    if path.is_dir():
        raise CatalogFormatError(f"{path}: is a folder ({_EXPECTED})")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise CatalogFormatError(f"{path}: cannot be read: {exc.strerror} ({_EXPECTED})") from exc
    return parse_catalog_bytes(raw, str(path))


def parse_catalog_bytes(raw: bytes, source: str = "<list>") -> Catalog:
    """Parse a list's bytes (from a file or a repository) and keep them for insertion.

    Empty and binary content are refused with one ``CatalogFormatError`` naming ``source``.
    """
    if not raw.strip():
        raise CatalogFormatError(f"{source}: the file is empty ({_EXPECTED})")
    text = decode_list_bytes(raw)
    undecodable = sum(1 for ch in text if "\udc80" <= ch <= "\udcff")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\t\n\r\f\v")
    if b"\x00" in raw or (undecodable + controls) > max(8, len(raw) // 20):
        raise CatalogFormatError(f"{source}: looks like a binary file, not text ({_EXPECTED})")
    catalog = parse_catalog(text, source=source)
    return Catalog(catalog.source, raw, catalog.entries, catalog.sections, catalog.warnings,
                   catalog.linked)



# ---------------------------------------------------------------------------------------------
# Parsing text


@dataclass(slots=True)
class _Line:
    number: int  # 1-based
    text: str  # without its line ending


@dataclass(slots=True)
class _Draft:
    """An entry being assembled: its lines and where it sits."""

    lines: list[_Line]
    section: int  # index into the heading list, -1 before any heading
    shape: EntryShape
    header: tuple[str, ...] = ()  # table only: the header cells
    roles: tuple[str, ...] = ()  # table only: what each column holds (header and content)
    row: str = ""  # an HTML table row only: the row as a Markdown row (what is read)


def _lines(text: str) -> list[_Line]:
    text = text.removeprefix("\ufeff")
    parts = text.split("\n")
    if parts and parts[-1] == "":
        parts.pop()  # the final newline ends the last line; it does not start a new one
    return [_Line(i, p.removesuffix("\r")) for i, p in enumerate(parts, 1)]


def _is_blank(text: str) -> bool:
    return not text.strip()


def _is_block_start(text: str) -> bool:
    stripped = text.lstrip()
    return bool(
        HEADING.match(text)
        or bullet_match(text)
        or FENCE.match(text)
        or stripped.startswith(("|", "<", ">", "---", "***", "==="))
    )


_HTML_HEADING = re.compile(
    r"^ {0,3}<h(?P<level>[1-6])\b[^>]*>(?P<text>.*?)(?:</?h(?P=level)\s*/?>.*)?$", re.IGNORECASE
)
_SUMMARY = re.compile(r"<summary\b[^>]*>(?P<text>.*?)(?:</summary>|$)", re.IGNORECASE)
_CLICK = re.compile(
    r"^(?:click|tap)(?: here)? to (?:expand|see|view|show|open)(?: more)?\s+|\s+table$",
    re.IGNORECASE,
)
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*>", re.IGNORECASE)

# A paragraph entry opens with a bold title on its own line: **Title** \ (or two spaces)
_PARAGRAPH_START = re.compile(r"^ {0,3}(\*\*|__)[^*_\s].*?(\*\*|__)[ \t]*(\\|  )?[ \t]*$")


def _is_heading_entry(text: str) -> bool:
    """A heading that is a paper: it opens with a web link (``### [Title](https://...)``)."""
    tokens = [t for t in tokenize(text) if t.raw]
    if tokens and tokens[0].raw in WRAPS and len(tokens) > 1:
        tokens = tokens[1:]
    return bool(tokens) and tokens[0].kind in {"link", "dlink"} and bool(HTTP.match(tokens[0].url))


def _looks_like_entry(content: str) -> bool:
    """A bullet's text is an entry when it opens with a bracket/link and names a real link."""
    tokens = [t for t in entry_tokens(content) if t.raw]
    if not tokens:
        return False
    first = tokens[0]
    if first.kind == "text" and first.raw != first.text and len(tokens) > 1:
        title = tokens[1]  # **[2025-03]** [Title](url); **[2025-10]** We released ... is news
        if title.kind in {"link", "dlink"}:
            return HTTP.match(title.url) is not None
        tokens = tokens[1:]
        first = tokens[0]
        if not re.match(r"^(\*\*|__)[^*_].*?(\*\*|__)", first.raw):
            return False
    links = [t for t in tokens if t.kind in {"link", "dlink"}]
    nested = re.findall(r"\]\(([^)\s]+)", content)
    if first.kind in {"link", "dlink"} and not HTTP.match(first.url):
        return False  # a table of contents ([Papers](#papers)) or a relative link
    has_web_link = any(HTTP.match(t.url) for t in links) or any(HTTP.match(u) for u in nested)
    leading_brackets = 0
    for token in tokens:
        if token.kind != "bracket":
            break
        leading_brackets += 1
    if first.kind in {"link", "dlink"}:
        return True
    if first.kind == "bracket":
        return has_web_link or leading_brackets >= 2
    if first.kind != "text":
        return False
    if date_form(first.raw) and len(tokens) > 1:
        return has_web_link  # 25.04 [Title](url) | [Paper](url)
    if first.raw in WRAPS and len(tokens) > 1 and tokens[1].kind in {"link", "dlink"}:
        return HTTP.match(tokens[1].url) is not None  # **[Title](url)** ...
    if (
        first.raw in WRAPS
        and len(tokens) > 2
        and tokens[1].kind == "bracket"
        and venue_tag(tokens[1].text)
        and tokens[2].raw.startswith(first.raw)
    ):
        return has_web_link  # **[CVPR 2025]** Title [[paper](url)]: a venue tag, then the title
    if re.match(r"^(\*\*|__)[^*_].*?(\*\*|__)", first.raw):
        return has_web_link  # **Title** [[Paper](url)] [[Code](url)]
    # "Title. [[Paper]](arxiv) [[Code]](url)" or "Title (Short) `2024` [[NeurIPS](venue)]":
    # a short plain title (parentheses allowed), then a link to the paper or its venue
    lead = next((k for k, t in enumerate(tokens) if t.kind in {"link", "dlink"}), len(tokens))
    if lead == len(tokens) and not links and (named := ids_in_text(content)):
        # no link at all, the paper named by its id: Title. *A, B*. arXiv:2504.12345, 2025.
        return 3 <= len(content[: content.find(named[0])].split()) <= 60
    if lead == len(tokens) or any(t.kind not in {"text", "paren"} for t in tokens[:lead]):
        return False
    words = sum(len(t.raw.split()) for t in tokens[:lead])
    paper_link = lead == 1 and any(arxiv_id_from_url(t.url) for t in links)
    venue_link = tokens[lead].kind == "dlink" and HTTP.match(tokens[lead].url) is not None
    return (paper_link or venue_link) and words <= 30


_BOLD_LEAD = re.compile(
    r"^[^\w\s*_\[]{0,4}\s*(\*\*|__)[^*_].*?(\*\*|__)[ \t]*(\\|  |<br\s*/?>)?[ \t]*$"
)


_NEWS = re.compile(r"^[*_\[\s]*(?:19|20)\d{2}[-./]\d{1,2}")  # - **[2025-10]** We released ...


_CATEGORY = re.compile(r"^(\*\*|__)(?P<name>[^*_\[\]()]{1,60})\1\s*:?\s*$")


def _bullet_category(content: str, column: int, lines: Sequence[_Line], i: int) -> bool:
    """``- **Image Reasoning**`` (a bold name, no link) whose next line is a paper entry
    nested under it (``  - [A Title of Words](url)``): a category of the list, not an entry."""
    match = _CATEGORY.match(content.strip())
    if match is None or len(match.group("name").split()) > 8:
        return False
    following = next((ln.text for ln in lines[i + 1 :] if not _is_blank(ln.text)), "")
    nested = bullet_match(following)
    if nested is None or len(following) - len(following.lstrip()) < max(2, column - 1):
        return False
    if not _looks_like_entry(following[nested.end() :]):
        return False
    title = bullet_entry(following, nested.end(), 0, 0, "").title
    return len(title.split()) >= 3  # a title of words, not a badge (`[paper](url)`)


def _bold_then_link(content: str, following: str) -> bool:
    """``- 🌟 **Title**`` (a hard break) whose next line carries the paper's link."""
    if not _BOLD_LEAD.match(content) or not following.strip() or _is_block_start(following):
        return False
    return any(
        HTTP.match(t.url) and arxiv_id_from_url(t.url)
        for t in tokenize(following)
        if t.kind in {"link", "dlink"}
    )


def _title_then_body_link(content: str, lines: Sequence[_Line], i: int, column: int) -> bool:
    """``1. Title`` (no link of its own) whose body, the lines indented under its text (single
    blank lines allowed, as in ``1. Title`` / blank / authors / blank / ``[[pdf](arxiv)]``),
    carries the paper's arXiv link on a line that is not a nested bullet."""
    tokens = [t for t in entry_tokens(content) if t.raw]
    if not tokens or any(t.kind in {"link", "dlink"} for t in tokens):
        return False
    words = content.split()
    if not 2 <= len(words) <= 40 or content.rstrip().endswith(":"):
        return False
    j, blanks = i + 1, 0
    while j < len(lines) and j <= i + 6:
        text = lines[j].text
        if _is_blank(text):
            blanks += 1
            if blanks > 1:
                return False
            j += 1
            continue
        blanks = 0
        indent = len(text) - len(text.lstrip(" \t"))
        if indent < column or HEADING.match(text) or FENCE.match(text) or bullet_match(text):
            return False
        if any(
            HTTP.match(t.url) and arxiv_id_from_url(t.url)
            for t in tokenize(text)
            if t.kind in {"link", "dlink"}
        ):
            return True
        j += 1
    return False


def _html_table(lines: Sequence[_Line], i: int, section: int, drafts: list[_Draft]) -> int | None:
    """Read the HTML ``<table>`` opening on line ``i``: each ``<tr>`` with a web link or a
    date, on lines of its own, is an entry read as a Markdown row (the ``<th>`` row, else a
    first row without links, is its header). The index after ``</table>``, None if unclosed."""
    j = i
    while j < len(lines) and not HTML_TABLE_CLOSE.search(lines[j].text):
        j += 1
    if j >= len(lines):
        return None
    block = lines[i : j + 1]
    text = "\n".join(ln.text for ln in block)
    starts = [0]
    for ln in block[:-1]:
        starts.append(starts[-1] + len(ln.text) + 1)

    def line_at(offset: int) -> int:
        return bisect.bisect_right(starts, offset) - 1

    header: tuple[str, ...] = ()
    rows: list[tuple[int, int, list[str]]] = []
    last_end = -1
    for match in HTML_ROW.finditer(text):
        if re.search(r"\n[ \t]*\n", match.group()) or any(
            bullet_match(ln) or HEADING.match(ln) for ln in match.group().split("\n")
        ):
            return None  # a layout table around Markdown (a contents list, a grid of lists)
        cells = html_cells(match.group())
        if not cells:
            continue
        if not header and not rows and (
            all(kind == "th" for kind, _c in cells)
            or (not any("](" in c for _k, c in cells) and not any(date_form(c) for _k, c in cells))
        ):
            header = tuple(c for _k, c in cells)
            continue
        first, end = line_at(match.start()), line_at(match.end() - 1)
        row = "| " + " | ".join(c for _k, c in cells) + " |"
        own_lines = (
            first > last_end
            and not text[starts[first] : match.start()].strip()
            and not text[match.end() : starts[end] + len(block[end].text)].strip()
        )
        last_end = end
        if not own_lines:
            continue  # shares a line with other markup: not a place to insert beside
        if any(HTTP.match(t.url) for t in tokenize(row) if t.kind in {"link", "dlink"}) or any(
            date_form(c) for _k, c in cells
        ):
            rows.append((first, end, [c for _k, c in cells]))
    if not rows:
        return None
    roles = table_roles(header, [r[2] for r in rows])
    for first, end, row_cells in rows:
        row = "| " + " | ".join(row_cells) + " |"
        drafts.append(
            _Draft(list(block[first : end + 1]), section, "table", header, roles, row)
        )
    return j + 1


def _nothing_readable(lines: Sequence[_Line]) -> str:
    """What a list without a readable entry holds, and what to do about it."""
    bullets = [ln.number for ln in lines if bullet_match(ln.text)]
    rows = [ln.number for ln in lines if ln.text.lstrip().startswith("|")]
    found = []
    if bullets:
        found.append(f"{len(bullets)} bullets (first on line {bullets[0]})")
    if rows:
        found.append(f"{len(rows)} table lines (first on line {rows[0]})")
    what = ", ".join(found) + ", none readable as an entry" if found else "no bullets or tables"
    return (
        f"found no list entries: {what} (expected bullets like "
        "'* [Title](https://arxiv.org/abs/...)', table rows with links, '### [Title](url)' "
        "headings or '**Title** \\' paragraphs with a link); set list.template in "
        "arxivbot.yaml, or open an issue with an excerpt of the list"
    )


def _continues_after_blank(current: _Draft, lines: Sequence[_Line], i: int) -> bool:
    """A blank line inside a bullet entry: the next text is indented under the item's content
    and is not an entry of its own (an authors or venue line, not a nested paper)."""
    if current.shape != "bullet":
        return False
    j = i
    while j < len(lines) and _is_blank(lines[j].text):
        j += 1
    if j >= len(lines) or j - i > 1:
        return False
    marker = bullet_match(current.lines[0].text)
    if marker is None:
        return False
    column = len(marker.group("indent")) + len(marker.group("marker")) + len(marker.group("space"))
    nxt = lines[j].text
    indent = len(nxt) - len(nxt.lstrip(" \t"))
    if indent < column or HEADING.match(nxt) or FENCE.match(nxt):
        return False
    bullet = bullet_match(nxt)
    return not (bullet and _looks_like_entry(nxt[bullet.end() :]))


def parse_catalog(text: str, source: str = "<list>") -> Catalog:
    """Parse an awesome-list's text into a Catalog (pure; ``raw`` is the text re-encoded)."""
    lines = _lines(text)
    headings: list[tuple[_Line, int, str]] = []  # (line, level, cleaned title)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    in_fence = False
    in_comment = False
    base = 1  # the level of the last Markdown or HTML heading (a <summary> nests under it)
    depth = 0  # <details> blocks open
    # A <details> block's <summary> opens a section that its </details> closes: what follows
    # belongs to the section around the block again. (depth it opened at, section before it)
    summaries: list[tuple[int, int]] = []
    resume: int | None = None

    def here() -> int:
        """The index of the heading whose section the current line is in."""
        return resume if resume is not None else len(headings) - 1

    i = 0
    while i < len(lines):
        line = lines[i]
        body = line.text
        if in_comment:
            in_comment = "-->" not in body
            i += 1
            continue
        if FENCE.match(body):
            in_fence = not in_fence
            current = None
            i += 1
            continue
        if in_fence:
            i += 1
            continue
        if body.lstrip().startswith("<!--") and "-->" not in body:
            in_comment = True
            current = None
            i += 1
            continue
        heading = HEADING.match(body)
        setext = (
            i + 1 < len(lines)
            and not _is_blank(body)
            and not _is_block_start(body)
            and current is None
            and SETEXT.match(lines[i + 1].text)
        )
        if setext:  # Title\n===== (level 1) or Title\n----- (level 2)
            level = 1 if "=" in lines[i + 1].text else 2
            headings.append((line, level, clean_heading(body)))
            resume = None
            i += 2
            continue
        if not heading and HTML_TABLE_OPEN.search(body):
            end = _html_table(lines, i, here(), drafts)
            if end is not None:
                current = None
                i = end
                continue
        html = _HTML_HEADING.match(body) if not heading else None
        summary = _SUMMARY.search(body) if not heading and not html else None
        depth += len(_DETAILS_OPEN.findall(body))
        if html or (summary and clean_heading(summary.group("text") or "")):
            # <h2 id=...>Title</h2>, or a <details> block's <summary>: a section
            current = None
            if html:
                level = int(html.group("level"))
                base = level
                title = clean_heading(html.group("text") or "")
            else:
                assert summary is not None
                level = min(6, base + max(1, depth))
                title = clean_heading(summary.group("text") or "")
                title = _CLICK.sub("", title).strip() or title  # "Click to expand X table"
            if not html:
                summaries.append((depth, here()))
            headings.append((line, level, title))
            resume = None
            depth -= len(_DETAILS_CLOSE.findall(body))
            i += 1
            continue
        closed = len(_DETAILS_CLOSE.findall(body))
        depth = max(0, depth - closed)
        while closed and summaries and summaries[-1][0] > depth:
            resume = summaries.pop()[1]  # back in the section around the block
            current = None
        if heading and _is_heading_entry(heading.group("text") or ""):
            # ### [Title](url) followed by its metadata bullets: a paper, not a section
            current = _Draft([line], here(), "heading")
            drafts.append(current)
            i += 1
            continue
        if current is not None and current.shape == "heading" and not heading:
            if not (FENCE.match(body) or body.lstrip().startswith(("|", "<!--"))):
                if not _is_blank(body):
                    current.lines.append(line)  # its metadata, even after a blank line
                i += 1
                continue
            current = None
        if heading:
            current = None
            base = len(heading.group("hashes"))
            headings.append((line, base, clean_heading(heading.group("text") or "")))
            resume = None
            i += 1
            continue
        if (
            "|" in body
            and i + 1 < len(lines)
            and TABLE_SEPARATOR.match(lines[i + 1].text)
            and "-" in lines[i + 1].text
        ):
            header = tuple(c.strip() for c in split_row(body))
            j = i + 2
            rows: list[_Line] = []
            while j < len(lines) and "|" in lines[j].text and not _is_blank(lines[j].text):
                row = lines[j].text
                if any(
                    HTTP.match(t.url) for t in tokenize(row) if t.kind in {"link", "dlink"}
                ) or (any(date_form(c.strip()) for c in split_row(row))):
                    rows.append(lines[j])
                j += 1
            roles = table_roles(header, [split_row(r.text) for r in rows])
            drafts.extend(
                _Draft([r], here(), "table", header, roles) for r in rows
            )
            current = None
            i = j
            continue
        if current is None and _PARAGRAPH_START.match(body):
            j = i
            while j < len(lines) and not _is_blank(lines[j].text) and (
                j == i or not _is_block_start(lines[j].text) or lines[j].text.startswith("*")
            ) and not HEADING.match(lines[j].text):
                j += 1
            block = lines[i:j]
            if any(HTTP.match(t.url) for ln in block for t in tokenize(ln.text)
                   if t.kind in {"link", "dlink"}):
                drafts.append(_Draft(block, here(), "paragraph"))
                i = j
                continue
        bullet = bullet_match(body)
        if bullet and _bullet_category(body[bullet.end() :], bullet.end(), lines, i):
            # - **Image Reasoning** with its papers nested under it: a section of its own
            current = None
            headings.append((line, base + 1, clean_heading(body[bullet.end() :])))
            resume = None
            i += 1
            continue
        if bullet and (
            _looks_like_entry(body[bullet.end() :])
            or _bold_then_link(
                body[bullet.end() :], lines[i + 1].text if i + 1 < len(lines) else ""
            )
            or _title_then_body_link(body[bullet.end() :], lines, i, bullet.end())
        ):
            current = _Draft([line], here(), "bullet")
            drafts.append(current)
        elif (
            current is not None
            and not _is_blank(body)
            and (body[:1] in {" ", "\t"} or not _is_block_start(body))
        ):
            current.lines.append(line)  # a wrapped entry, or a note nested under it
        elif current is not None and _is_blank(body) and _continues_after_blank(current, lines, i):
            current.lines.append(line)  # 1. **[Title](url)** / (blank) / *Authors.* Venue
        else:
            current = None
        i += 1

    # The document title (the one "#" heading that opens the list) is not part of any path.
    level_ones = [h for h in headings if h[1] == 1]
    skip_title = len(level_ones) == 1 and headings and headings[0][1] == 1
    sections: list[Section] = []
    paths: list[str] = []
    stack: list[tuple[int, str]] = []
    for index, (line, level, title) in enumerate(headings):
        while stack and stack[-1][0] >= level:
            stack.pop()
        stack.append((level, title))
        titles = [t for lv, t in stack if not (skip_title and lv == 1)]
        path = " / ".join(titles) if titles else title
        if skip_title and index == 0:
            path = ""
        paths.append(path)
        sections.append(Section(path, title, level, line.number, _section_kind(titles) or ""))

    references = definitions(line.text for line in lines)
    entries = [_entry(d, paths[d.section] if d.section >= 0 else "", references) for d in drafts]
    if not entries:
        raise CatalogFormatError(f"{source}: {_nothing_readable(lines)}")
    named_other = {s.path for s in sections if s.kind == "other"}
    sections = _settle_kinds(sections, entries)
    entries = [  # in a section its heading called "other", each entry keeps its own kind
        replace(e, kind=_shape_kind(e)) if e.section in named_other else _with_kind(e, sections)
        for e in entries
    ]
    covered = {n for e in entries for n in range(e.line, e.end_line + 1)}
    covered |= {line.number for line, _level, _title in headings}
    unread = _unread(lines, covered)
    warnings: tuple[str, ...] = ()
    if unread:
        shown = ", ".join(str(n) for n in unread[:12]) + (", ..." if len(unread) > 12 else "")
        warnings = (
            f"{source}: {len(unread)} line(s) link an arXiv paper but were not read as an "
            f"entry (lines {shown}); those papers may be proposed again. Expected bullets, "
            "table rows, '### [Title](url)' headings or '**Title** \\' paragraphs; set "
            "list.template or open an issue with an excerpt",
        )
        for warning in warnings:
            _LOG.warning("%s", warning)
    return Catalog(
        source,
        text.encode("utf-8", "surrogateescape"),
        tuple(entries),
        tuple(sections),
        warnings,
        _linked_ids(lines),
    )


def _linked_ids(lines: Sequence[_Line]) -> frozenset[str]:
    """The arXiv ids the list links outside HTML comments and code blocks."""
    return frozenset(
        aid for _line, body in _outside_code_and_comments(lines) for url in _urls_in(body)
        if (aid := arxiv_id_from_url(url))
    )


def _outside_code_and_comments(lines: Sequence[_Line]) -> Iterator[tuple[_Line, str]]:
    """Each line outside code fences and HTML comments, with what it says outside them."""
    in_fence = in_comment = False
    for line in lines:
        body = line.text
        if in_comment:
            in_comment = "-->" not in body
            continue
        if FENCE.match(body):
            in_fence = not in_fence
            continue
        if in_fence:
            continue
        if "<!--" in body:
            in_comment = "-->" not in body.split("<!--", 1)[1]
            body = body.split("<!--", 1)[0]
        yield line, body


def _urls_in(body: str) -> list[str]:
    """The targets of a line's Markdown links and HTML hrefs."""
    return [a or b for a, b in _LINK_TARGET.findall(body)]


_LINK_TARGET = re.compile(r"\]\(\s*<?([^()\s>]+)|href=[\"']([^\"']+)")


def _unread(lines: Sequence[_Line], covered: set[int]) -> list[int]:
    """Lines outside code fences and comments, in no entry, that link an arXiv paper."""
    unread = []
    previous: str | None = None
    for line, body in _outside_code_and_comments(lines):
        if line.number in covered:
            continue
        urls = _urls_in(body)
        bullet = bullet_match(body)
        news = bool(bullet) and bool(_NEWS.match(body[bullet.end() :] if bullet else ""))
        listed = (bool(bullet) and not news) or body.lstrip().startswith("|") or (
            previous is not None
            and bool(bullet_match(previous))
            and previous.endswith(("  ", "\\", "<br>"))
        )
        if listed and any(arxiv_id_from_url(url) for url in urls):
            unread.append(line.number)
        previous = body if body.strip() else previous
    return unread


def _settle_kinds(sections: list[Section], entries: list[Entry]) -> list[Section]:
    """Sections whose heading names no kind take the kind their entries' shape suggests."""
    shapes: dict[str, Counter[EntryKind]] = defaultdict(Counter)
    arxiv: Counter[str] = Counter()
    for entry in entries:
        shapes[entry.section][_shape_kind(entry)] += 1
        arxiv[entry.section] += entry.arxiv_id is not None
    settled = []
    for section in sections:
        kind: EntryKind | Literal[""] = section.kind
        held = sum(shapes.get(section.path, Counter()).values())
        if kind == "other" and arxiv[section.path] * 2 > held:
            # "Video", "Talks": the heading's word does not override what it holds, papers
            kind = ""
        if not kind:
            kind = shapes[section.path].most_common(1)[0][0] if section.path in shapes else "other"
        settled.append(Section(section.path, section.title, section.level, section.line, kind))
    return settled


def _shape_kind(entry: Entry) -> EntryKind:
    title = entry.title.lower()
    if re.search(r"\bsurvey\b", title):
        return "survey"
    if entry.arxiv_id or entry.date:
        return "benchmark" if re.search(r"\bbench(mark)?\b", title) else "paper"
    return "project"


def _with_kind(entry: Entry, sections: Sequence[Section]) -> Entry:
    section_kind: EntryKind | Literal[""] = next(
        (s.kind for s in sections if s.path == entry.section), ""
    )
    kind: EntryKind = section_kind or "other"
    if kind == "other":  # a section that names no kind of its own: the entry's shape says
        kind = _shape_kind(entry)
    return replace(entry, kind=kind)


def _entry(draft: _Draft, path: str, references: Mapping[str, str] | None = None) -> Entry:
    """The entry a draft holds; its kind is settled once every entry is known. A bullet's
    reference links are read as the links they stand for (its ``raw`` stays as written)."""
    raw = "\n".join(line.text for line in draft.lines)
    first, last = draft.lines[0].number, draft.lines[-1].number
    if draft.shape == "table" and draft.row:  # an HTML row: read as the Markdown row it is
        return replace(table_entry(draft.row, draft.header, path, first, draft.roles),
                       end_line=last)
    if draft.shape == "table":
        return table_entry(raw, draft.header, path, first, draft.roles)
    if draft.shape in {"heading", "paragraph"}:
        lead_line = draft.lines[0].text
        if draft.shape == "heading":
            match = HEADING.match(lead_line)
            lead = match.group("text") or "" if match else lead_line
        else:
            lead = lead_line.strip().removesuffix("\\").strip()
        numbered = [(line.number, line.text) for line in draft.lines]
        return block_entry(numbered, draft.shape, lead, path)
    bullet = BULLET.match(draft.lines[0].text)
    assert bullet is not None  # drafts start on a bullet line
    if references and "][" in raw:
        read = bullet_entry(resolved(raw, references), bullet.end(), first, last, path)
        return replace(read, raw=raw)
    return bullet_entry(raw, bullet.end(), first, last, path)
