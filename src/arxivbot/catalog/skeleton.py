"""An entry's skeleton: its own text with the paper's facts as holes and the rest left out.

Every existing entry of a paper is mined into a ``Skeleton``: each line keeps its prefix
(bullet marker, heading hashes, indentation), and each part of a line is kept only when it
carries a fact the bot knows about a new paper (title, authors, date, year, arXiv id, name,
code or project link) or is pure decoration (``**``, ``|``, ``\\``, ``<br>``). The fact
becomes a hole; what the bot cannot know (a venue, an affiliation, a description, a model
link) is left out, so a skeleton never carries a neighbour's facts. A section's commonest
skeleton is how it writes an entry, whatever its shape: one line, a title line with author
sub-bullets, a heading with metadata bullets, a paragraph of lines ending in ``\\``.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from itertools import combinations

from arxivbot.arxiv_ids import ID_PATTERN, arxiv_id_from_url, id_month
from arxivbot.catalog.entry import Entry
from arxivbot.catalog.grammar import (
    BR,
    BULLET,
    HEADING,
    Token,
    clean_heading,
    date_form,
    date_key,
    tokenize,
)
from arxivbot.safe_text import collapse_whitespace

__all__ = [
    "Facts",
    "Skeleton",
    "authors_in",
    "choose",
    "facts_of",
    "fill",
    "format_authors",
    "labelled_like",
    "mine",
    "write_date",
]

HOLE = "\x00"  # holes are written \x00name\x00: a byte no list text holds (binary is refused)
_HOLE = re.compile("\x00([^\x00]+)\x00")
_SEPARATORS = {"|", "-", "–", "—", ",", ";", "/", "·", "•", ":", "&"}
# Words a new entry may carry besides its facts: link labels and the preprint venue.
_KNOWN_WORDS = {
    "arxiv", "preprint", "et", "al", "paper", "pdf", "code", "github", "project", "page",
    "website", "homepage", "demo", "official", "repo", "link", "abs", "html", "star", "stars",
    "authors", "author", "date", "published",  # the labels of metadata lines: "- **Date:** …"
}
_PARTICLES = {"de", "van", "von", "der", "den", "di", "da", "la", "le", "du", "del", "dos", "y"}


@dataclass(frozen=True, slots=True)
class AuthorForm:
    """How a list writes an author list: ``A, B, and C``; ``A, B et al.``; ``A, B, C.``."""

    sep: str = ", "
    last: str = ", "  # before the last name: ", " | " and " | ", and "
    etal: int = 0  # names kept before "et al." (0: all names)
    etal_text: str = " et al."
    end: str = ""  # "." after the list
    full_up_to: int = 0  # with ``etal``: lists of at most this many names are written whole
    pair: str = ""  # between exactly two names, where the list shows it: " and ", ", "


@dataclass(frozen=True, slots=True)
class Facts:
    """What the bot knows of a paper, as the entry (or the new paper) gives it."""

    arxiv_id: str
    title: str
    date: str | None = None  # as written, e.g. "13 Nov 2020"
    ymd: tuple[int, int, int] | None = None
    name: str | None = None
    authors: tuple[str, ...] = ()
    authors_text: str | None = None  # the author list as written
    code_url: str | None = None
    project_url: str | None = None


@dataclass(frozen=True, slots=True)
class Part:
    gap: str  # whitespace written before the part
    text: str  # the part with holes


@dataclass(frozen=True, slots=True)
class Line:
    blank_before: int  # blank lines between this line and the one before, inside the entry
    prefix: str  # indentation and marker, e.g. "  - ", "### ", "1. "
    parts: tuple[Part, ...]
    trailing: str  # whitespace (a hard break) at the end of the line


@dataclass(frozen=True, slots=True)
class Skeleton:
    lines: tuple[Line, ...]
    authors: AuthorForm | None = None

    @property
    def key(self) -> str:
        """The skeleton without its spacing and without the parts a paper may lack."""
        return _key_of(self.lines)

    def holes(self) -> set[str]:
        return set(_holes_of(self.lines))


@lru_cache(maxsize=65536)
def _holes_of(lines: tuple[Line, ...]) -> frozenset[str]:
    return frozenset(_line_holes(lines))


@lru_cache(maxsize=65536)
def _key_of(lines: tuple[Line, ...]) -> str:
    out = []
    for line in lines:
        holed = [p.text for p in line.parts if HOLE in p.text]
        if holed and all(_optional(t) for t in holed):
            continue  # a line only a paper with code (or a page) has: "- Code: [...]"
        parts = [
            _PAPER_URL.sub("](paper)", p.text)
            for k, p in enumerate(line.parts)
            if not _optional(p.text) and not _introduces_optional(line.parts, k)
        ]
        if parts or not line.parts:
            out.append(f"{line.blank_before}|{_digits(line.prefix.strip())}|" + " ".join(parts))
    return "\n".join(out)


_PAPER_URL = re.compile("\\]\\([^()\\s]*\x00arxiv_id\x00[^()\\s]*\\)")


def _introduces_optional(parts: Sequence[Part], index: int) -> bool:
    """A separator (``|``) right before a code or project link goes with that link."""
    return (
        parts[index].text in _SEPARATORS
        and index + 1 < len(parts)
        and HOLE in parts[index + 1].text
        and _optional(parts[index + 1].text)
    )


def _digits(text: str) -> str:
    return re.sub(r"\d+", "1", text)


def _optional(text: str) -> bool:
    """Parts a new paper may not have: its code or project link; and the preprint form an
    entry shows until a venue replaces it (``Preprint'25``, ``arXiv 2025.``)."""
    return preprint(text) or any(
        h.split(":")[0] in {"code_url", "code_path", "code_repo", "project_url"}
        for h in _HOLE.findall(text)
    )


def preprint(text: str) -> bool:
    """The list's way of saying "a preprint of year Y": venue words and the year only."""
    holes = {h.split(":")[0] for h in _HOLE.findall(text)}
    words = [w.lower() for w in re.findall(r"[^\W_]+", _HOLE.sub(" ", text))]
    return bool(words) and set(words) <= {"arxiv", "preprint"} and holes <= {"year", "yy", "date"}


def _part_holes(text: str) -> set[str]:
    holes = {h.split(":")[0] for h in _HOLE.findall(text)}
    return holes | {"venue"} if preprint(text) else holes


# ---------------------------------------------------------------------------------------------
# Facts of an existing entry


def _badge_role(label: str, url: str) -> str | None:
    text = re.sub(r"[^a-z ]", "", label.lower()).strip()
    if re.match(r"^(code|github|repo|repository|implementation|official|source)", text):
        return "code"
    if re.match(r"^(project|page|website|homepage|home page|demo)", text):
        return "project"  # what the label says, wherever the link goes
    if re.match(r"^https?://(www\.)?(github|gitlab)\.com/[^/]+/[^/#?]+", url) and (
        text[:5] not in {"paper", "arxi", "pdf", "model", "data"}
    ):
        return "code"
    return None


def authors_in(text: str, alone: bool) -> tuple[tuple[str, ...], AuthorForm] | None:
    """The names of an author list such as ``A. Name, B. Name and C. Name.``, or None.

    ``alone``: the text is a whole line or an emphasised span (a single name is then enough).
    """
    body = text.strip()
    if not body or len(body) > 1500 or re.search(r"[\[\]()|:\d@#/]", body):
        return None
    end = "." if body.endswith(".") and not re.search(r"\bet\.? al\.$", body) else ""
    body = body.removesuffix(end) if end else body
    etal_text = ""
    match = re.search(r",?\s+et\.? al\.?$", body)
    if match:
        etal_text = match.group()
        body = body[: match.start()]
    last = ", "
    if re.search(r",\s+and\s+\S+(\s+\S+){0,4}$", body):
        last = ", and "
    elif re.search(r"\s+and\s+\S+(\s+\S+){0,4}$", body):
        last = " and "
    names = [n.strip() for n in re.split(r",\s*(?:and\s+)?|\s+and\s+", body) if n.strip()]
    if not names:
        return None
    for name in names:
        words = name.split()
        if not 1 <= len(words) <= 5:
            return None
        if not all(w[:1].isupper() or w.lower() in _PARTICLES or w[:1] in "'’" for w in words):
            return None
    if len(names) == 1 and not (alone and (len(names[0].split()) >= 2 or etal_text)):
        return None
    if len(names) == 2 and last == ", " and not alone:
        return None
    sep = ", " if ", " in body or len(names) < 2 else ","
    etal = len(names) if etal_text else 0
    pair = (" and " if last != ", " else sep) if len(names) == 2 and not etal_text else ""
    last = last if len(names) >= 3 else "?"  # two names do not show the list's last separator
    return tuple(names), AuthorForm(sep, last, etal, etal_text or " et al.", end, pair=pair)


MORE_AUTHORS = "et al."  # the last of an entry's names when it shows only the first ones


def format_authors(names: Sequence[str], form: AuthorForm) -> str:
    """``names`` written in the list's author form."""
    names = [collapse_whitespace(n) for n in names if n.strip()]
    if not names:
        return ""
    more = names[-1] == MORE_AUTHORS  # the paper has more authors than the names given
    if form.etal and (more or len(names) > max(form.etal, form.full_up_to)):
        return form.sep.join(names[: form.etal]) + form.etal_text
    if more:
        return ""  # more authors than are known, in a form that writes them all: unknown
    if len(names) == 1:
        return names[0] + form.end
    last = form.last if form.last != "?" else form.sep
    if len(names) == 2:  # two names: as the list writes two, else as its last two
        last = form.pair or (" and " if "and" in last else last)
    return form.sep.join(names[:-1]) + last + names[-1] + form.end


def _entry_authors(entry: Entry) -> tuple[tuple[str, ...], str, AuthorForm] | None:
    """An author list written in the entry: an emphasised span, or a line of names."""
    return _authors_line(entry)


def _is_title(text: str, title: str) -> bool:
    return bool(title) and (text.strip() in title or title in text)


def _names_after_br(text: str, title: str) -> tuple[tuple[str, ...], str, AuthorForm] | None:
    """An author list written as a piece of ``text`` after a ``<br>`` (inside ``<sub>`` or
    such tags, or bare), as ``_authors_line`` gives it."""
    for piece in BR.split(text)[1:]:
        inner = re.sub(r"</?(?:sub|sup|small|i|em)>", "", piece, flags=re.IGNORECASE).strip()
        found = authors_in(inner, alone=True) if inner else None
        if found and inner in piece and not _is_title(inner, title):
            return found[0], inner, found[1]
    return None


def _authors_line(entry: Entry) -> tuple[tuple[str, ...], str, AuthorForm] | None:
    for number, line in enumerate(entry.raw.split("\n")):
        content = line.strip()
        bullet = BULLET.match(line)
        if bullet:
            content = line[bullet.end() :].strip()
        content = content.removesuffix("\\").rstrip().removesuffix("<br>").rstrip()
        # not inside a link label (inline, or a reference: ``[Title][p1]``)
        content = re.sub(r"!?\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])", " ", content)
        spans = re.findall(r"(?<![*_\w])([*_]{1,2})([^*_]+?)\1(?![*_\w])", content)
        for _mark, inner in spans:
            found = authors_in(inner, alone=True)
            if found and not _is_title(inner, entry.title):  # a bold title is no author
                return found[0], inner.strip(), found[1]
        if number == 0 and entry.shape == "table":  # "| **Title**<br><sub>A, B, C</sub> |"
            return next(filter(None, (_names_after_br(c, entry.title) for c in entry.cells)), None)
        if number == 0 and (found_br := _names_after_br(content, entry.title)):
            return found_br  # "**Title** <br> A, B, C <br> [badges]"
        if number == 0 and (cited := _cited_authors(content, entry.title)):
            return cited  # "[Title][p1] (Ann Able et al., 2025)": a citation's names
        if number == 0:  # "[Title](url) - Yi Yang et al., *arXiv 2025*": names before et al.
            bare = re.sub(r"(?<![*_\w])([*_]{1,2})[^*_]+?\1(?![*_\w])", " | ", content)
            for piece in re.split(r"\s[-–—|:]\s|[,;]\s|\.\s", bare + " "):
                piece = piece.strip()
                if re.search(r"\bet\.? al\b", piece) and not _is_title(piece, entry.title):
                    found = authors_in(piece if piece.endswith(".") else piece + "", alone=True)
                    if found:
                        return found[0], piece, found[1]
        if number > 0:
            label = re.match(  # "Authors: A, B", "**Authors:** A, B", "**Authors**: A, B"
                r"^([*_]{0,2})(?:authors?|by)(?:\s*[:：]\1|\1\s*[:：])\s*", content, re.IGNORECASE
            )
            candidate = content[label.end() :] if label else content
            found = authors_in(candidate, alone=True)
            if found:
                return found[0], candidate.strip(), found[1]
    return None


_CITATION = re.compile(r"\((?P<names>[^()\[\]]+?),?\s+(?:19|20)\d{2}\)")


def _cited_authors(content: str, title: str) -> tuple[tuple[str, ...], str, AuthorForm] | None:
    """The names of a citation after the title, ``(Ann Able et al., 2025)`` or ``(A and B,
    2025)``: a parenthesis holding names and a year only is an author list, cut or whole."""
    for match in _CITATION.finditer(content):
        names = match.group("names").strip()
        found = authors_in(names, alone=True)
        if found and not _is_title(names, title):
            return found[0], names, found[1]
    return None


_LINE_LABEL = re.compile(r"^\s*(?:[-*+]\s+)?([^\W\d_][\w ]{0,24}?)\s*[:;：]\s*\S")
_CODE_LABELS = re.compile(
    r"^(code|codes|github|repo|repository|implementation|official|source|project|page|"
    r"project page|website|homepage|home page|demo|links?|paper|pdf|arxiv)$",
    re.IGNORECASE,
)


def _labelled_elsewhere(raw: str) -> set[str]:
    """URLs on lines of an entry labelled as something else than code or a project page
    (``- Dataset: [...](…)``, ``- Keyword: …, [BERT](…)``)."""
    urls: set[str] = set()
    for line in raw.split("\n")[1:]:
        match = _LINE_LABEL.match(line)
        if match and not _CODE_LABELS.match(match.group(1).strip()):
            urls.update(t.url for t in tokenize(line) if t.kind in {"link", "dlink"})
    return urls


def facts_of(entry: Entry) -> Facts | None:
    """What the bot would know of an existing entry's paper; None without an arXiv id."""
    if not entry.arxiv_id:
        return None
    title = re.sub(r"\s*`(?:19|20)\d{2}`\s*", " ", entry.title).strip()
    title = re.sub(r"^(\*\*|__)(.+)\1$", r"\2", title).strip()
    title = title.removesuffix(".").strip() if not title.endswith("..") else title
    title = collapse_whitespace(title)  # as a new entry writes it: one space between words
    ymd = date_key(entry.date) if entry.date else None
    if ymd is None or not ymd[1]:
        month = id_month(entry.arxiv_id)
        ymd = (*month, 0) if month else ymd
    code = project = None
    elsewhere = _labelled_elsewhere(entry.raw)
    for label, url in entry.links:
        if url in elsewhere:
            continue  # "- Dataset: [BBQ](https://github.com/…)" is no code link
        role = _badge_role(label, url)
        if role == "code" and code is None and not arxiv_id_from_url(url):
            code = url
        elif role == "project" and project is None and not arxiv_id_from_url(url):
            project = url
    authors = _entry_authors(entry)
    name = re.sub(r"^[`*_]+|[`*_]+$", "", entry.name or "").strip() or None
    if name and (name in PLACEHOLDERS or not re.search(r"[^\W_]", name)):
        name = None
    return Facts(
        arxiv_id=entry.arxiv_id,
        title=title,
        date=entry.date,
        ymd=ymd,
        name=name if name and name != title else None,
        authors=authors[0] if authors else (),
        authors_text=authors[1] if authors else None,
        code_url=code,
        project_url=project,
    )


# ---------------------------------------------------------------------------------------------
# Mining


def code_path(url: str | None) -> str | None:
    match = re.match(r"^https?://(?:www\.)?(?:github|gitlab)\.com/([^/#?]+/[^/#?]+)", url or "")
    return match.group(1).removesuffix(".git") if match else None


def badge_of(url: str, path: str) -> bool:
    """A badge (stars, forks) of the repository ``owner/name``, not a page elsewhere."""
    host = re.match(r"^https?://([^/]+)/", url)
    if host is None or path not in url:
        return False
    return any(word in host.group(1) for word in ("shields.io", "badge", "github"))


def _word_char(char: str) -> bool:
    return char.isalnum() or char in "_-"


def find_title(text: str, title: str) -> tuple[int, int] | None:
    """Where ``title`` is written in ``text`` as whole words, in any spacing (the leftmost).

    Plain string search, not a regular expression: compiling a pattern per title cost a
    2,975-entry list about a third of ``catalog``'s time."""
    words = title.split()
    if not words:
        return None
    at = text.find(words[0])
    while at != -1:
        if at == 0 or not _word_char(text[at - 1]):
            end = _words_end(text, at + len(words[0]), words[1:])
            if end is not None and (end == len(text) or not _word_char(text[end])):
                return at, end
        at = text.find(words[0], at + 1)
    return None


def _words_end(text: str, at: int, words: Sequence[str]) -> int | None:
    """The end of ``words`` written from ``at``, each after a run of whitespace; else None."""
    for word in words:
        gap = at
        while gap < len(text) and text[gap].isspace():
            gap += 1
        if gap == at or not text.startswith(word, gap):
            return None
        at = gap + len(word)
    return at


def holes_in(text: str, facts: Facts, *, title: bool = True, repo: bool = False) -> str:
    """``text`` with the facts it shows replaced by holes."""
    h = HOLE
    if title and facts.title and len(facts.title) > 3 and (span := find_title(text, facts.title)):
        text = f"{text[: span[0]]}{h}title{h}{text[span[1] :]}"
    if facts.authors_text and facts.authors_text in text:
        text = text.replace(facts.authors_text, f"{h}authors{h}", 1)
    if facts.arxiv_id in text:
        text = ID_PATTERN.sub(
            lambda m: f"{h}arxiv_id{h}" if m.group("id") == facts.arxiv_id else m.group(), text
        )
    path = code_path(facts.code_url)
    if path and path in text:
        text = text.replace(path, f"{h}code_path{h}")
    if facts.name and facts.name != facts.title and len(facts.name) >= 2 and facts.name in text:
        text = re.sub(rf"(?<=[\[(`]){re.escape(facts.name)}(?=[\])`])", f"{h}name{h}", text)
    if repo and path and "/" in path and len(name := path.split("/")[1]) >= 3 and name in text:
        text = re.sub(rf"(?<![\w\x00/-]){re.escape(name)}(?![\w\x00/-])", f"{h}code_repo{h}", text)
    if facts.date and facts.date in text and (form := date_form(facts.date)):
        text = text.replace(facts.date, f"{h}date:{form.replace(' ', '_')}{h}", 1)
    if facts.ymd:
        y, m = facts.ymd[0], facts.ymd[1]
        forms = {
            f"{y}.{m:02d}": "yyyy.mm",
            f"{y}-{m:02d}": "yyyy-mm",
            f"{y}/{m:02d}": "yyyy/mm",
            f"{y % 100:02d}.{m:02d}": "yy.mm",
        }
        for written, form in forms.items():
            if written in text:
                pattern = rf"(?<![\d.]){re.escape(written)}(?![\d])"
                text = re.sub(pattern, f"{h}date:{form}{h}", text)
        if str(y) in text:
            text = re.sub(rf"(?<![\d\x00.:]){y}(?![\d])", f"{h}year{h}", text)
        if f"'{y % 100:02d}" in text or f"’{y % 100:02d}" in text:
            text = re.sub(rf"(?<=[’']){y % 100:02d}(?!\d)", f"{h}yy{h}", text)
    return text


@lru_cache(maxsize=65536)
def keep_text(chunk: str) -> bool:
    """A chunk of plain text is kept when it holds a fact, is decoration, or known words."""
    if re.fullmatch(r"(</?[a-zA-Z][^>]*>)+", chunk):
        return True  # an HTML tag such as <br>
    bare = _HOLE.sub(" ", chunk)  # the facts it shows, and what else it says
    words = re.findall(r"[^\W_]+", clean_heading(re.sub(r":[a-z0-9_+-]+:", " ", bare)))
    return all(w.lower() in _KNOWN_WORDS for w in words)


def _link_part(raw_kind: str, label: str, url: str, facts: Facts) -> str | None:
    h = HOLE
    url_id = arxiv_id_from_url(url)
    if url_id == facts.arxiv_id:
        url_t = ID_PATTERN.sub(
            lambda m: f"{h}arxiv_id{h}" if m.group("id") == facts.arxiv_id else m.group(), url, 1
        )
        url_t = re.sub(rf"{h}arxiv_id{h}v\d+", f"{h}arxiv_id{h}", url_t)
    elif facts.code_url and url == facts.code_url:
        url_t = f"{h}code_url{h}"
    elif facts.project_url and url == facts.project_url:
        url_t = f"{h}project_url{h}"
    elif (path := code_path(facts.code_url)) and badge_of(url, path):
        url_t = url.replace(path, f"{h}code_path{h}")
    elif raw_kind == "image" and re.search(rf"(?<![\d.]){re.escape(facts.arxiv_id)}(?!\d)", url):
        url_t = url.replace(facts.arxiv_id, f"{h}arxiv_id{h}")  # a badge showing the id
    elif facts.title and facts.title in label and raw_kind != "image":
        url_t = f"https://arxiv.org/abs/{h}arxiv_id{h}"  # the title links the paper elsewhere
    else:
        return None  # a venue, a model, a dataset: not known for a new paper
    label_t = holes_in(label, facts, repo="code" in url_t)
    plain = "](" not in label_t and "<" not in label_t and raw_kind != "image"
    if plain and not all(kept for _s, _c, kept in text_chunks(label_t)):
        # a label the bot cannot know: the entry's short name, else the link is left out
        if url_id == facts.arxiv_id and (label.strip() == facts.name or len(label.split()) <= 3):
            label_t = f"{h}name{h}"
        else:
            return None
    if raw_kind == "image":
        return f"![{label_t}]({url_t})"
    if raw_kind == "dlink":
        return f"[[{label_t}]({url_t})]"
    return f"[{label_t}]({url_t})"


def line_prefix(line: str) -> tuple[str, str]:
    heading = HEADING.match(line)
    if heading and heading.group("text"):
        start = line.index(heading.group("text"))
        return line[:start], line[start:]
    bullet = BULLET.match(line)
    if bullet:
        return line[: bullet.end()], line[bullet.end() :]
    stripped = line.lstrip()
    return line[: len(line) - len(stripped)], stripped


def keep_bracket(filled: str) -> bool:
    """A ``[...]`` or ``(...)`` kept: it shows a fact (not only a venue's year: ``(ICML
    2025)``) or only words a new entry may carry."""
    holes = [h.split(":")[0] for h in _HOLE.findall(filled)]
    if any(h not in {"year", "yy", "date"} for h in holes):
        return True
    words = re.findall(r"[^\W_]+", clean_heading(_HOLE.sub(" ", filled)))
    return all(w.lower() in _KNOWN_WORDS for w in words)


def text_chunks(filled: str) -> list[tuple[str, str, bool]]:
    """(space before, chunk, kept) for the whitespace-separated chunks of holed plain text.

    A phrase holding words the bot cannot know (``CVPR 2023.``) is left out whole, its year
    too; its decoration and its title or authors stay.
    """
    chunks = [(m.group(1), m.group(2)) for m in re.finditer(r"(\s*)(\S+)", filled)]
    foreign = any(not keep_text(c) for _s, c in chunks)
    out = []
    for space, chunk in chunks:
        kept = keep_text(chunk)
        if kept and foreign and HOLE in chunk:
            kept = any(h.split(":")[0] not in {"year", "yy", "date"} for h in _HOLE.findall(chunk))
        elif kept and foreign:  # "- Ann et al., ICLR 2024.": its dash goes with it
            kept = re.fullmatch(r"(</?[a-zA-Z][^>]*>)+|\\", chunk) is not None
        out.append((space, chunk, kept))
    return out


def _parts(tokens: Sequence[Token], facts: Facts) -> tuple[list[Part], bool]:
    """The parts of a line worth keeping, and whether any shows a fact (a line of the
    maintainer's own words that merely holds a code link is not one)."""
    parts, facts_here, _dropped = _parts_dropped(tokens, facts)
    words = [c for t in tokens if t.kind == "text" for _s, c, k in text_chunks(t.raw) if not k]
    holed = [p.text for p in parts if HOLE in p.text]
    if len(words) >= 2 and holed and all(_optional(t) for t in holed):
        return [], False
    while parts and parts[0].text in _SEPARATORS:
        parts.pop(0)
    return parts, facts_here


def _parts_dropped(tokens: Sequence[Token], facts: Facts) -> tuple[list[Part], bool, bool]:
    parts: list[Part] = []
    facts_here = dropped = False
    for token in tokens:
        if not token.raw:
            continue
        if token.kind in {"link", "dlink", "image"}:
            part = _link_part(token.kind, token.text, token.url, facts)
            if part is not None:
                parts.append(Part(token.gap, part))
                facts_here = True
            else:
                dropped = True
            continue
        if token.kind == "reference":  # the collapsed ``[Title][]`` keeps its empty label
            label = holes_in(f"[{token.text}]", facts)
            parts.append(Part(token.gap, label + ("[]" if token.raw.endswith("[]") else
                                                  f"[{REF}]")))
            facts_here = True
            continue
        filled = holes_in(token.raw, facts)
        if token.kind in {"bracket", "paren"}:
            if keep_bracket(filled):
                parts.append(Part(token.gap, filled))
                facts_here = facts_here or HOLE in filled
            continue
        gap = token.gap
        for space, chunk, kept in text_chunks(filled):
            if kept:
                last = parts[-1] if parts else None
                if last is not None and preprint(last.text) and preprint(last.text + space + chunk):
                    parts[-1] = Part(last.gap, last.text + space + chunk)  # "arXiv 2025." is one
                else:
                    parts.append(Part(gap + space, chunk))
                facts_here = facts_here or HOLE in chunk
                gap = ""
                continue
            gap = ""
    while parts and parts[-1].text in _SEPARATORS:
        parts.pop()  # a dangling separator left by a part that was left out
    return parts, facts_here, dropped


REF = f"{HOLE}ref{HOLE}"  # the label of a reference link to the paper: ``[Title][p1]``


def _references_joined(tokens: list[Token], entry: Entry, facts: Facts) -> list[Token]:
    """``[Title]`` ``[p1]`` (two bracket tokens) as one ``reference`` token when the label
    resolves to the paper: a new entry writes it with a fresh label (``[Title][p9]``)."""
    if not any(arxiv_id_from_url(url) == facts.arxiv_id for _label, url in entry.links):
        return tokens
    out: list[Token] = []
    for token in tokens:
        last = out[-1] if out else None
        if (token.kind == "bracket" and not token.gap and last is not None
                and last.kind == "bracket" and f"{HOLE}title{HOLE}" in holes_in(last.raw, facts)):
            out[-1] = replace(last, kind="reference", raw=last.raw + token.raw)
            continue
        out.append(token)
    return out


def mine(entry: Entry, facts: Facts) -> Skeleton:
    """The skeleton of an existing entry: its own text with ``facts`` as holes."""
    lines: list[Line] = []
    blank = 0
    form = None
    if facts.authors_text:
        form = author_form(facts)
    for text in entry.raw.split("\n"):
        if not text.strip():
            blank += 1
            continue
        prefix, content = line_prefix(text)
        tokens = _references_joined(tokenize(content), entry, facts)
        trailing = ""
        if tokens and not tokens[-1].raw:
            trailing = tokens.pop().gap
        parts, facts_here = _parts(tokens, facts)
        if not facts_here:
            continue  # a description, a venue or metrics line: the maintainer's own words
        parts = [Part(" " if p.gap else "", p.text) for p in parts]  # one space, as typed
        wrapped = (
            lines
            and not blank
            and not prefix.strip()
            and len(prefix) < len(lines[0].prefix)
            and entry.shape == "bullet"
            and len(lines[-1].trailing) < 2
            and not lines[-1].parts[-1].text.endswith(("\\", "<br>", "<br/>", "<br />"))
        )
        if wrapped:  # a long entry wrapped onto the next line: one line for a new entry
            last = lines.pop()
            parts = [*last.parts, *([Part(" ", parts[0].text), *parts[1:]] if parts else [])]
            lines.append(Line(last.blank_before, last.prefix, tuple(parts), trailing))
            continue
        lines.append(Line(blank if lines else 0, prefix, tuple(parts), trailing))
        blank = 0
    return Skeleton(tuple(lines), form)


TAINTED = "\x01"  # a cell that lost a part: not evidence of how a cell is written
PLACEHOLDERS = frozenset({"-", "—", "——", "–", "N/A", "n/a", "/", "✗", "×"})


def mine_row(cells: Sequence[tuple[str, Sequence[Token]]], facts: Facts) -> tuple[str, ...]:
    """A table row's cells as templates: the facts a cell shows as holes; a cell showing
    nothing the bot knows becomes the list's placeholder it held, or empty."""
    out = []
    for cell, tokens in cells:
        content = cell.strip()
        parts, facts_here, dropped = _parts_dropped(tokens, facts)
        if dropped and facts_here:  # a link left out: its decoration may stay behind
            out.append(TAINTED)
            continue
        text = "".join(p.gap for p in parts[:1]).strip() + "".join(
            (" " if k and p.gap else "") + p.text for k, p in enumerate(parts)
        )
        if facts_here or (parts and keep_text(text) and re.search(r"[^\W_]", text)):
            out.append(text.strip())
        elif facts.name and content == facts.name and len(content) >= 2:
            out.append(f"{HOLE}name{HOLE}")  # a name cell: | TTRL | ... | [TTRL: ...](arxiv) |
        else:
            out.append(content if content in PLACEHOLDERS else "")
    return tuple(out)


@dataclass(frozen=True, slots=True)
class RowSkeleton:
    """Per column: the cells to try, in order, until one's facts are all known; the last is
    the column's commonest cell without code or project links."""

    cells: tuple[tuple[str, ...], ...]
    authors: AuthorForm | None = None  # how a cell showing the authors writes them


def author_habit(forms: Sequence[AuthorForm], shown: Sequence[int]) -> AuthorForm | None:
    """How a section writes author lists, from its entries' forms and the number of names
    each whole list (no "et al.") shows.

    Where some cut the list ("A, B, C, et al.") and others write it whole, a paper with more
    names than any whole list shows is cut, others are written whole (opendilab writes up to
    9 names, else 3 and "et al."). Where every list shows the same number of names, or
    fewer for a few, the section cuts there without saying so ("A, B, C, D" for every
    paper): real author counts are never that even. Before the last name: what most whole
    lists of three or more names write ("A, B, and C" or "A, B, C").
    """
    if not forms:
        return None
    sep, end = Counter((f.sep, f.end) for f in forms).most_common(1)[0][0]
    lasts = Counter(f.last for f in forms if f.last != "?" and not f.etal)  # a cut shows none
    last = lasts.most_common(1)[0][0] if lasts else "?"
    most = max(shown, default=0)
    pairs = Counter(f.pair for f in forms if f.pair)  # "A and B" where two names are shown
    pair = pairs.most_common(1)[0][0] if pairs else ""
    cuts = Counter((f.etal, f.etal_text) for f in forms if f.etal)
    if not cuts:
        if len(shown) >= 5 and most >= 3 and shown.count(most) >= 0.8 * len(shown):
            return AuthorForm(sep, last, most, "", end, most, pair)
        return AuthorForm(sep, last, 0, " et al.", end, pair=pair)
    (etal, etal_text), _count = cuts.most_common(1)[0]
    return AuthorForm(sep, last, etal, etal_text, end, most, pair)


def author_form(facts: Facts) -> AuthorForm | None:
    """How the entry that gave ``facts`` writes its author list (None: it shows none)."""
    found = authors_in(facts.authors_text, alone=True) if facts.authors_text else None
    return found[1] if found else None


def choose_row(
    rows: Sequence[tuple[str, ...]], authors: AuthorForm | None = None
) -> RowSkeleton | None:
    """The commonest cell of each column; a code or project cell when a third of rows have one."""
    if not rows:
        return None
    width = Counter(len(r) for r in rows).most_common(1)[0][0]
    def linky(text: str) -> bool:  # a code or project link (not the preprint form)
        return _optional(text) and not preprint(text)

    linked = sum(1 for r in rows if any(linky(c) for c in r)) or len(rows)
    cells = []
    for col in range(width):
        seen = Counter(r[col] for r in rows if col < len(r) and r[col] != TAINTED)
        with_links = Counter({t: n for t, n in seen.items() if linky(t)})
        without = Counter({t: n for t, n in seen.items() if not linky(t)})
        plain = without.most_common(1)[0][0] if without else ""
        preprints = Counter({t: n for t, n in without.items() if t and preprint(t)})
        if preprints and not (plain and HOLE in plain):
            # a venue column: where the list names a venue the bot cannot know (an empty
            # template), a new paper shows the list's preprint form ("arXiv", "arXiv 2025")
            plain = preprints.most_common(1)[0][0]
        if with_links and sum(with_links.values()) * 3 >= min(linked, sum(seen.values())):
            primary = with_links.most_common(1)[0][0]
            full = _cell_with_links(primary, with_links)
            # written whole or not at all: the full cell, then those of its forms without a
            # link that the column's rows write, then the commonest cell without links
            fewer = [c for c in _without_links(full) if seen.get(c)]
            # no row shows it without its code link, nor a cell without links: the paper's own
            # link still goes in ("[arXiv](…) / [GitHub](…)" -> "[arXiv](…)")
            bare = [c for c in map(_trim_separators, _without_links(full))
                    if f"{HOLE}arxiv_id{HOLE}" in c]
            cells.append(tuple(dict.fromkeys([full, *fewer, primary, plain, *bare[:1]])))
        else:
            # where rows leave a fact out with a placeholder ("-"), so does a new row whose
            # paper does not give that fact (a name it never calls itself, say)
            held = Counter({t: n for t, n in without.items() if t in PLACEHOLDERS})
            fallback = (held.most_common(1)[0][0],) if held and HOLE in plain else ()
            if held and not plain:  # nothing known for it: the column's placeholder ("——")
                plain = held.most_common(1)[0][0]
            cells.append((plain, *fallback))
    return RowSkeleton(tuple(cells), authors)


def _without_links(cell: str) -> list[str]:
    """``cell`` without one or more of its code and project links, fewest left out first."""
    tokens = [t for t in tokenize(cell) if t.raw]
    links = [i for i, t in enumerate(tokens) if HOLE in t.raw and _optional(t.raw)
             and not preprint(t.raw)]
    out = []
    for count in range(1, len(links) + 1):
        for gone in combinations(links, count):
            kept = [t for i, t in enumerate(tokens) if i not in gone]
            out.append("".join((" " if k and t.gap else "") + t.raw for k, t in enumerate(kept)))
    return out


def _trim_separators(cell: str) -> str:
    """A cell without the separators a left-out link leaves at its ends or doubled."""
    words = cell.split(" ")
    kept: list[str] = []
    for word in words:
        if word in _SEPARATORS and (not kept or kept[-1] in _SEPARATORS):
            continue
        kept.append(word)
    while kept and kept[-1] in _SEPARATORS:
        kept.pop()
    return " ".join(kept)


def _cell_line(cell: str) -> Line:
    return Line(0, "", tuple(Part(t.gap, t.raw) for t in tokenize(cell) if t.raw), "")


def _cell_with_links(cell: str, cells: Counter[str]) -> str:
    """A link cell that also shows the code or project link other rows' cells show, placed
    after the part it follows there (a row without it leaves that link out when written)."""
    base = (_cell_line(cell),)
    have = {_role(h) for h in _line_holes(base)}
    for hole in sorted({h for c in cells for h in _part_holes(c)}):
        if not _optional(f"{HOLE}{hole}{HOLE}") or _role(hole) in have:
            continue
        donors: Counter[tuple[Line, ...]] = Counter(
            {(_cell_line(c),): n for c, n in cells.items() if hole in _part_holes(c)}
        )
        donor = _donor(donors, have)
        grown = _borrow(base, donor, hole)
        if len(grown) == 1:  # never a line of its own inside a cell
            base = grown
            have = {_role(h) for h in _line_holes(base)}
    return "".join((" " if k and p.gap else "") + p.text for k, p in enumerate(base[0].parts))


def fill_cell(
    template: str, values: Mapping[str, str | None], ymd: tuple[int, int, int],
    authors: Sequence[str] = (), form: AuthorForm | None = None,
) -> str | None:
    """A cell from its template; None when a fact it shows is unknown."""
    if HOLE not in template:
        return template
    text = fill(Skeleton((Line(0, "", (Part("", template),), ""),), form), values, ymd, authors)
    return text or None


def choose(
    skeletons: Sequence[Skeleton],
    borrow: Skeleton | None = None,
    weights: Sequence[int] | None = None,
) -> Skeleton | None:
    """A section's skeleton: the commonest key, then its commonest full form, preferring a
    form that shows the optional links (code, project) most entries of that key show.

    ``weights`` (one per skeleton) count some entries' votes for the key, the form and the
    author form more (the entries around where a new one goes); whether an optional link is
    shown is still decided by how many entries show it."""
    if not skeletons:
        return None
    weight = list(weights) if weights is not None else [1] * len(skeletons)
    keys: Counter[str] = Counter()
    for s, w in zip(skeletons, weight, strict=True):
        keys[s.key] += w
    top = keys.most_common(1)[0][0]
    chosen = [(s, w) for s, w in zip(skeletons, weight, strict=True) if s.key == top]
    same = [s for s, _w in chosen]
    optional = Counter(h for s in same for h in s.holes() if h in {"code_url", "code_path",
                                                                  "code_repo", "project_url",
                                                                  "venue"})
    wanted = {h for h, n in optional.items() if n >= 2 and n * 10 >= len(same)}
    fitting = [(s, w) for s, w in chosen if wanted <= s.holes()]
    if not fitting:
        best = optional.most_common(1)
        fitting = [(s, w) for s, w in chosen if best and best[0][0] in s.holes()] or chosen
    # The paper link's form (abs, pdf, a version) is the section's own vote (``with_badges``):
    # it does not split the vote for the rest of the form.
    forms: Counter[tuple[Line, ...]] = Counter()
    exact: dict[tuple[Line, ...], Counter[tuple[Line, ...]]] = {}
    for s, w in fitting:
        plain = _plain_links(s.lines)
        forms[plain] += w
        exact.setdefault(plain, Counter())[s.lines] += w
    lines = exact[forms.most_common(1)[0][0]].most_common(1)[0][0]
    for hole in sorted(set(optional)):  # links fewer entries show
        if _role(hole) in {_role(h) for h in _line_holes(lines)}:
            continue
        donors = Counter(s.lines for s in same if hole in s.holes())
        lines = _borrow(lines, donors.most_common(1)[0][0], hole)
    # The list's habit, where this section is silent: entries written like the list's
    # (the same key), or no entry of the section showing a code or project link at all.
    if borrow is not None and (borrow.key == top or not optional):
        for hole in sorted(borrow.holes()):
            have = {_role(h) for h in _line_holes(lines)}
            if _optional(f"{HOLE}{hole}{HOLE}") and _role(hole) not in have:
                lines = _borrow(lines, borrow.lines, hole)
    authors: Counter[AuthorForm] = Counter()
    for s, w in chosen:
        if s.authors and s.authors.last != "?":
            authors[s.authors] += w
    if not authors:
        for s, w in chosen:
            if s.authors:
                authors[s.authors] += w
    top_authors = authors.most_common(1)
    return Skeleton(lines, top_authors[0][0] if top_authors else None)


LABEL_NEIGHBOURS = 3  # entries nearest the insertion point whose link labels a new entry copies


def labelled_like(skeleton: Skeleton, nearest: Sequence[Skeleton]) -> Skeleton:
    """``skeleton`` with each code or project link labelled as the ``LABEL_NEIGHBOURS``
    entries nearest where the new entry goes label theirs (``nearest``, nearest first).

    A list's habits drift over time (``[Official](…)`` in its newest entries, ``[official](…)``
    in its oldest): the label is the one the maintainer typed last around that place, not
    the section's average. Only a link's label changes; which links are shown, and where,
    is still the section's vote (``choose``)."""
    lines = []
    for line in skeleton.lines:
        parts = []
        for part in line.parts:
            holes = _HOLE.findall(part.text)
            if _LINK.fullmatch(part.text) and holes and all(_optional(f"{HOLE}{h}{HOLE}")
                                                           for h in holes):
                seen = _labels_near(part.text, nearest)
                if seen:
                    part = replace(part, text=seen.most_common(1)[0][0])
            parts.append(part)
        lines.append(replace(line, parts=tuple(parts)))
    return replace(skeleton, lines=tuple(lines))


_LINK = re.compile(r"\[[^\[\]]*\]\([^()\s]*\)")


def _labels_near(link: str, nearest: Sequence[Skeleton]) -> Counter[str]:
    """How the entries, nearest first, write a link showing the same facts as ``link``."""
    holes = sorted(_HOLE.findall(link))
    seen: Counter[str] = Counter()
    found = 0
    for other in nearest:
        same = [
            p.text for ln in other.lines for p in ln.parts
            if _LINK.fullmatch(p.text) and sorted(_HOLE.findall(p.text)) == holes
        ]
        if same:
            seen[same[0]] += 1
            found += 1
            if found == LABEL_NEIGHBOURS:
                break
    return seen


@lru_cache(maxsize=65536)
def _plain_links(lines: tuple[Line, ...]) -> tuple[Line, ...]:
    """``lines`` with every link to the paper written one way, whatever its url form."""
    return tuple(
        replace(ln, parts=tuple(replace(p, text=_PAPER_URL.sub("](paper)", p.text))
                                for p in ln.parts))
        for ln in lines
    )


def _donor(donors: Counter[tuple[Line, ...]], roles: set[str]) -> tuple[Line, ...]:
    """The cell to borrow a link from: of those that also show the most of the links the
    cell has already (they show where the link goes among them), the commonest."""
    def shared(lines: tuple[Line, ...]) -> int:
        links = {_role(h) for h in _line_holes(lines) if _optional(f"{HOLE}{h}{HOLE}")}
        return len(roles & links)

    return max(donors, key=lambda lines: (shared(lines), donors[lines]))


def _role(hole: str) -> str:
    return "code" if hole.startswith("code_") else hole


def _line_holes(lines: Sequence[Line]) -> set[str]:
    return {h for ln in lines for p in ln.parts for h in _part_holes(p.text)}


def _borrow(base: tuple[Line, ...], donor: tuple[Line, ...], hole: str) -> tuple[Line, ...]:
    """``base`` with the part (or line) of ``donor`` that shows ``hole``, placed after the
    part (or line) it follows in ``donor``."""
    out = list(base)
    for j, line in enumerate(donor):
        for k, part in enumerate(line.parts):
            if hole not in _part_holes(part.text):
                continue
            holed = [p.text for p in line.parts if HOLE in p.text]
            if all(_optional(t) for t in holed):  # a line of its own: "- Code: [...]"
                after = donor[j - 1] if j else None
                at = next((i + 1 for i, b in enumerate(out) if after
                           and _digits(b.prefix) == _digits(after.prefix)
                           and b.parts[:1] == after.parts[:1]), len(out))
                out.insert(at, line)
                return tuple(out)
            same = _digits(line.prefix)  # "1. " and "2. " are the same numbered line
            target = j if j < len(out) and _digits(out[j].prefix) == same else next(
                (i for i, b in enumerate(out) if _digits(b.prefix) == same), None
            )
            if target is None:
                return base
            parts = list(out[target].parts)
            anchor = _PAPER_URL.sub("](paper)", line.parts[k - 1].text) if k else None
            after_anchor = [
                i + 1 for i, p in enumerate(parts) if _PAPER_URL.sub("](paper)", p.text) == anchor
            ]  # after the last equal part: "**[T](u)**" closes with the anchor "**"
            at = after_anchor[-1] if after_anchor else (0 if anchor is None else len(parts))
            parts.insert(at, part)
            out[target] = replace(out[target], parts=tuple(parts))
            return tuple(out)
    return base


# ---------------------------------------------------------------------------------------------
# Filling


def write_date(form: str, ymd: tuple[int, int, int], arxiv_id: str) -> str:
    """``ymd`` (month and day 0 when unknown) written in a date form of ``grammar.date_form``;
    YYMM follows the arXiv id's own prefix. The one table of date forms a new entry writes."""
    import datetime as dt

    y, m, d = ymd
    if form == "yymm":
        month = id_month(arxiv_id)
        return f"{month[0] % 100:02d}{month[1]:02d}" if month else f"{y % 100:02d}{m:02d}"
    day = dt.date(y, m or 1, d or 1)
    formats = {
        "yy.mm": f"{y % 100:02d}.{m:02d}",
        "d mon yyyy": f"{day.day} {day:%b} {y}",
        "yyyy-mm-dd": day.isoformat(),
        "yyyy/mm/dd": f"{y}/{m:02d}/{day.day:02d}",
        "yyyy.mm.dd": f"{y}.{m:02d}.{day.day:02d}",
        "yyyy.mm": f"{y}.{m:02d}",
        "yyyy-mm": f"{y}-{m:02d}",
        "yyyy/mm": f"{y}/{m:02d}",
        "mon d, yyyy": f"{day:%b} {day.day}, {y}",
        "mon yyyy": f"{day:%b} {y}",
        "yyyy": str(y),
    }
    return formats.get(form, day.isoformat())


def _title_unlinked(template: str, values: Mapping[str, str | None]) -> str:
    """``[Title](code_url)`` for a paper without code (or project page): the title, unlinked,
    rather than no title at all (its paper link is written by the part that holds it)."""
    def label(match: re.Match[str]) -> str:
        targets = _HOLE.findall(match.group("url"))
        known = all(values.get(t.partition(":")[0]) for t in targets)
        return match.group() if known else match.group("label")

    if f"{HOLE}title{HOLE}" not in template:
        return template
    return _TITLE_LINK.sub(label, template)


_TITLE_LINK = re.compile(
    rf"\[(?P<label>[^\[\]]*{HOLE}title{HOLE}[^\[\]]*)\]\((?P<url>[^()\s]*)\)"
)


def fill(skeleton: Skeleton, values: Mapping[str, str | None], ymd: tuple[int, int, int],
         authors: Sequence[str] = ()) -> str:
    """A new entry from a skeleton; parts whose fact is unknown are left out."""
    arxiv_id = values.get("arxiv_id") or ""
    out: list[str] = []
    for line in skeleton.lines:
        pieces: list[str] = []
        written: list[str | None] = []
        filled_holes = 0
        for part in line.parts:
            missing = False

            def hole(match: re.Match[str], part: Part = part) -> str:
                nonlocal missing
                name, _, form = match.group(1).partition(":")
                if name == "date":
                    return write_date(form.replace("_", " "), ymd, arxiv_id)
                if name == "year":
                    return str(ymd[0])
                if name == "yy":
                    return f"{ymd[0] % 100:02d}"
                if name == "authors":
                    text = format_authors(authors, skeleton.authors or AuthorForm())
                    missing = missing or not text
                    if text.endswith(".") and f"{HOLE}authors{HOLE}." in part.text:
                        text = text[:-1]  # "*A, B.*": one stop
                    return text
                value = values.get(name)
                if not value:
                    missing = True
                    return ""
                return value

            template = _title_unlinked(part.text, values)
            if (values.get("title") or "").endswith((".", "?", "!")):
                template = template.replace(f"{HOLE}title{HOLE}.", f"{HOLE}title{HOLE}")
            text = _HOLE.sub(hole, template)  # "Title?." : the title's own stop is enough
            written.append(None if missing else text)
        for k, (part, done) in enumerate(zip(line.parts, written, strict=True)):
            if done is None or (_introduces_optional(line.parts, k) and written[k + 1] is None):
                continue  # "| [Code](…)" for a paper without code: neither is written
            pieces.append(part.gap + done if pieces else done)
            filled_holes += HOLE in part.text
        if not pieces or not filled_holes:
            continue  # nothing known for this line (e.g. an authors line without authors)
        blank = "\n" * line.blank_before if out else ""
        out.append(blank + line.prefix + "".join(pieces) + line.trailing)
    return "\n".join(out)
