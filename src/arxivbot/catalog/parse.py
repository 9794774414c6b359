"""Read an awesome-list: its sections, its entries, and the arXiv papers it already holds.

``parse_catalog`` is pure: Markdown text in, a ``Catalog`` out. ``read_catalog`` is the one
edge that touches the filesystem; it decodes with ``surrogateescape`` so every byte of the
file survives (mis-encoded emoji, stray Latin-1) and keeps the original bytes for insertion.

An entry is a bullet that starts with a bracket or a link (``* [2503] [Name] [Title](url)``,
``- [Title](url)``, ``1. **Title** [[Paper](url)]``), possibly wrapped onto indented lines,
or a row of a Markdown table. Prose bullets and tables of contents are not entries.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from arxivbot.arxiv_ids import arxiv_id_from_url
from arxivbot.errors import CatalogFormatError
from arxivbot.records import CatalogEntry, Section

if TYPE_CHECKING:
    from arxivbot.catalog.style import ListStyle

__all__ = [
    "Catalog",
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
# Inline tokens of a bullet entry


@dataclass(frozen=True, slots=True)
class Token:
    """One inline part of an entry, with the exact whitespace written before it.

    kind: ``bracket`` (``[text]``), ``link`` (``[label](url)``), ``dlink`` (``[[label](url)]``),
    ``image`` (``![alt](url)``), ``paren`` (``(text)``, may hold links) or ``text``.
    ``text`` is the label/alt/inner text; ``url`` the real link target; ``raw`` the exact source.
    """

    kind: str
    gap: str
    raw: str
    text: str = ""
    url: str = ""


def _match_close(s: str, i: int, open_ch: str, close_ch: str) -> int:
    """Index just past the bracket that closes ``s[i]``, or -1 (nesting and escapes honoured)."""
    depth = 0
    j = i
    while j < len(s):
        ch = s[j]
        if ch == "\\":
            j += 2
            continue
        if ch == "\n" and s[j + 1 : j + 2] == "\n":
            return -1  # a blank line ends any inline construct
        if ch == open_ch:
            depth += 1
        elif ch == close_ch:
            depth -= 1
            if depth == 0:
                return j + 1
        j += 1
    return -1


_NESTED_DEST = re.compile(r"^\[[^\]]*\]\((?P<url>[^()\s]*)\)$")


def _link_target(dest: str) -> str:
    """The real URL of a link destination: ``<url>``, ``url "title"`` or a nested link."""
    dest = dest.strip()
    nested = _NESTED_DEST.match(dest)
    if nested:  # [Title]([shown](real)) -- the outer link's target is the inner link's
        return nested.group("url")
    if dest.startswith("<") and ">" in dest:
        return dest[1 : dest.index(">")]
    return dest.split()[0] if dest else ""


def _try_link(s: str, i: int) -> tuple[int, str, str] | None:
    """``[label](dest)`` starting at ``s[i]``: (end, label, url) or None."""
    close = _match_close(s, i, "[", "]")
    if close == -1 or s[close : close + 1] != "(":
        return None
    end = _match_close(s, close, "(", ")")
    if end == -1:
        return None
    return end, s[i + 1 : close - 1], _link_target(s[close + 1 : end - 1])


def tokenize(content: str) -> list[Token]:
    """Split an entry's text (after its bullet marker) into tokens; ``"".join(raw)`` restores it.

    Trailing whitespace becomes a final ``text`` token with empty ``raw`` and the space as gap.
    """
    tokens: list[Token] = []
    i, n = 0, len(content)
    gap_start = 0
    text_start = -1

    def flush_text(upto: int) -> None:
        nonlocal text_start, gap_start
        if text_start == -1:
            return
        chunk = content[text_start:upto]
        stripped = chunk.rstrip()
        tokens.append(Token("text", content[gap_start:text_start], stripped, stripped))
        gap_start = text_start + len(stripped)
        text_start = -1

    while i < n:
        ch = content[i]
        token: Token | None = None
        end = i
        if ch in " \t\n":
            i += 1
            continue
        if ch == "[" and content[i + 1 : i + 2] == "[":
            inner = _try_link(content, i + 1)
            if inner and content[inner[0] : inner[0] + 1] == "]":
                end = inner[0] + 1
                token = Token("dlink", "", content[i:end], inner[1], inner[2])
        if token is None and ch == "!" and content[i + 1 : i + 2] == "[":
            inner = _try_link(content, i + 1)
            if inner:
                end = inner[0]
                token = Token("image", "", content[i:end], inner[1], inner[2])
        if token is None and ch == "[":
            inner = _try_link(content, i)
            if inner:
                end = inner[0]
                token = Token("link", "", content[i:end], inner[1], inner[2])
            else:
                close = _match_close(content, i, "[", "]")
                if close != -1:
                    end = close
                    token = Token("bracket", "", content[i:end], content[i + 1 : close - 1])
        if token is None and ch == "(":
            close = _match_close(content, i, "(", ")")
            if close != -1:
                end = close
                token = Token("paren", "", content[i:end], content[i + 1 : close - 1])
        if (
            token is None
            and text_start == -1
            and tokens
            and gap_start == i
            and tokens[-1].kind in {"link", "dlink"}
            and content.startswith(_WRAPS, i)
        ):  # the "**" closing **[Title](url)** stands alone, not glued to the text after it
            end = i + 2
            token = Token("text", "", content[i:end], content[i:end])
        if token is None:
            if text_start == -1:
                text_start = i
            i += 1
            continue
        flush_text(i)
        tokens.append(Token(token.kind, content[gap_start:i], token.raw, token.text, token.url))
        i = gap_start = end
    flush_text(n)
    if gap_start < n:
        tokens.append(Token("text", content[gap_start:], "", ""))
    return tokens


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row, exactly as written (padding kept, pipes dropped)."""
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return re.split(r"(?<!\\)\|", body)


# ---------------------------------------------------------------------------------------------
# Headings and kinds


def _unmojibake(text: str) -> str:
    """Undo one round of UTF-8 read as cp1252 or cp1254 (``ðŸ’»`` -> 💻); else unchanged."""
    for codepage in ("cp1252", "cp1254"):
        out = bytearray()
        for ch in text:
            try:
                out += ch.encode(codepage)
            except UnicodeEncodeError:
                if ord(ch) >= 256:
                    break
                out.append(ord(ch))
        else:
            try:
                return out.decode("utf-8")
            except UnicodeDecodeError:
                continue
    return text


_LETTER_CATEGORIES = {"Lu", "Ll", "Lt", "Lo", "Lm"}
# How the lead byte of a 3- or 4-byte UTF-8 sequence reads in cp1252/cp1254: the start of
# an emoji's mojibake even when a byte of it was lost (``Omniâ˜ºï``).
_MOJIBAKE_LEADS = "ðğâãïÃÂÐ"


def _is_decoration(run: str) -> bool:
    """A run of non-ASCII characters that is an emoji (or its mojibake), not a word."""
    if any(unicodedata.category(ch) not in _LETTER_CATEGORIES for ch in run):
        return True
    if _unmojibake(run) != run:
        return True
    return (
        len(run) >= 2
        and run[0] in _MOJIBAKE_LEADS
        and any(0x80 <= ord(ch) <= 0x2FF or ch in "ŒŸŠŽœšžƒ" for ch in run[1:])
    )


def clean_heading(text: str) -> str:
    """A heading's text without emoji, Markdown decoration or closing hashes: ``Papers``."""
    text = re.sub(r"\s#+\s*$", "", text.strip())
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images -> their text
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"[^\x00-\x7f]+", lambda m: " " if _is_decoration(m.group()) else m.group(), text)
    return " ".join(text.split()) or text.strip()


# Keywords in a heading that say what its entries are; checked innermost heading first.
_KIND_WORDS: tuple[tuple[str, str], ...] = (
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


def _heading_kind(title: str) -> str | None:
    lowered = title.lower()
    for kind, pattern in _KIND_WORDS:
        if re.search(pattern, lowered):
            return kind
    return None


def _section_kind(titles: Sequence[str]) -> str | None:
    for title in reversed(titles):  # the innermost heading says most
        kind = _heading_kind(title)
        if kind:
            return kind
    return None


# ---------------------------------------------------------------------------------------------
# Dates as lists write them

_MONTHS = {
    m: i
    for i, m in enumerate(
        ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"), 1
    )
}
_DATE_PATTERNS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("yymm", re.compile(r"^(?P<y>\d{2})(?P<m>0[1-9]|1[0-2])$")),
    ("yy.mm", re.compile(r"^(?P<y>[12]\d)\.(?P<m>0[1-9]|1[0-2])$")),
    ("yyyy-mm-dd", re.compile(r"^(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})-(?P<d>\d{1,2})$")),
    ("yyyy.mm", re.compile(r"^(?P<y>(?:19|20)\d{2})\.(?P<m>\d{1,2})$")),
    ("yyyy-mm", re.compile(r"^(?P<y>(?:19|20)\d{2})-(?P<m>\d{1,2})$")),
    ("yyyy/mm", re.compile(r"^(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})$")),
    ("mon d, yyyy", re.compile(r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<d>\d{1,2}),? (?P<y>\d{4})$")),
    ("d mon yyyy", re.compile(r"^(?P<d>\d{1,2}) (?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<y>\d{4})$")),
    ("mon yyyy", re.compile(r"^(?P<mon>[A-Za-z]{3})[a-z]*\.? (?P<y>\d{4})$")),
    ("yyyy", re.compile(r"^(?P<y>(?:19|20)\d{2})$")),
)


def date_form(text: str) -> str | None:
    """The form a written date takes (``yymm``, ``mon d, yyyy`` ...), or None if not a date."""
    return _parse_date(text)[0]


def date_key(text: str | None) -> tuple[int, int, int] | None:
    """(year, month, day) of a written date, 0 for parts it does not give; None if not a date."""
    return _parse_date(text)[1] if text else None


def _parse_date(text: str) -> tuple[str | None, tuple[int, int, int] | None]:
    text = text.strip()
    for form, pattern in _DATE_PATTERNS:
        match = pattern.match(text)
        if not match:
            continue
        parts = match.groupdict()
        month = (
            _MONTHS.get((parts.get("mon") or "").lower()[:3], 0)
            if parts.get("mon")
            else int(parts.get("m") or 0)
        )
        if parts.get("mon") and not month:
            continue
        year = int(parts["y"])
        year = year + 2000 if year < 100 else year
        if not 0 <= month <= 12:
            continue
        return form, (year, month, int(parts.get("d") or 0))
    return None, None


# ---------------------------------------------------------------------------------------------
# The catalog


@dataclass(frozen=True, slots=True)
class Catalog:
    """A parsed awesome-list: its entries and sections, and the bytes it was read from."""

    source: str
    raw: bytes
    entries: tuple[CatalogEntry, ...]
    sections: tuple[Section, ...]
    style: ListStyle = field(compare=False)

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
        return frozenset(e.arxiv_id for e in self.entries if e.arxiv_id) | linked

    @property
    def duplicates(self) -> tuple[tuple[CatalogEntry, ...], ...]:
        """Groups of entries that are the same paper: by arXiv id, else by normalised title."""
        return _duplicates(self.entries)

    def paper_sections(self) -> tuple[Section, ...]:
        """The sections of kind ``paper`` that hold entries, in list order."""
        held = {e.section for e in self.entries}
        return tuple(s for s in self.sections if s.kind == "paper" and s.path in held)

    def section(self, path: str) -> Section | None:
        return next((s for s in self.sections if s.path == path), None)

    def entries_in(self, path: str) -> tuple[CatalogEntry, ...]:
        return tuple(e for e in self.entries if e.section == path)


def normalise_title(title: str) -> str:
    """A title for comparing: lower case, no punctuation, no `2024` year decoration."""
    title = re.sub(r"`(?:19|20)\d{2}`", " ", title)
    return re.sub(r"[^0-9a-z]+", " ", title.lower()).strip()


def _duplicates(entries: Sequence[CatalogEntry]) -> tuple[tuple[CatalogEntry, ...], ...]:
    groups: dict[str, list[CatalogEntry]] = defaultdict(list)
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
    return Catalog(catalog.source, raw, catalog.entries, catalog.sections, catalog.style)


# ---------------------------------------------------------------------------------------------
# Parsing text

_HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
_BULLET = re.compile(
    r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+)(?P<rest>\S.*)$"
)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_HTTP = re.compile(r"^(https?:)?//", re.IGNORECASE)


@dataclass(slots=True)
class _Line:
    number: int  # 1-based
    text: str  # without its line ending


@dataclass(slots=True)
class _Draft:
    """An entry being assembled: its lines and where it sits."""

    lines: list[_Line]
    section: int  # index into the heading list, -1 before any heading
    shape: str  # bullet | table
    header: tuple[str, ...] = ()  # table only: the header cells


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
        _HEADING.match(text)
        or _BULLET.match(text)
        or _FENCE.match(text)
        or stripped.startswith(("|", "<", ">", "---", "***", "==="))
    )


# A paragraph entry opens with a bold title on its own line: **Title** \ (or two spaces)
_PARAGRAPH_START = re.compile(r"^ {0,3}(\*\*|__)[^*_\s].*?(\*\*|__)[ \t]*(\\|  )?[ \t]*$")


def _is_heading_entry(text: str) -> bool:
    """A heading that is a paper: it opens with a web link (``### [Title](https://...)``)."""
    tokens = [t for t in tokenize(text) if t.raw]
    if tokens and tokens[0].raw in _WRAPS and len(tokens) > 1:
        tokens = tokens[1:]
    return bool(tokens) and tokens[0].kind in {"link", "dlink"} and bool(_HTTP.match(tokens[0].url))


def _looks_like_entry(content: str) -> bool:
    """A bullet's text is an entry when it opens with a bracket/link and names a real link."""
    tokens = [t for t in tokenize(content) if t.raw]
    if not tokens:
        return False
    first = tokens[0]
    links = [t for t in tokens if t.kind in {"link", "dlink"}]
    nested = re.findall(r"\]\(([^)\s]+)", content)
    if first.kind in {"link", "dlink"} and not _HTTP.match(first.url):
        return False  # a table of contents ([Papers](#papers)) or a relative link
    has_web_link = any(_HTTP.match(t.url) for t in links) or any(_HTTP.match(u) for u in nested)
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
    if first.raw in _WRAPS and len(tokens) > 1 and tokens[1].kind in {"link", "dlink"}:
        return _HTTP.match(tokens[1].url) is not None  # **[Title](url)** ...
    if re.match(r"^(\*\*|__)[^*_].*?(\*\*|__)", first.raw):
        return has_web_link  # **Title** [[Paper](url)] [[Code](url)]
    # "Title. [[Paper]](arxiv) [[Code]](url)" or "Title (Short) `2024` [[NeurIPS](venue)]":
    # a short plain title (parentheses allowed), then a link to the paper or its venue
    lead = next((k for k, t in enumerate(tokens) if t.kind in {"link", "dlink"}), len(tokens))
    if lead == len(tokens) or any(t.kind not in {"text", "paren"} for t in tokens[:lead]):
        return False
    words = sum(len(t.raw.split()) for t in tokens[:lead])
    paper_link = lead == 1 and any(arxiv_id_from_url(t.url) for t in links)
    venue_link = tokens[lead].kind == "dlink" and _HTTP.match(tokens[lead].url) is not None
    return (paper_link or venue_link) and words <= 30


def _nothing_readable(lines: Sequence[_Line]) -> str:
    """What a list without a readable entry holds, and what to do about it."""
    bullets = [ln.number for ln in lines if _BULLET.match(ln.text)]
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
    marker = _BULLET.match(current.lines[0].text)
    if marker is None:
        return False
    column = len(marker.group("indent")) + len(marker.group("marker")) + len(marker.group("space"))
    nxt = lines[j].text
    indent = len(nxt) - len(nxt.lstrip(" \t"))
    if indent < column or _HEADING.match(nxt) or _FENCE.match(nxt):
        return False
    bullet = _BULLET.match(nxt)
    return not (bullet and _looks_like_entry(bullet.group("rest")))


def parse_catalog(text: str, source: str = "<list>") -> Catalog:
    """Parse an awesome-list's text into a Catalog (pure; ``raw`` is the text re-encoded)."""
    from arxivbot.catalog.style import infer_style  # style builds on the catalog's records

    lines = _lines(text)
    headings: list[tuple[_Line, int, str]] = []  # (line, level, cleaned title)
    drafts: list[_Draft] = []
    current: _Draft | None = None
    in_fence = False
    in_comment = False
    i = 0
    while i < len(lines):
        line = lines[i]
        body = line.text
        if in_comment:
            in_comment = "-->" not in body
            i += 1
            continue
        if _FENCE.match(body):
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
        heading = _HEADING.match(body)
        setext = (
            i + 1 < len(lines)
            and not _is_blank(body)
            and not _is_block_start(body)
            and current is None
            and _SETEXT.match(lines[i + 1].text)
        )
        if setext:  # Title\n===== (level 1) or Title\n----- (level 2)
            level = 1 if "=" in lines[i + 1].text else 2
            headings.append((line, level, clean_heading(body)))
            i += 2
            continue
        if heading and _is_heading_entry(heading.group("text") or ""):
            # ### [Title](url) followed by its metadata bullets: a paper, not a section
            current = _Draft([line], len(headings) - 1, "heading")
            drafts.append(current)
            i += 1
            continue
        if current is not None and current.shape == "heading" and not heading:
            if not (_FENCE.match(body) or body.lstrip().startswith(("|", "<!--"))):
                if not _is_blank(body):
                    current.lines.append(line)  # its metadata, even after a blank line
                i += 1
                continue
            current = None
        if heading:
            current = None
            headings.append(
                (line, len(heading.group("hashes")), clean_heading(heading.group("text") or ""))
            )
            i += 1
            continue
        if (
            "|" in body
            and i + 1 < len(lines)
            and _TABLE_SEPARATOR.match(lines[i + 1].text)
            and "-" in lines[i + 1].text
        ):
            header = tuple(c.strip() for c in split_row(body))
            j = i + 2
            while j < len(lines) and "|" in lines[j].text and not _is_blank(lines[j].text):
                row = lines[j].text
                if any(
                    _HTTP.match(t.url) for t in tokenize(row) if t.kind in {"link", "dlink"}
                ) or (any(date_form(c.strip()) for c in split_row(row))):
                    drafts.append(_Draft([lines[j]], len(headings) - 1, "table", header))
                j += 1
            current = None
            i = j
            continue
        if current is None and _PARAGRAPH_START.match(body):
            j = i
            while j < len(lines) and not _is_blank(lines[j].text) and (
                j == i or not _is_block_start(lines[j].text) or lines[j].text.startswith("*")
            ) and not _HEADING.match(lines[j].text):
                j += 1
            block = lines[i:j]
            if any(_HTTP.match(t.url) for ln in block for t in tokenize(ln.text)
                   if t.kind in {"link", "dlink"}):
                drafts.append(_Draft(block, len(headings) - 1, "paragraph"))
                i = j
                continue
        bullet = _BULLET.match(body)
        if bullet and _looks_like_entry(bullet.group("rest")):
            current = _Draft([line], len(headings) - 1, "bullet")
            drafts.append(current)
        elif (
            current is not None
            and not _is_blank(body)
            and (body[:1] in {" ", "\t"} or not _is_block_start(body))
        ):
            current.lines.append(line)  # a wrapped entry, or a note nested under it
        elif current is not None and _is_blank(body) and _continues_after_blank(current, lines, i):
            pass  # 1. **[Title](url)** / (blank) / indented *Authors.* Venue: one entry
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

    entries = [_entry(d, paths[d.section] if d.section >= 0 else "") for d in drafts]
    if not entries:
        raise CatalogFormatError(f"{source}: {_nothing_readable(lines)}")
    sections = _settle_kinds(sections, entries)
    entries = [_with_kind(e, sections) for e in entries]
    style = infer_style(entries, text)
    return Catalog(
        source, text.encode("utf-8", "surrogateescape"), tuple(entries), tuple(sections), style
    )


def _settle_kinds(sections: list[Section], entries: list[CatalogEntry]) -> list[Section]:
    """Sections whose heading names no kind take the kind their entries' shape suggests."""
    shapes: dict[str, Counter[str]] = defaultdict(Counter)
    for entry in entries:
        shapes[entry.section][_shape_kind(entry)] += 1
    settled = []
    for section in sections:
        kind = section.kind
        if not kind:
            kind = shapes[section.path].most_common(1)[0][0] if section.path in shapes else "other"
        settled.append(Section(section.path, section.title, section.level, section.line, kind))
    return settled


def _shape_kind(entry: CatalogEntry) -> str:
    title = entry.title.lower()
    if re.search(r"\bsurvey\b", title):
        return "survey"
    if entry.arxiv_id or entry.date:
        return "benchmark" if re.search(r"\bbench(mark)?\b", title) else "paper"
    return "project"


def _with_kind(entry: CatalogEntry, sections: Sequence[Section]) -> CatalogEntry:
    section_kind = next((s.kind for s in sections if s.path == entry.section), "")
    kind = (
        section_kind
        if section_kind in {"paper", "benchmark", "project", "survey"}
        else (_shape_kind(entry))
    )
    return CatalogEntry(
        entry.line,
        entry.end_line,
        entry.section,
        kind,
        entry.arxiv_id,
        entry.title,
        entry.name,
        entry.date,
        entry.links,
        entry.raw,
        entry.shape,
    )


def _strip_symbols(text: str) -> str:
    """A label without its emoji (or their mojibake): ``EasyR1 💻`` -> ``EasyR1``."""
    return clean_heading(text) if text.strip() else text


def _entry(draft: _Draft, path: str) -> CatalogEntry:
    """The entry a draft holds; its kind is settled once every entry is known."""
    raw = "\n".join(line.text for line in draft.lines)
    first, last = draft.lines[0].number, draft.lines[-1].number
    if draft.shape == "table":
        return _table_entry(raw, draft.header, path, first)
    if draft.shape in {"heading", "paragraph"}:
        return _block_entry(draft, raw, path)
    bullet = _BULLET.match(draft.lines[0].text)
    assert bullet is not None  # drafts start on a bullet line
    content = raw[
        len(bullet.group("indent")) + len(bullet.group("marker")) + len(bullet.group("space")) :
    ]
    fields = bullet_fields(tokenize(content))
    return CatalogEntry(
        line=first,
        end_line=last,
        section=path,
        kind="",
        arxiv_id=fields.arxiv_id,
        title=fields.title,
        name=fields.name,
        date=fields.date,
        links=fields.links,
        raw=raw,
    )


def _block_entry(draft: _Draft, raw: str, path: str) -> CatalogEntry:
    """A heading entry (``### [Title](url)`` + metadata) or a paragraph entry (``**Title** \\``)."""
    first = draft.lines[0].text
    if draft.shape == "heading":
        match = _HEADING.match(first)
        lead = match.group("text") or "" if match else first
    else:
        lead = first.strip().removesuffix("\\").strip()
    fields = bullet_fields(tokenize(lead))
    links = list(fields.links)
    for line in draft.lines[1:]:
        links.extend(_links_in(line.text))
    arxiv_id = fields.arxiv_id or next(
        (aid for _label, url in links if (aid := arxiv_id_from_url(url))), None
    )
    date = fields.date
    if date is None:  # a paragraph's last line is often its date: "16 Oct 2023"
        tail = draft.lines[-1].text.strip().removesuffix("\\").strip()
        date = tail if date_form(tail) else None
    paper = next((u for label, u in links if arxiv_id_from_url(u)), None)
    if fields.title_kind in {"link", "dlink"} or paper is None:
        links_out = tuple(links)
    else:  # the paper link sits on a later line: label it plainly, as a title link would be
        links_out = tuple(("Paper", u) if u == paper else (label, u) for label, u in links)
    return CatalogEntry(
        line=draft.lines[0].number,
        end_line=draft.lines[-1].number,
        section=path,
        kind="",
        arxiv_id=arxiv_id,
        title=fields.title,
        name=fields.name,
        date=date,
        links=links_out,
        raw=raw,
        shape=draft.shape,
    )


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


_WRAPS = ("**", "__")


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
        and solid[k].raw in _WRAPS
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
        if wrap:
            closing = solid[k] if k < len(solid) else None
            if closing is not None and closing.raw == wrap and not closing.gap:
                k += 1
            else:  # not a real emphasis pair: read the marker as text before the title
                wrap, wrap_token, title_token, names = "", None, None, []
                k -= 2
                brackets = []
    if title_token is None and brackets:
        title_token, names = brackets[-1], brackets[:-1]
    elif title_token is None and k < len(solid) and solid[k].kind == "text":
        title_token = solid[k]
        k += 1
        while k < len(solid) and solid[k].kind in {"text", "paren"} and any(
            t.kind in {"link", "dlink"} for t in solid[k:]
        ):  # a plain title holding parentheses: Reinforced Self-Training (ReST) for ...
            raw = title_token.raw + solid[k].gap + solid[k].raw
            title_token = Token("text", title_token.gap, raw, raw)
            k += 1
    for token in names:
        lead.append("name")
        slots.append(token)
    name = " ".join(t.text for t in names) or None
    if title_token is not None:
        if title_token.kind == "text":
            bold = re.fullmatch(r"(\*\*|__)(?P<t>.+?)(\*\*|__)", title_token.raw)
            title = bold.group("t") if bold else title_token.raw
            title_kind = "bold" if bold else "text"
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
            links.extend(_links_in(token.text))  # a note such as "(see [X](url))"
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    if arxiv_id is None:  # a [Paper](arxiv) badge, or an arXiv link anywhere else in the entry
        arxiv_id = next((aid for _label, url in links if (aid := arxiv_id_from_url(url))), None)
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


def _links_in(text: str) -> list[tuple[str, str]]:
    return [(t.text, t.url) for t in tokenize(text) if t.kind in {"link", "dlink"}]


_TABLE_ROLES: tuple[tuple[str, str], ...] = (
    ("date", r"date|time|year|month|published|release"),
    ("title", r"paper|title|publication|article|work"),
    ("name", r"name|model|method|short"),
    ("code", r"code|repo|github|implementation|source"),
    ("project", r"project|page|website|homepage|demo"),
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


def _table_entry(raw: str, header: tuple[str, ...], path: str, number: int) -> CatalogEntry:
    cells = [c.strip() for c in split_row(raw)]
    roles = column_roles(header)
    date = name = None
    title = ""
    paper_url: str | None = None
    links: list[tuple[str, str]] = []
    for cell, role in zip(cells, roles, strict=False):
        cell_links = [(t.text, t.url) for t in tokenize(cell) if t.kind in {"link", "dlink"}]
        if role == "title" and cell_links:
            links.append(("Paper", cell_links[0][1]))
            links.extend(cell_links[1:])
        else:
            links.extend(cell_links)
        if role == "date" and date is None:
            date = cell or None
        elif role == "title" and not title:
            title = cell_links[0][0] if cell_links else cell
            paper_url = cell_links[0][1] if cell_links else None
        elif role == "name" and name is None:
            name = (cell_links[0][0] if cell_links else cell) or None
    if not title and "title" not in roles:  # no paper column: the longest plain cell, if
        plain = [  # it reads like a title, else the first linked cell
            c for c, r in zip(cells, roles, strict=False)
            if r != "date" and c and not _links_in(c) and len(c.split()) >= 3
        ]
        title = max(plain, key=len) if plain else ""
    if not title:
        title = next((label for label, _url in links), cells[0] if cells else "")
    arxiv_id = arxiv_id_from_url(paper_url) if paper_url else None
    arxiv_id = arxiv_id or next((a for _l, u in links if (a := arxiv_id_from_url(u))), None)
    return CatalogEntry(
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
    )
