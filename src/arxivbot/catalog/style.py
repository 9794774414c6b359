"""How a list writes an entry, learnt from the list itself, and rendering in that style.

``infer_style`` reads a list's own entries and returns a ``ListStyle``: per section, the entry
shape (bullet or table row), the slots that open an entry (date, name, title), the date form,
the arXiv link form, the badges with their exact label bytes and decoration, the separator
lines between entries and the order. ``entry_template`` expresses an ``EntryStyle`` as a
jinja2 template; ``render_entry`` fills it for a new paper and ``check_style`` re-renders every
existing entry from its own parsed fields to prove the template reproduces the list.

Spacing inside an existing entry (a double space before a badge, a trailing space, a wrap
onto the next line) is carried as per-entry data when re-rendering, because it is invisible
once rendered; everything else (slot order, brackets, badge decoration, date and table
layout) comes from the style, so a style that is wrong shows up as a diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from arxivbot.arxiv_ids import ID_PATTERN, id_month, id_serial
from arxivbot.catalog.parse import (
    Token,
    arxiv_id_from_url,
    bullet_fields,
    clean_heading,
    column_roles,
    date_form,
    date_key,
    split_row,
    tokenize,
)
from arxivbot.catalog.templating import compile_template, literal, render
from arxivbot.errors import CatalogFormatError
from arxivbot.records import CatalogEntry

if TYPE_CHECKING:
    from arxivbot.catalog.parse import Catalog

__all__ = [
    "EntryDiff",
    "EntryFields",
    "EntryStyle",
    "ListStyle",
    "RoundTrip",
    "check_style",
    "entry_template",
    "infer_style",
    "render_entry",
    "sort_key",
]

_BULLET = re.compile(r"^(?P<indent>[ \t]*)(?P<marker>[-*+]|\d{1,9}[.)])(?P<space>[ \t]+)")


@dataclass(frozen=True, slots=True)
class EntryStyle:
    """How one section (or the whole list) writes an entry."""

    shape: str = "bullet"  # bullet | table
    count: int = 0  # entries the style was learnt from
    # -- bullet entries
    indent: str = ""
    marker: str = "* "  # bullet character (or "1.") and the space after it
    lead: tuple[str, ...] = ("title",)  # slots that open an entry, in order
    title_kind: str = "link"  # link | dlink | bracket | bold | text
    title_wrap: str = ""  # "**" for **[Title](url)** (bullets and table cells)
    badge_open: str = ""  # "[" for badges written [[Code 💻](url)]
    badge_close: str = ""
    gap: str = " "  # between the parts of an entry
    badges: tuple[tuple[str, str], ...] = ()  # (role, label as written) in the list's order
    # -- table rows
    columns: tuple[str, ...] = ()  # header cells
    roles: tuple[str, ...] = ()  # date | title | name | code | project | text per column
    widths: tuple[int, ...] = ()  # cell width between the pipes, padding included
    padded: bool = False  # cells padded to the column width
    outer_pipes: tuple[bool, bool] = (True, True)
    placeholder: str | None = None  # written for a missing link, e.g. "-"
    placeholder_padded: bool = False
    cell_labels: tuple[tuple[str, str], ...] = ()  # (role, link label) e.g. ("code", "GitHub")
    # -- both
    date_form: str | None = None  # yymm | mon d, yyyy | yyyy-mm-dd | ... ; None: no date
    paper_url: str = "https://arxiv.org/abs/{id}"
    separator: tuple[str, ...] = ()  # lines between two entries, e.g. ("",) for one blank
    order: str = "none"  # newest-first | oldest-first | none (unknown while inferring)

    def badge_label(self, role: str) -> str | None:
        return dict(self.badges).get(role)

    def describe(self) -> str:
        """One line for people: what an entry looks like."""
        blank = {0: "no blank line", 1: "1 blank line"}.get(
            len(self.separator), f"{len(self.separator)} blank lines"
        )
        if self.shape == "table":
            cols = " | ".join(self.columns)
            return f"table row | {cols} |, date {self.date_form or 'none'}, order {self.order}"
        badges = ", ".join(
            f"{self.badge_open}[{label}](…){self.badge_close}" for _role, label in self.badges
        )
        return (
            f"bullet {self.marker.strip()!r}, opens with {'/'.join(self.lead)}, "
            f"date {self.date_form or 'none'}, links {self.paper_url.replace('{id}', 'ID')}, "
            f"badges {badges or 'none'}, {blank} between entries, order {self.order}"
        )


@dataclass(frozen=True, slots=True)
class ListStyle:
    """A list's entry styles: one per section holding entries, and a default for the rest."""

    default: EntryStyle
    sections: tuple[tuple[str, EntryStyle], ...] = ()
    eol: str = "\n"

    def for_section(self, section: str | None) -> EntryStyle:
        if section is not None:
            for path, style in self.sections:
                if path == section:
                    return style
        return self.default


@dataclass(frozen=True, slots=True)
class EntryFields:
    """What a new entry needs. Title and name arrive already Markdown-escaped by the caller."""

    arxiv_id: str
    title: str
    date: dt.date  # announcement date
    name: str | None = None
    code_url: str | None = None
    project_url: str | None = None
    kind: str = "paper"


@dataclass(frozen=True, slots=True)
class EntryDiff:
    entry: CatalogEntry
    rendered: str
    diff: str  # unified diff, written text first


@dataclass(frozen=True, slots=True)
class RoundTrip:
    """How many entries the style renders back byte for byte.

    ``identical`` keeps each entry's own spacing (invisible once rendered); ``strict`` also
    takes spacing and table padding from the style, as a new entry gets them.
    """

    identical: int
    total: int
    diffs: tuple[EntryDiff, ...] = field(default=())
    strict: int = 0

    @property
    def rate(self) -> float:
        return self.identical / self.total if self.total else 1.0

    def summary(self) -> str:
        return f"round-trip: {self.identical}/{self.total} entries identical ({self.rate:.0%})"

    def strict_summary(self) -> str:
        rate = self.strict / self.total if self.total else 1.0
        return (
            f"with the style's own spacing: {self.strict}/{self.total} entries identical "
            f"({rate:.0%})"
        )


# ---------------------------------------------------------------------------------------------
# Ordering


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


def _order(keys: Sequence[tuple[int, int, int, int]]) -> str:
    pairs = [(a, b) for a, b in pairwise(keys) if a[0] and b[0]]
    if not any(a[:3] != b[:3] for a, b in pairs):
        return "unknown"  # no evidence either way: the caller falls back to the list's order
    down = sum(a[:3] >= b[:3] for a, b in pairs) / len(pairs)
    up = sum(a[:3] <= b[:3] for a, b in pairs) / len(pairs)
    if down >= 0.75 and any(a[:3] > b[:3] for a, b in pairs):
        return "newest-first"
    if up >= 0.75 and any(a[:3] < b[:3] for a, b in pairs):
        return "oldest-first"
    return "none"


# ---------------------------------------------------------------------------------------------
# Inference

_ROLE_WORDS = (
    ("code", re.compile(r"^(code|github|repo|repository|implementation|source)s?\b", re.I)),
    ("project", re.compile(r"^(project|page|website|homepage|home page|blog)s?\b", re.I)),
    ("paper", re.compile(r"^(paper|arxiv|pdf)s?\b", re.I)),
)


def badge_role(label: str, url: str = "") -> str | None:
    """code | project | paper for a badge label such as ``Code 💻``; None for the rest."""
    text = clean_heading(label.strip("[]() ")) if label.strip("[]() ") else ""
    for role, pattern in _ROLE_WORDS:
        if pattern.match(text):
            return role
    if arxiv_id_from_url(url) and not text:
        return "paper"
    return None


@dataclass(slots=True)
class _BulletParts:
    """An existing bullet entry broken into the pieces the template puts back together."""

    indent: str
    marker: str
    lead: tuple[str, ...]
    lead_tokens: list[Token]
    date: str | None
    name: str | None
    title: str
    paper_url: str | None
    title_kind: str
    title_wrap: str
    tail: list[Token]
    trailing: str


def _bullet_parts(raw: str) -> _BulletParts | None:
    match = _BULLET.match(raw)
    if not match:
        return None
    tokens = tokenize(raw[match.end() :])
    trailing = ""
    if tokens and not tokens[-1].raw:  # whitespace after the last part
        trailing = tokens.pop().gap
    fields = bullet_fields(tokens)
    solid_positions = [i for i, t in enumerate(tokens) if t.raw]
    cut = (
        solid_positions[fields.lead_count]
        if fields.lead_count < len(solid_positions)
        else len(tokens)
    )
    lead_tokens = list(fields.slot_tokens)
    return _BulletParts(
        indent=match["indent"],
        marker=match["marker"] + match["space"],
        lead=fields.lead,
        lead_tokens=lead_tokens,
        date=fields.date,
        name=fields.name if "name" in fields.lead else None,
        title=fields.title,
        paper_url=fields.paper_url,
        title_kind=fields.title_kind,
        title_wrap=fields.title_wrap,
        tail=tokens[cut:],
        trailing=trailing,
    )


def _most(counter: Counter[Any], default: Any, prefer: Any = None) -> Any:
    """The commonest value; on a tie, ``prefer`` (the list-wide habit) when it is among them."""
    if not counter:
        return default
    top = counter.most_common(1)[0][1]
    if prefer is not None and counter.get(prefer) == top:
        return prefer
    return counter.most_common(1)[0][0]


def _url_form(url: str) -> str | None:
    """``https://arxiv.org/pdf/2503.12937v2`` -> ``https://arxiv.org/pdf/{id}``."""
    if not arxiv_id_from_url(url) or "huggingface.co" in url:
        return None
    return ID_PATTERN.sub("{id}", url, count=1)


def _infer_bullets(parts: Sequence[_BulletParts], fallback: EntryStyle | None) -> EntryStyle:
    markers: Counter[str] = Counter()
    indents: Counter[str] = Counter()
    leads: Counter[tuple[str, ...]] = Counter()
    title_kinds: Counter[str] = Counter()
    title_wraps: Counter[str] = Counter()
    dates: Counter[str] = Counter()
    decorations: Counter[str] = Counter()
    gaps: Counter[str] = Counter()
    urls: Counter[str] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    positions: dict[str, list[float]] = defaultdict(list)
    for p in parts:
        markers[re.sub(r"^\d+", "1", p.marker)] += 1
        indents[p.indent] += 1
        leads[p.lead] += 1
        title_kinds[p.title_kind] += 1
        title_wraps[p.title_wrap] += 1
        if p.date and (form := date_form(p.date)):
            dates[form] += 1
        if p.paper_url and (form := _url_form(p.paper_url)):
            urls[form] += 1
        gaps.update(t.gap for t in p.lead_tokens[1:])
        badges = [t for t in p.tail if t.kind in {"link", "dlink"}]
        for index, token in enumerate(badges):
            decorations[token.kind] += 1
            gaps[token.gap] += 1
            if (form := _url_form(token.url)) and not p.paper_url:
                urls[form] += 1
            role = badge_role(token.text, token.url)
            if role:
                labels[role][token.text] += 1
                positions[role].append(index / max(1, len(badges) - 1))
    roles = sorted(labels, key=lambda r: sum(positions[r]) / len(positions[r]))
    badges_seen = tuple((role, _most(labels[role], "")) for role in roles)
    if fallback is not None:  # a small section borrows badges it has not shown yet
        known = {r for r, _l in badges_seen}
        extra = [(r, lab) for r, lab in fallback.badges if r not in known]
        badges_seen = tuple(
            sorted(
                (*badges_seen, *extra),
                key=lambda rl: (
                    [r for r, _l in fallback.badges].index(rl[0])
                    if rl[0] in dict(fallback.badges)
                    else len(fallback.badges)
                ),
            )
        )
    wide = "dlink" if fallback and fallback.badge_open else "link"
    decoration = _most(decorations, wide, wide if fallback else None)
    lead = _most(leads, ("title",), fallback.lead if fallback else None)
    return EntryStyle(
        shape="bullet",
        count=len(parts),
        indent=_most(indents, ""),
        marker=_most(markers, "* ", fallback.marker if fallback else None),
        lead=lead,
        title_kind=_most(title_kinds, "link", fallback.title_kind if fallback else None),
        title_wrap=_most(title_wraps, "", fallback.title_wrap if fallback else None),
        badge_open="[" if decoration == "dlink" else "",
        badge_close="]" if decoration == "dlink" else "",
        gap=_most(gaps, " ") if " " in gaps or not gaps else " ",
        badges=badges_seen,
        date_form=_most(dates, fallback.date_form if fallback else None)
        if "date" in lead
        else None,
        paper_url=_most(urls, fallback.paper_url if fallback else "https://arxiv.org/abs/{id}"),
    )


def _infer_table(entries: Sequence[CatalogEntry], header: tuple[str, ...]) -> EntryStyle:
    rows = [split_row(e.raw) for e in entries]
    width_count = max((len(r) for r in rows), default=0)
    widths: list[int] = []
    for col in range(width_count):
        lengths = Counter(len(r[col]) for r in rows if col < len(r))
        widths.append(_most(lengths, 0))
    roles = column_roles(header) if header else ("text",) * width_count
    fitting = padded = 0
    placeholders: Counter[str] = Counter()
    placeholder_padded: Counter[bool] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    dates: Counter[str] = Counter()
    urls: Counter[str] = Counter()
    wraps: Counter[str] = Counter()
    for row in rows:
        for col, cell in enumerate(row[: len(widths)]):
            content = cell.strip()
            role = roles[col] if col < len(roles) else "text"
            if role == "title":
                wrap = re.fullmatch(r"(\*\*|__)\[.*\]\(.*\)\1", content)
                wraps[wrap.group(1) if wrap else ""] += 1
            if role in {"code", "project"} and content in {"-", "—", "N/A", "n/a", "/"}:
                placeholders[content] += 1
                placeholder_padded[len(cell) == widths[col]] += 1
                continue
            if len(cell) - len(content) > 2:  # spaces beyond one a side: padded to a width
                padded += 1
            elif len(content) + 2 < widths[col]:  # shorter than the column, yet not padded
                fitting += 1
            for token in tokenize(content):
                if token.kind in {"link", "dlink"}:
                    if role in {"code", "project"}:
                        labels[role][token.text] += 1
                    if form := _url_form(token.url):
                        urls[form] += 1
            if role == "date" and (form := date_form(content)):
                dates[form] += 1
    raws = [e.raw.strip() for e in entries]
    return EntryStyle(
        shape="table",
        count=len(entries),
        columns=header,
        roles=roles,
        widths=tuple(widths),
        padded=padded > fitting,
        outer_pipes=(
            sum(r.startswith("|") for r in raws) * 2 >= len(raws),
            sum(r.endswith("|") for r in raws) * 2 >= len(raws),
        ),
        placeholder=_most(placeholders, None),
        placeholder_padded=_most(placeholder_padded, False),
        cell_labels=tuple((role, _most(c, "")) for role, c in labels.items()),
        date_form=_most(dates, None),
        paper_url=_most(urls, "https://arxiv.org/abs/{id}"),
        title_wrap=_most(wraps, ""),
    )


def _table_header(entry: CatalogEntry, lines: Sequence[str]) -> tuple[str, ...]:
    """The header of the table an entry's row belongs to (walk up past the separator row)."""
    index = entry.line - 1
    while index > 0 and lines[index - 1].lstrip().startswith("|"):
        index -= 1
    if index < len(lines):
        return tuple(c.strip() for c in split_row(lines[index]))
    return ()


def _separator(
    entries: Sequence[CatalogEntry], lines: Sequence[str] | None
) -> tuple[str, ...] | None:
    """The most common run of lines between two consecutive entries (blank lines only)."""
    runs: Counter[tuple[str, ...]] = Counter()
    for a, b in pairwise(entries):
        between_count = b.line - a.end_line - 1
        if between_count < 0:
            continue
        if lines is None:
            runs[("",) * between_count] += 1
            continue
        between = tuple(lines[a.end_line : b.line - 1])
        if all(not s.strip() for s in between):
            runs[between] += 1
    if not runs:
        return None
    # Prefer the commonest number of lines, then the commonest exact text of that number.
    by_len = Counter[int]()
    for run, n in runs.items():
        by_len[len(run)] += n
    length = _most(by_len, 0)
    return _most(Counter({r: n for r, n in runs.items() if len(r) == length}), ())


def infer_style(entries: Sequence[CatalogEntry], text: str | None = None) -> ListStyle:
    """Learn how the list writes an entry, per section, from its own entries.

    ``text`` (the whole list) lets the style copy the exact separator lines and line endings;
    without it blank separators are assumed empty.
    """
    lines = text.removeprefix("\ufeff").split("\n") if text is not None else None
    if lines is not None:
        lines = [ln.removesuffix("\r") for ln in lines]
    eol = "\r\n" if text and text.count("\r\n") * 2 > text.count("\n") else "\n"
    # Heading and paragraph entries have no writer of their own yet: their sections take the
    # list's default style (a bullet when the list has no bullets or tables at all).
    entries = [e for e in entries if e.shape in {"bullet", "table"}]
    by_section: dict[str, list[CatalogEntry]] = defaultdict(list)
    for entry in entries:
        by_section[entry.section].append(entry)

    def shape_of(entry: CatalogEntry) -> str:
        return "bullet" if _BULLET.match(entry.raw) else "table"

    # List-wide styles per shape, learnt from paper-like entries first.
    pooled: dict[str, EntryStyle] = {}
    for shape in ("bullet", "table"):
        chosen = [e for e in entries if shape_of(e) == shape and e.kind != "project"]
        chosen = chosen or [e for e in entries if shape_of(e) == shape]
        if not chosen:
            continue
        pooled[shape] = _infer_group(chosen, None, lines)
        everyone = _separator([e for e in entries if shape_of(e) == shape], lines)
        if everyone is not None:  # separators are a layout habit of the whole list
            pooled[shape] = replace(pooled[shape], separator=everyone)

    sections: list[tuple[str, EntryStyle]] = []
    for path, members in by_section.items():
        shape = Counter(shape_of(e) for e in members).most_common(1)[0][0]
        same = [e for e in members if shape_of(e) == shape]
        style = _infer_group(same, pooled.get(shape), lines)
        sections.append((path, style))

    paper_sections = Counter(
        e.section for e in entries if e.kind == "paper" and (e.arxiv_id or e.date)
    ) or Counter(e.section for e in entries)
    main = _most(paper_sections, "")
    default = dict(sections).get(main) or next(iter(pooled.values()), EntryStyle(separator=("",)))
    return ListStyle(default=default, sections=tuple(sections), eol=eol)


def _infer_group(
    entries: Sequence[CatalogEntry], fallback: EntryStyle | None, lines: Sequence[str] | None
) -> EntryStyle:
    if _BULLET.match(entries[0].raw):
        parts = [p for e in entries if (p := _bullet_parts(e.raw))]
        style = _infer_bullets(parts, fallback)
    else:
        header = _table_header(entries[0], lines) if lines is not None else ()
        if not header and fallback is not None:
            header = fallback.columns
        style = _infer_table(entries, header)
    separator = _separator(entries, lines)
    if separator is None:
        separator = fallback.separator if fallback else (() if style.shape == "table" else ("",))
    order = _order([sort_key(e.arxiv_id, e.date) for e in entries])
    if order == "unknown":
        order = fallback.order if fallback is not None else "none"
    return replace(style, separator=separator, order=order)


# ---------------------------------------------------------------------------------------------
# Templates

_TITLE_FORMS = {
    "link": "[{{ title }}]{% if paper_url %}({{ paper_url }}){% endif %}",
    "dlink": "[[{{ title }}]({{ paper_url }})]",
    "bracket": "[{{ title }}]",
    "bold": "**{{ title }}**",
    "text": "{{ title }}",
}


_literal = literal  # list text placed in a template is a string literal, never code


def entry_template(style: ListStyle | EntryStyle, section: str | None = None) -> str:
    """The jinja2 template source an entry style is expressed as (one line, no newline).

    Variables: ``indent``, ``marker``, ``date``, ``name``, ``title``, ``paper_url``, ``gaps``
    (spacing between the opening slots), ``tail`` (badges and notes after the title: each has
    ``kind`` badge|image|raw, ``gap``, ``label``, ``url``, ``raw``), ``trailing``; for a table
    row ``cells`` (each already padded to its column). A user template in ``config/`` can use
    the same variables.
    """
    es = style.for_section(section) if isinstance(style, ListStyle) else style
    if es.shape == "table":
        left = "|" if es.outer_pipes[0] else ""
        right = "{% if not loop.last %}|{% endif %}" if not es.outer_pipes[1] else "|"
        return f"{left}{{% for cell in cells %}}{{{{ cell }}}}{right}{{% endfor %}}"
    slots = []
    for i, slot in enumerate(es.lead):
        gap = f"{{{{ gaps[{i - 1}] }}}}" if i else ""
        if slot == "date":
            slots.append(gap + "[{{ date }}]")
        elif slot == "name":
            slots.append(gap + f"[{{{{ names[{es.lead[:i].count('name')}] }}}}]")
        else:
            form = _TITLE_FORMS.get(es.title_kind, _TITLE_FORMS["link"])
            if es.title_kind in {"link", "dlink"} and es.title_wrap:
                form = f"{_literal(es.title_wrap)}{form}{_literal(es.title_wrap)}"
            slots.append(gap + form)
    link = "[{{ item.label }}]({{ item.url }})"
    badge = f"{_literal(es.badge_open)}{link}{_literal(es.badge_close)}"
    tail = (
        "{% for item in tail %}{{ item.gap }}"
        f"{{% if item.kind == 'badge' %}}{badge}"
        "{% elif item.kind == 'image' %}![{{ item.label }}]({{ item.url }})"
        "{% else %}{{ item.raw }}{% endif %}{% endfor %}"
    )
    return "{{ indent }}{{ marker }}" + "".join(slots) + tail + "{{ trailing }}"


def _template(source: str, override: Path | None = None) -> jinja2.Template:
    """Compiled in the sandbox (``templating``); a user's override with strict variables."""
    if override is None:
        return compile_template(source)
    return compile_template(source, str(override), user=True)


def _load_override(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8").rstrip("\r\n")
    except OSError as exc:
        raise CatalogFormatError(
            f"{path}: cannot read the entry template override ({exc.strerror}); "
            "expected a jinja2 .j2 file"
        ) from exc


# ---------------------------------------------------------------------------------------------
# Rendering


def _one_line(text: str) -> str:
    return " ".join(text.split())


def format_date(form: str | None, date: dt.date, arxiv_id: str | None = None) -> str:
    """Write ``date`` the way the list does; YYMM follows the arXiv id's own prefix."""
    if form == "yymm":
        month = id_month(arxiv_id or "")
        return f"{month[0] % 100:02d}{month[1]:02d}" if month else f"{date:%y%m}"
    formats = {
        "yy.mm": f"{date:%y}.{date.month:02d}",
        "d mon yyyy": f"{date.day} {date:%b} {date.year}",
        "yyyy-mm-dd": date.isoformat(),
        "yyyy.mm": f"{date.year}.{date.month:02d}",
        "yyyy-mm": f"{date.year}-{date.month:02d}",
        "yyyy/mm": f"{date.year}/{date.month:02d}",
        "mon d, yyyy": f"{date:%b} {date.day}, {date.year}",
        "mon yyyy": f"{date:%b} {date.year}",
        "yyyy": str(date.year),
    }
    return formats.get(form or "", date.isoformat())


def _short_name(title: str) -> str:
    """The name a list shows for a paper whose caller gave none: the part before the colon."""
    head = re.split(r":\s|\s[-–—]\s", title, maxsplit=1)[0].strip()
    return head if head and len(head) <= 40 and head != title else title


def _pad(content: str, width: int, padded: bool) -> str:
    if padded and len(content) + 2 <= width:
        return " " + content.ljust(width - 2) + " "
    return f" {content} "


def _cell_escape(text: str) -> str:
    return re.sub(r"(?<!\\)\|", r"\\|", text)


def render_entry(
    style: ListStyle,
    fields: EntryFields,
    section: str | None = None,
    template_override: Path | None = None,
) -> str:
    """A new entry in the list's style for ``section`` (no trailing newline).

    Only badges whose URL is known are written. ``template_override`` is a jinja2 file (for
    example ``config/entry.j2``) used instead of the inferred template, with the same variables.
    """
    es = style.for_section(section)
    title = _one_line(fields.title)
    paper_url = es.paper_url.replace("{id}", fields.arxiv_id)
    date = format_date(es.date_form, fields.date, fields.arxiv_id)
    context: dict[str, Any] = {
        "indent": es.indent,
        "marker": es.marker,
        "date": date,
        "title": title,
        "paper_url": paper_url,
        "code_url": fields.code_url,
        "project_url": fields.project_url,
        "arxiv_id": fields.arxiv_id,
        "kind": fields.kind,
        "style": es,
        "trailing": "",
    }
    if es.shape == "table":
        context["cells"] = _new_cells(es, fields, title, paper_url, date)
    else:
        name = _one_line(fields.name) if fields.name else _short_name(title)
        context["name"] = name
        context["names"] = [name] * max(1, es.lead.count("name"))
        context["gaps"] = [es.gap] * max(0, len(es.lead) - 1)
        urls = {"code": fields.code_url, "project": fields.project_url}
        if es.title_kind not in {"link", "dlink"}:
            urls["paper"] = paper_url  # the title is not linked: the paper goes in a badge
        context["tail"] = [
            {"kind": "badge", "gap": es.gap, "label": label, "url": urls[role], "raw": ""}
            for role, label in es.badges
            if urls.get(role)
        ]
    source = _load_override(template_override) if template_override else entry_template(es)
    return _one_line_safe(render(_template(source, template_override), context))


def _one_line_safe(text: str) -> str:
    """A rendered new entry never spans lines (a template's stray newline is dropped)."""
    return text.replace("\r", "").replace("\n", "")


def _new_cells(
    es: EntryStyle, fields: EntryFields, title: str, paper_url: str, date: str
) -> list[str]:
    labels = dict(es.cell_labels)
    cells = []
    for col, role in enumerate(es.roles or ("title",)):
        width = es.widths[col] if col < len(es.widths) else 0
        url = {"code": fields.code_url, "project": fields.project_url}.get(role)
        if role == "date":
            content = date
        elif role == "title":
            content = f"{es.title_wrap}[{_cell_escape(title)}]({paper_url}){es.title_wrap}"
        elif role == "name":
            content = _cell_escape(_one_line(fields.name or _short_name(title)))
        elif url:
            content = f"[{labels.get(role) or ('Code' if role == 'code' else 'Project')}]({url})"
        else:  # nothing known: the list's placeholder in link columns, else an empty cell
            content = (es.placeholder or "") if role in {"code", "project"} else ""
            if content and not es.placeholder_padded:
                cells.append(f" {content} ")
                continue
        cells.append(_pad(content, width, es.padded))
    return cells


# ---------------------------------------------------------------------------------------------
# Round trip


def _existing_context(
    es: EntryStyle, entry: CatalogEntry, strict: bool = False
) -> dict[str, Any] | None:
    """The template variables an existing entry's own parsed fields give.

    The entry's own spacing (gaps, trailing blanks, cell padding) is kept unless ``strict``.
    """
    if es.shape == "table":
        return {"cells": _existing_cells(es, entry, strict)}
    parts = _bullet_parts(entry.raw)
    if parts is None:
        return None
    marker = es.marker
    number = re.match(r"^\d+", parts.marker)
    if number and es.marker[:1].isdigit():  # numbered lists keep each entry's own number
        marker = number.group() + es.marker.lstrip("0123456789")
    names = [
        t.text for t, slot in zip(parts.lead_tokens, parts.lead, strict=False) if slot == "name"
    ]
    tail = []
    for token in parts.tail:
        if token.kind in {"link", "dlink"}:
            tail.append({"kind": "badge", "gap": token.gap, "label": token.text, "url": token.url})
        elif token.kind == "image":
            tail.append({"kind": "image", "gap": token.gap, "label": token.text, "url": token.url})
        else:
            tail.append({"kind": "raw", "gap": token.gap, "raw": token.raw})
    trailing = parts.trailing
    if strict:  # the style's spacing instead of the entry's own
        tail = [{**item, "gap": es.gap} for item in tail]
        trailing = ""
    gaps = [t.gap for t in parts.lead_tokens[1:]]
    if strict:
        gaps = [es.gap] * len(gaps)
    return {
        "indent": es.indent,
        "marker": marker,
        "date": parts.date,
        "names": names or [""],
        "name": names[0] if names else None,
        "title": parts.title,
        "paper_url": parts.paper_url,
        "gaps": gaps + [es.gap] * len(es.lead),
        "tail": tail,
        "trailing": trailing,
        "style": es,
        "code_url": None,
        "project_url": None,
        "arxiv_id": entry.arxiv_id,
        "kind": entry.kind,
    }


def _existing_cells(es: EntryStyle, entry: CatalogEntry, strict: bool) -> list[str]:
    cells = []
    for col, cell in enumerate(split_row(entry.raw)):
        width = es.widths[col] if col < len(es.widths) else 0
        content = cell.strip()
        tokens = [t for t in tokenize(content) if t.raw]
        if len(tokens) == 1 and tokens[0].kind == "link":  # rebuild the link from its fields
            content = f"[{tokens[0].text}]({tokens[0].url})"
        if not strict:
            lead = cell[: len(cell) - len(cell.lstrip())]
            cells.append(lead + content + cell[len(cell.rstrip()) :])
        elif es.placeholder and content == es.placeholder and not es.placeholder_padded:
            cells.append(f" {content} ")
        else:
            cells.append(_pad(content, width, es.padded))
    return cells


def check_style(catalog: Catalog, template_override: Path | None = None) -> RoundTrip:
    """Re-render every entry from its own parsed fields and compare with the written text."""
    identical = strict = 0
    diffs: list[EntryDiff] = []
    override = _load_override(template_override) if template_override else None
    for entry in catalog.entries:
        es = catalog.style.for_section(entry.section)
        template = _template(override, template_override) if override else _template(
            entry_template(es))
        context = _existing_context(es, entry)
        rendered = render(template, context) if context is not None else ""
        strict_context = _existing_context(es, entry, strict=True)
        if strict_context is not None and render(template, strict_context) == entry.raw:
            strict += 1
        if rendered == entry.raw:
            identical += 1
            continue
        diff = "\n".join(
            difflib.unified_diff(
                entry.raw.split("\n"),
                rendered.split("\n"),
                f"{catalog.source}:{entry.line} (written)",
                "rendered",
                lineterm="",
            )
        )
        diffs.append(EntryDiff(entry, rendered, diff))
    return RoundTrip(identical, len(catalog.entries), tuple(diffs), strict)
