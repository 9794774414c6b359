"""Making untrusted text (arXiv titles, abstracts, names) safe to show in Markdown.

Titles and abstracts are written by strangers. Put into a list entry or a PR body they must
not: inject HTML (``<img onerror=…>``, ``</details>``), open or close code spans and blocks,
form links or emphasis, break a table row, notify people (``@user``) or cross-reference issues
(``#123``, ``owner/repo#123``, ``GH-123``). Everything here is pure and idempotent enough to
be applied once at the boundary where text enters the pipeline's output.
"""

from __future__ import annotations

import re

ZWSP = "\u200b"  # zero-width space: breaks a mention or reference without changing the look

_WHITESPACE = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")
# Always escaped: they build links, code, HTML, tables, escapes.
_ALWAYS = re.compile(r"([\\`\[\]<>|])")
# Escaped only when paired (one lone '*' in "Impossible*" is harmless and reads better bare).
_PAIRED = ("*", "_", "$", "~")
_ENTITY = re.compile(r"&(?=#?\w+;)")
_MENTION = re.compile(r"@(?=[A-Za-z0-9])")
_ISSUE_REF = re.compile(r"(?<!&)(#|GH-)(?=\d)", re.IGNORECASE)
_URL_SCHEME = re.compile(
    r"\b(https?|ftp|javascript|data|vbscript|mailto|xmpp|file):", re.IGNORECASE
)
_WWW = re.compile(r"\b(www)\.", re.IGNORECASE)  # GitHub autolinks "www.example.com" too


def one_line(text: str) -> str:
    """Collapse whitespace (newlines included) and drop control/bidi-override characters."""
    return _WHITESPACE.sub(" ", _CONTROL.sub("", text)).strip()


def escape_markdown(text: str) -> str:
    """Inline Markdown text that renders as the literal ``text`` on one line.

    Safe inside link text, list items and table cells. It does not neutralise mentions:
    text in a committed file notifies nobody; use ``neutralize`` for PR bodies and comments.
    """
    text = _ALWAYS.sub(r"\\\1", one_line(text))
    text = _ENTITY.sub("&amp;", text)  # "&lt;" in a title stays the five characters
    for char in _PAIRED:
        if text.count(char) >= 2:
            text = text.replace(char, "\\" + char)
    return text


def neutralize(text: str) -> str:
    """Text that cannot notify anyone or link an issue when GitHub renders it."""
    text = _MENTION.sub("@" + ZWSP, text)
    return _ISSUE_REF.sub(lambda m: m.group(1) + ZWSP, text)


def safe_inline(text: str) -> str:
    """For PR bodies: one escaped, neutralised line."""
    return neutralize(escape_markdown(text))


def safe_block(text: str) -> str:
    """For a paragraph inside ``<details>`` in a PR body (an abstract).

    Also breaks bare URLs' schemes (and ``www.``) so a hostile abstract cannot plant
    clickable links: a link is shown, never followed.
    """
    text = _URL_SCHEME.sub(lambda m: m.group(1) + ZWSP + ":", safe_inline(text))
    return _WWW.sub(lambda m: m.group(1) + ZWSP + ".", text)


def fence(text: str) -> str:
    """A fenced code block that ``text`` cannot close: the fence outgrows any backtick run."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    ticks = "`" * max(3, longest + 1)
    return f"{ticks}\n{text}\n{ticks}"
