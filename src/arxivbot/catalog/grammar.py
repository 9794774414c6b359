"""The Markdown grammar of a list: inline tokens, table cells, block markers, headings, dates.

Everything here reads text and nothing else: no entries, no sections, no style. The other
modules of the package build on these definitions (one bullet grammar, one link grammar, one
date grammar), so a list shape is read the same way wherever it is needed.
"""

from __future__ import annotations

import html
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from arxivbot.safe_text import collapse_whitespace

__all__ = [
    "BR",
    "BULLET",
    "FENCE",
    "HEADING",
    "HTML_ROW",
    "HTML_TABLE_CLOSE",
    "HTML_TABLE_OPEN",
    "HTTP",
    "SETEXT",
    "TABLE_SEPARATOR",
    "WRAPS",
    "Token",
    "bullet_match",
    "clean_heading",
    "date_form",
    "date_key",
    "entry_tokens",
    "html_cells",
    "html_row",
    "links_in",
    "split_row",
    "tokenize",
]

# ---------------------------------------------------------------------------------------------
# Block markers

HEADING = re.compile(r"^ {0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*?))?[ \t]*$")
# The one bullet grammar: indent, marker (``-``, ``*``, ``+`` or ``1.``/``1)``), the space after.
BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+)")
_BULLET_TEXT = re.compile(r"\S")
FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
TABLE_SEPARATOR = re.compile(r"^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$")
SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
HTTP = re.compile(r"^(https?:)?//", re.IGNORECASE)
BR = re.compile(r"<br\s*/?>", re.IGNORECASE)  # an HTML line break inside an entry or a cell
WRAPS = ("**", "__")  # emphasis around a title: **[Title](url)**, **Title**


def bullet_match(line: str) -> re.Match[str] | None:
    """The bullet marker opening ``line`` when text follows it on the same line, else None."""
    match = BULLET.match(line)
    if match is None or "\n" in line or not _BULLET_TEXT.match(line, match.end()):
        return None
    return match


# ---------------------------------------------------------------------------------------------
# Inline tokens of an entry

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
    return list(_tokens(content))  # a fresh list: callers may pop from it


@lru_cache(maxsize=16384)  # reading, style inference and the measure tokenize the same lines
def _tokens(content: str) -> tuple[Token, ...]:
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
        if token is None and ch == "(" and not (i and content[i - 1].isalnum()):
            close = _match_close(content, i, "(", ")")  # "SE(3)", "Learning(s)": one word
            if close != -1:
                end = close
                token = Token("paren", "", content[i:end], content[i + 1 : close - 1])
        if (
            token is None
            and text_start == -1
            and tokens
            and gap_start == i
            and tokens[-1].kind in {"link", "dlink"}
            and content.startswith(WRAPS, i)
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
    return tuple(tokens)


# A date that opens an entry in a decoration: ``**[2025-03]**``, ``**2025-03**``, `` `2025.03` ``,
# after an emoji or two (``🔥 **[2025-03]**``). A bare ``[2503]`` or ``26.03`` needs no help.
_DATE_PREFIX = re.compile(
    r"^(?P<pre>(?P<deco>[^\w\s\[\]()*_`<>!|\\]{1,4}[ \t]*)?(?P<w>\*\*|__|`)?(?P<b>\[)?)"
    r"(?P<d>[^\[\]*_`\s](?:[^\[\]*_`\n]{0,18}?[^\[\]*_`\s])?)(?(b)\])(?(w)(?P=w))(?=[ \t])"
)


def entry_tokens(content: str) -> list[Token]:
    """``tokenize`` for an entry's lead: a decorated date that opens it is one ``text`` token
    whose ``text`` is the date as written (``**[2025-03]**`` reads ``2025-03``)."""
    match = _DATE_PREFIX.match(content)
    if (
        match is None
        or not (match.group("w") or match.group("deco"))
        or date_form(match.group("d")) is None
    ):
        return tokenize(content)
    prefix = match.group()
    return [Token("text", "", prefix, match.group("d")), *tokenize(content[len(prefix) :])]


def split_row(line: str) -> list[str]:
    """The cells of a Markdown table row, exactly as written (padding kept, pipes dropped)."""
    body = line.strip()
    body = body.removeprefix("|")
    if body.endswith("|") and not body.endswith("\\|"):
        body = body[:-1]
    return re.split(r"(?<!\\)\|", body)



# HTML tables: <table> ... <tr><td><a href="url">Title</a></td><td>Venue</td> ... </tr>
HTML_TABLE_OPEN = re.compile(r"<table\b", re.IGNORECASE)
HTML_TABLE_CLOSE = re.compile(r"</table\s*>", re.IGNORECASE)
HTML_ROW = re.compile(r"<tr\b[^>]*>(?P<body>.*?)</tr\s*>", re.IGNORECASE | re.DOTALL)
_HTML_CELL = re.compile(
    r"(?P<open><t(?P<k>[hd])\b[^>]*>)(?P<c>.*?)(?P<close></t(?P=k)\s*>)", re.IGNORECASE | re.DOTALL
)
_HTML_A = re.compile(
    r"<a\b[^>]*?\bhref\s*=\s*[\"'](?P<u>[^\"']*)[\"'][^>]*>(?P<t>.*?)</a\s*>",
    re.IGNORECASE | re.DOTALL,
)
_HTML_IMG = re.compile(r"<img\b[^>]*>", re.IGNORECASE)
_HTML_ATTR = re.compile(r"\b(?P<k>src|alt)\s*=\s*[\"'](?P<v>[^\"']*)[\"']", re.IGNORECASE)
_HTML_TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def html_cells(row: str) -> list[tuple[str, str]]:
    """The (kind ``th``/``td``, content as Markdown) of each cell of an HTML table row:
    ``<a href="u">T</a>`` reads ``[T](u)``, ``<img src="s" alt="a">`` reads ``![a](s)``,
    other tags are dropped, entities decoded, a pipe escaped."""
    def image(match: re.Match[str]) -> str:
        attrs = {m.group("k").lower(): m.group("v") for m in _HTML_ATTR.finditer(match.group())}
        return f"![{attrs.get('alt', '')}]({attrs['src']})" if attrs.get("src") else ""

    def markdown(text: str) -> str:
        text = _HTML_IMG.sub(image, text)
        text = _HTML_A.sub(lambda m: f"[{markdown(m.group('t')).strip()}]({m.group('u')})", text)
        text = _HTML_TAG.sub(" ", text)
        text = html.unescape(" ".join(text.split()))
        return text.replace("|", "\\|")

    return [(m.group("k").lower(), markdown(m.group("c"))) for m in _HTML_CELL.finditer(row)]


def html_row(template: str, cells: Sequence[str]) -> str | None:
    """A new HTML row laid out like ``template`` (an existing row's text), each cell's content
    replaced by the Markdown cell of the same column written as HTML; None if the counts differ."""
    found = list(_HTML_CELL.finditer(template))
    if len(found) != len(cells):
        return None

    def to_html(cell: str) -> str:
        cell = cell.strip().replace("\\|", "|")
        out, at = [], 0
        for m in re.finditer(r"(!?)\[((?:!\[[^\]]*\]\([^)\s]*\)|[^\]])*)\]\(([^)\s]+)\)", cell):
            out.append(html.escape(cell[at : m.start()], quote=False))
            label, url = m.group(2), html.escape(m.group(3))
            if m.group(1):
                out.append(f'<img src="{url}" alt="{html.escape(label)}">')
            else:
                out.append(f'<a href="{url}">{to_html(label)}</a>')
            at = m.end()
        out.append(html.escape(cell[at:], quote=False))
        return "".join(out)

    pieces, at = [], 0
    for m, cell in zip(found, cells, strict=True):
        inner = m.group("c")
        lead = inner[: len(inner) - len(inner.lstrip())]
        tail = inner[len(inner.rstrip()) :]
        pieces.append(template[at : m.start("c")] + lead + to_html(cell) + tail)
        at = m.end("c")
    pieces.append(template[at:])
    return "".join(pieces)


def links_in(text: str) -> list[tuple[str, str]]:
    """The (label, url) of every link in ``text``, in order."""
    return [(t.text, t.url) for t in tokenize(text) if t.kind in {"link", "dlink"}]


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
    text = re.sub(r"</?[a-zA-Z][^>]*>", " ", text)  # <h3 id=...>, <b>, <i>
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", text)  # links and images -> their text
    text = re.sub(r"[*_`]", "", text)
    text = re.sub(r"[^\x00-\x7f]+", lambda m: " " if _is_decoration(m.group()) else m.group(), text)
    return collapse_whitespace(text) or text.strip()


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
    ("yyyy/mm/dd", re.compile(r"^(?P<y>(?:19|20)\d{2})/(?P<m>\d{1,2})/(?P<d>\d{1,2})$")),
    ("yyyy.mm.dd", re.compile(r"^(?P<y>(?:19|20)\d{2})\.(?P<m>\d{1,2})\.(?P<d>\d{1,2})$")),
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

