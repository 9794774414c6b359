"""Making untrusted text (arXiv titles, abstracts, names) safe to show in Markdown.

Titles and abstracts are written by strangers. Put into a list entry or a PR body they must
not: inject HTML (``<img onerror=…>``, ``</details>``), open or close code spans and blocks,
form links or emphasis, break a table row, notify people (``@user``) or cross-reference issues
(``#123``, ``owner/repo#123``, ``GH-123``). Nothing invisible is ever added (a zero-width
space would break copy-paste): what GitHub would link or notify is shown as a code span.
Everything here is pure, applied once at the boundary where text enters the output.
"""

from __future__ import annotations

import html
import re

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Invisible characters that break copy-paste (zero-width space/joiners, word joiner, BOM).
_ZERO_WIDTH = re.compile(r"[\u200b-\u200d\u2060\ufeff]")
# Always escaped: they build links, code, HTML, tables, escapes.
_ALWAYS = re.compile(r"([\\`\[\]<>|])")
# Escaped only when paired (one lone '*' in "Impossible*" is harmless and reads better bare).
_PAIRED = ("*", "_", "$", "~")
_ENTITY = re.compile(r"&(?=#?\w+;)")
# What GitHub would turn into a link or a notification: URLs and www. hosts (GFM autolinks),
# e-mail addresses, @mentions and issue references. They are shown as code spans: readable,
# copyable as they are, and neither clickable nor notifying (GitHub links nothing in code).
_LIVE = re.compile(
    r"\b(?:https?|ftp|javascript|data|vbscript|file|mailto):[^\s<>]*"
    r"|\bwww\.[^\s<>]+"
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
    r"|(?<![\w/`])@[A-Za-z0-9][\w-]*(?:/[\w-]+)?"
    r"|\b[\w.-]+/[\w.-]+#\d+\b"
    r"|(?<![\w&#])#\d+\b"
    r"|\bGH-\d+\b",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


def collapse_whitespace(text: str) -> str:
    """Every run of whitespace (newlines included) as one space, none at either end."""
    return " ".join(text.split())


def drop_controls(text: str) -> str:
    """``text`` without control characters (tab and newlines kept) and bidi overrides."""
    return _CONTROL.sub("", text)


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included); drop control, bidi and zero-width characters."""
    return collapse_whitespace(_ZERO_WIDTH.sub("", drop_controls(text)))


def escape_markdown(text: str) -> str:
    """Inline Markdown text that renders as the literal ``text`` on one line.

    Safe inside link text, list items and table cells. It does not neutralise mentions:
    text in a committed file notifies nobody; use ``safe_inline`` for PR bodies and comments.
    """
    text = one_line(text)
    return _escape(text, _paired_in(text))


def _paired_in(text: str) -> frozenset[str]:
    return frozenset(c for c in _PAIRED if text.count(c) >= 2)


def _escape(text: str, paired: frozenset[str]) -> str:
    text = _ALWAYS.sub(r"\\\1", text)
    text = _ENTITY.sub("&amp;", text)  # "&lt;" in a title stays the five characters
    for char in paired:
        text = text.replace(char, "\\" + char)
    return text


def code_span(text: str) -> str:
    """``text`` as an inline code span that its own backticks cannot close."""
    text = one_line(text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") or not text.strip(" ") else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _live_spans(text: str) -> list[tuple[int, int]]:
    spans = []
    for match in _LIVE.finditer(text):
        start, end = match.span()
        while end > start + 1 and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        spans.append((start, end))
    return spans


def _inline(text: str, paired: frozenset[str]) -> str:
    """Escaped text whose links, addresses, mentions and references are code spans."""
    out: list[str] = []
    position = 0
    for start, end in _live_spans(text):
        if start < position:
            continue
        out.append(_escape(text[position:start], paired))
        out.append(code_span(text[start:end]))
        position = end
    out.append(_escape(text[position:], paired))
    return "".join(out)


def neutralize(markdown: str) -> str:
    """Markdown (already escaped) in which nothing can notify anyone or link an issue."""
    out: list[str] = []
    position = 0
    for match in _MENTION_OR_REF.finditer(markdown):
        out.append(markdown[position : match.start()])
        out.append(code_span(match.group(0)))
        position = match.end()
    out.append(markdown[position:])
    return "".join(out)


_MENTION_OR_REF = re.compile(
    r"(?<![\w/`\\])@[A-Za-z0-9][\w-]*(?:/[\w-]+)?"
    r"|(?<![\w/])[\w.-]+/[\w.-]+#\d+\b"
    r"|(?<![\w&#/])#\d+\b"
    r"|\bGH-\d+\b",
    re.IGNORECASE,
)


def safe_inline(text: str) -> str:
    """For PR bodies: one escaped line; links, mentions and references shown as code."""
    text = one_line(text)
    return _inline(text, _paired_in(text))


def safe_html(text: str) -> str:
    """For text inside raw HTML in a PR body (a ``<summary>``), where Markdown is not read:
    HTML-escaped, with links, mentions and references in ``<code>``."""
    text = one_line(text)
    out: list[str] = []
    position = 0
    for start, end in _live_spans(text):
        if start < position:
            continue
        out.append(_html_escape(text[position:start]))
        out.append(f"<code>{_html_escape(text[start:end])}</code>")
        position = end
    out.append(_html_escape(text[position:]))
    return "".join(out)


def _html_escape(text: str) -> str:
    return html.escape(text, quote=False).replace("`", "&#96;")


def safe_block(text: str) -> str:
    """For a paragraph inside ``<details>`` in a PR body (an abstract).

    Common LaTeX is rendered for people (``\\textit{x}`` -> *x*, ``\\textbf{x}`` -> **x**,
    ``$x^2$`` and ``\\texttt{x}`` -> code, ``\\href{url}{text}`` -> text and the address as
    code); bare URLs, mentions and references become code spans, so a hostile abstract
    cannot plant a clickable link or notify anyone, and nothing invisible is added.
    """
    text = one_line(text)
    pieces = _latex_pieces(text)
    plain = "".join(t for kind, t in pieces if kind in {"text", "em", "strong", "link"})
    paired = _paired_in(plain) | {"*", "_"} & set(plain)
    out: list[str] = []
    for kind, value in pieces:
        if kind == "text":
            out.append(_inline(value, paired))
        elif kind in {"em", "strong"}:
            inner = value.strip()
            if inner:
                mark = "*" if kind == "em" else "**"
                lead = " " if value[:1].isspace() else ""
                tail = " " if value[-1:].isspace() else ""
                out.append(f"{lead}{mark}{_inline(inner, paired)}{mark}{tail}")
        elif kind == "code":
            if value.strip():
                out.append(code_span(value))
        else:  # link: "text\x00url"
            label, _, url = value.partition("\x00")
            out.append(f"{_inline(label, paired)} ({code_span(url)})" if url else
                       _inline(label, paired))
    return "".join(out)


_LATEX = re.compile(
    r"\\href\s*\{(?P<href>[^{}]*)\}\s*\{(?P<label>[^{}]*)\}"
    r"|\\(?P<cmd>textit|emph|textsl|textbf|texttt|url|textsc|textrm|textsf|textnormal|mbox|text)"
    r"\s*\{(?P<arg>[^{}]*)\}"
    r"|(?<!\\)\$(?P<math>[^$]{1,200}?)(?<!\\)\$"
    r"|\\\((?P<math2>.{1,200}?)\\\)"
)
_LATEX_KIND = {
    "textit": "em", "emph": "em", "textsl": "em", "textbf": "strong", "texttt": "code",
    "url": "code",
}
_LATEX_CHARS = (
    ("\\%", "%"), ("\\&", "&"), ("\\_", "_"), ("\\#", "#"), ("\\$", "$"), ("\\{", "{"),
    ("\\}", "}"), ("``", "“"), ("''", "”"), ("\\ ", " "), ("\\,", " "),
)


def _latex_text(text: str) -> str:
    for latex, char in _LATEX_CHARS:
        text = text.replace(latex, char)
    return text


def _latex_pieces(text: str) -> list[tuple[str, str]]:
    """The abstract as (kind, text) pieces: text, em, strong, code, link."""
    pieces: list[tuple[str, str]] = []
    position = 0
    for match in _LATEX.finditer(text):
        pieces.append(("text", _latex_text(text[position : match.start()])))
        if match.group("href") is not None:
            label = _latex_text(match.group("label")) or match.group("href")
            pieces.append(("link", f"{label}\x00{match.group('href').strip()}"))
        elif match.group("cmd"):
            kind = _LATEX_KIND.get(match.group("cmd"), "text")
            arg = match.group("arg")
            pieces.append((kind, arg if kind == "code" else _latex_text(arg)))
        else:
            pieces.append(("code", match.group("math") or match.group("math2") or ""))
        position = match.end()
    pieces.append(("text", _latex_text(text[position:])))
    return [(kind, value) for kind, value in pieces if value]


def fence(text: str) -> str:
    """A fenced code block that ``text`` cannot close: the fence outgrows any backtick run."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{text}\n{ticks}"
