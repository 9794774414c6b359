"""Reference-style links: ``[Title][p1]`` in an entry, ``[p1]: https://…`` on a line of its own.

The one home of the reference grammar (CommonMark 4.7): reading a list's definitions, the
fresh label a new entry takes (the list's own pattern: ``p8`` -> ``p9``), the definition
line it needs (the list's own form, after its last definition) and the labels a batch of
new entries settles on so that no two papers share one.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence

from arxivbot.arxiv_ids import ID_PATTERN, arxiv_id_from_url

__all__ = [
    "DEFINITION",
    "REFERENCE_LINK",
    "definition_line",
    "definitions",
    "fresh_label",
    "last_definition",
    "relabelled",
    "resolved",
    "uses",
]

# [label]: https://… "title" -- a link reference definition
DEFINITION = re.compile(r"^ {0,3}\[(?P<label>[^\[\]]+)\]:\s*<?(?P<url>https?://[^\s>]+)>?")
# [text][label] or the collapsed [text][] (never an image, never after another bracket)
REFERENCE_LINK = re.compile(r"(?<![\]!])\[(?P<text>[^\[\]]+)\]\[(?P<label>[^\[\]]*)\](?!\()")
_NUMBERED = re.compile(r"^(?P<prefix>\D*?)(?P<n>\d{1,6})$")


def definitions(lines: Iterable[str]) -> dict[str, str]:
    """The list's link reference definitions, by lower-cased label (the first one wins)."""
    found: dict[str, str] = {}
    for line in lines:
        if (match := DEFINITION.match(line)) is not None:
            found.setdefault(match.group("label").strip().lower(), match.group("url"))
    return found


def resolved(text: str, references: Mapping[str, str]) -> str:
    """``[Title][p1]`` (or ``[Title][]``) as the inline link it stands for, to read it."""

    def inline(match: re.Match[str]) -> str:
        label = (match.group("label") or match.group("text")).strip().lower()
        url = references.get(label)
        return f"[{match.group('text')}]({url})" if url else match.group()

    return REFERENCE_LINK.sub(inline, text)


def uses(text: str) -> list[tuple[str, str]]:
    """(link text, label as it resolves: the label, else the text) of each reference link."""
    return [
        (m.group("text"), (m.group("label") or m.group("text")).strip())
        for m in REFERENCE_LINK.finditer(text)
    ]


def fresh_label(lines: Iterable[str]) -> str | None:
    """The label a new paper's link takes: the next number of the pattern the list's
    paper definitions follow (``[p1]`` … ``[p8]`` -> ``p9``, zero padding kept); None when
    the papers' labels follow no numbered pattern (their titles, or words)."""
    found = [(m.group("label").strip(), m.group("url")) for ln in lines
             if (m := DEFINITION.match(ln))]
    patterns: Counter[str] = Counter()
    for label, url in found:
        if arxiv_id_from_url(url) and (numbered := _NUMBERED.match(label)):
            patterns[numbered.group("prefix")] += 1
    if not patterns:
        return None
    prefix = patterns.most_common(1)[0][0]
    numbers = [m.group("n") for label, _url in found
               if (m := _NUMBERED.match(label)) and m.group("prefix").lower() == prefix.lower()]
    width = min(len(n) for n in numbers)
    return f"{prefix}{max(int(n) for n in numbers) + 1:0{width}d}"


def last_definition(lines: Sequence[str]) -> int | None:
    """The index of the list's last definition line (after which new ones go)."""
    return next((k for k in range(len(lines) - 1, -1, -1) if DEFINITION.match(lines[k])), None)


def definition_line(lines: Sequence[str], label: str, arxiv_id: str) -> str:
    """``[label]: url`` for the paper, written like the list's last definition of a paper
    (its indentation, its ``<…>``, its url form), without that one's title attribute."""
    for line in reversed(lines):
        match = DEFINITION.match(line)
        if match is None or not (old := arxiv_id_from_url(match.group("url"))):
            continue
        written = line[: match.end()]
        url = re.sub(r"v\d+$", "", ID_PATTERN.sub(
            lambda m, old=old: arxiv_id if m.group("id") == old else m.group(), match.group("url")
        ))
        written = written.replace(match.group("url"), url, 1)
        start = match.start("label")
        return written[: start] + label + written[match.end("label") :]
    return f"[{label}]: https://arxiv.org/abs/{arxiv_id}"


def relabelled(text: str, old: str, new: str) -> str:
    """``text`` with its reference label ``old`` written ``new``."""
    return REFERENCE_LINK.sub(
        lambda m: m.group() if m.group("label").strip() != old
        else f"[{m.group('text')}][{new}]",
        text,
    )


def next_label(label: str, taken: Iterable[str]) -> str:
    """The first label of ``label``'s numbered pattern after it that no one holds."""
    held = {t.lower() for t in taken}
    match = _NUMBERED.match(label)
    if match is None:
        raise ValueError(f"label {label!r} follows no numbered pattern")
    n = int(match.group("n"))
    while True:
        n += 1
        candidate = f"{match.group('prefix')}{n:0{len(match.group('n'))}d}"
        if candidate.lower() not in held:
            return candidate
