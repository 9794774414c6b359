"""How a list writes an entry, learnt from the list itself.

``infer_style`` reads a list's own entries and returns a ``ListStyle``: per section, the entry
shape (bullet or table row), the slots that open an entry (date, name, title), the date form,
the arXiv link form, the badges with their exact label bytes and decoration, the separator
lines between entries and the order. It reads what the parser already read (each ``Entry``'s
tokens, lead fields and cells); ``catalog.render`` writes entries in the style.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from itertools import pairwise
from typing import Any

from arxivbot.arxiv_ids import ID_PATTERN, arxiv_id_from_url
from arxivbot.catalog.entry import Entry, column_roles, insertion_index, nearest, sort_key
from arxivbot.catalog.grammar import BULLET, Token, clean_heading, date_form, split_row, tokenize
from arxivbot.catalog.parse import Catalog
from arxivbot.catalog.references import fresh_label
from arxivbot.catalog.skeleton import (
    HOLE,
    AuthorForm,
    Part,
    RowSkeleton,
    Skeleton,
    author_form,
    author_habit,
    choose,
    choose_row,
    facts_of,
    labelled_like,
    mine,
    mine_row,
)

__all__ = [
    "EntryStyle",
    "ListStyle",
    "badge_role",
    "bullet_parts",
    "infer_style",
    "list_style",
    "row_cells",
    "skeleton_at",
    "sort_key",
]


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
    date_wrap: tuple[str, str] = ("[", "]")  # around a lead date: ("**[", "]**"), ("`", "`")
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
    skeleton: Skeleton | None = None  # how the section's papers are written, lines and all
    row: RowSkeleton | None = None  # how a table section's cells are written, column by column
    # The section's mined entries in file order (sort key, skeleton): a new entry is written
    # like the entries nearest where it is inserted; ``borrow`` is the list-wide skeleton.
    members: tuple[tuple[tuple[int, int, int, int], Skeleton], ...] = field(
        default=(), compare=False, repr=False
    )
    borrow: Skeleton | None = field(default=None, compare=False, repr=False)
    authors_shown: tuple[int, ...] = ()  # names in each whole author list of the section
    # code/project badges of the section's entries without an arXiv paper (none is mined)
    unmined_badges: tuple[tuple[str, str], ...] = ()
    reference: str | None = None  # the fresh label a reference-style paper link takes ("p9")

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
        """The style of ``section``; a new year section (``Papers / 2026``) takes its newest
        sibling year's style."""
        if section is not None:
            for path, style in self.sections:
                if path == section:
                    return style
            parent, _, title = section.rpartition(" / ")
            if re.fullmatch(r"(?:19|20)\d{2}", title):
                years = [
                    (int(path.rpartition(" / ")[2]), style)
                    for path, style in self.sections
                    if path.rpartition(" / ")[0] == parent
                    and re.fullmatch(r"(?:19|20)\d{2}", path.rpartition(" / ")[2])
                ]
                if years:
                    return max(years, key=lambda ys: ys[0])[1]
        return self.default


# ---------------------------------------------------------------------------------------------
# Ordering


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


def bullet_parts(entry: Entry) -> _BulletParts | None:
    """A bullet entry's pieces, from what the parser read (None for other shapes)."""
    match = BULLET.match(entry.raw)
    fields = entry.fields
    if entry.shape != "bullet" or not match or fields is None:
        return None
    tokens = list(entry.tokens)
    trailing = ""
    if tokens and not tokens[-1].raw:  # whitespace after the last part
        trailing = tokens.pop().gap
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


def row_cells(entry: Entry) -> tuple[tuple[str, tuple[Token, ...]], ...]:
    """A row's cells as written, each with the tokens of its stripped content."""
    if entry.shape == "table" and entry.cells:
        return tuple(zip(entry.cells, entry.cell_tokens, strict=True))
    return tuple((cell, tuple(tokenize(cell.strip()))) for cell in split_row(entry.raw))


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
    date_wraps: Counter[tuple[str, str]] = Counter()
    for p in parts:
        if p.date and "date" in p.lead:  # the date as written around its value
            raw = p.lead_tokens[p.lead.index("date")].raw
            before, _, after = raw.rpartition(p.date) if p.date in raw else ("[", "", "]")
            date_wraps[(before, after)] += 1
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
        date_wrap=_most(date_wraps, fallback.date_wrap if fallback else ("[", "]")),
        badge_open="[" if decoration == "dlink" else "",
        badge_close="]" if decoration == "dlink" else "",
        gap=_most(gaps, " ") if " " in gaps or not gaps else " ",
        badges=badges_seen,
        date_form=_most(dates, fallback.date_form if fallback else None)
        if "date" in lead
        else None,
        paper_url=_most(urls, fallback.paper_url if fallback else "https://arxiv.org/abs/{id}"),
    )


def _infer_table(entries: Sequence[Entry], header: tuple[str, ...]) -> EntryStyle:
    rows = [[cell for cell, _tokens in row_cells(e)] for e in entries]
    row_tokens = [[tokens for _cell, tokens in row_cells(e)] for e in entries]
    width_count = max((len(r) for r in rows), default=0)
    widths: list[int] = []
    for col in range(width_count):
        lengths = Counter(len(r[col]) for r in rows if col < len(r))
        widths.append(_most(lengths, 0))
    roles = entries[0].roles or (column_roles(header) if header else ("text",) * width_count)
    fitting = padded = 0
    placeholders: Counter[str] = Counter()
    placeholder_padded: Counter[bool] = Counter()
    labels: dict[str, Counter[str]] = defaultdict(Counter)
    dates: Counter[str] = Counter()
    urls: Counter[str] = Counter()
    wraps: Counter[str] = Counter()
    for row, tokens_of in zip(rows, row_tokens, strict=True):
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
            for token in tokens_of[col]:
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


def _table_header(entry: Entry, lines: Sequence[str]) -> tuple[str, ...]:
    """The header of the table an entry's row belongs to (walk up past the separator row)."""
    index = entry.line - 1
    while index > 0 and lines[index - 1].lstrip().startswith("|"):
        index -= 1
    if index < len(lines):
        return tuple(c.strip() for c in split_row(lines[index]))
    return ()


def _separator(
    entries: Sequence[Entry], lines: Sequence[str] | None
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


def infer_style(
    entries: Sequence[Entry], text: str | None = None, *, skeletons: bool = True
) -> ListStyle:
    """Learn how the list writes an entry, per section, from its own entries.

    ``text`` (the whole list) lets the style copy the exact separator lines and line endings;
    without it blank separators are assumed empty.
    """
    lines = text.removeprefix("\ufeff").split("\n") if text is not None else None
    if lines is not None:
        lines = [ln.removesuffix("\r") for ln in lines]
    eol = "\r\n" if text and text.count("\r\n") * 2 > text.count("\n") else "\n"
    everything = list(entries)
    # Heading and paragraph entries are written from their skeletons (below); the jinja
    # styles are learnt from bullets and table rows.
    entries = [e for e in entries if e.shape in {"bullet", "table"}]
    by_section: dict[str, list[Entry]] = defaultdict(list)
    for entry in entries:
        by_section[entry.section].append(entry)

    def shape_of(entry: Entry) -> str:
        return entry.shape

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

    blocks: dict[str, list[Entry]] = defaultdict(list)
    for entry in everything:
        if entry.shape in {"heading", "paragraph"} and entry.section not in by_section:
            blocks[entry.section].append(entry)
    for path, members in blocks.items():
        shape = Counter(e.shape for e in members).most_common(1)[0][0]
        separator = _separator(members, lines)
        order = _order([sort_key(e.arxiv_id, e.date) for e in members])
        style = EntryStyle(
            shape=shape,
            count=len(members),
            separator=("",) if separator is None else separator,
            order="none" if order == "unknown" else order,
        )
        sections.append((path, style))

    # Every section not written as a table also gets its skeleton (catalog.skeleton);
    # a caller that only describes the list (``skeletons=False``) skips the mining.
    pooled_skeleton = None
    if skeletons:
        mined: dict[str, list[Skeleton]] = defaultdict(list)
        keys: dict[str, list[tuple[int, int, int, int]]] = defaultdict(list)
        rows: dict[str, list[tuple[str, ...]]] = defaultdict(list)
        author_forms: dict[str, list[AuthorForm]] = defaultdict(list)
        shown: dict[str, list[int]] = defaultdict(list)  # names in each whole author list
        for entry in everything:
            if (facts := facts_of(entry)) is None:
                continue
            if entry.shape == "table":
                rows[entry.section].append(mine_row(row_cells(entry), facts))
            else:
                mined[entry.section].append(mine(entry, facts))
                keys[entry.section].append(sort_key(entry.arxiv_id, entry.date))
            if form := author_form(facts):
                author_forms[entry.section].append(form)
                if not form.etal:
                    shown[entry.section].append(len(facts.authors))
        pooled_skeleton = choose([s for group in mined.values() for s in group])
        unmined: dict[str, list[_BulletParts]] = defaultdict(list)
        for entry in entries:
            if entry.shape == "bullet" and not entry.arxiv_id and (p := bullet_parts(entry)):
                unmined[entry.section].append(p)
        written: list[tuple[str, EntryStyle]] = []
        for path, style in sections:
            if style.shape == "table":
                form = author_habit(author_forms[path], shown[path])
                written.append((path, replace(style, row=choose_row(rows.get(path, ()), form))))
                continue
            extra = _infer_bullets(unmined[path], None).badges if unmined[path] else ()
            style = replace(
                style,
                unmined_badges=extra,
                members=tuple(zip(keys.get(path, ()), mined.get(path, ()), strict=True)),
                borrow=pooled_skeleton,
                authors_shown=tuple(shown[path]),
            )
            skeleton = with_badges(choose(mined.get(path, ()), pooled_skeleton), style)
            written.append((path, replace(style, skeleton=skeleton)))
        sections = written

    considered = entries + [e for members in blocks.values() for e in members]
    paper_sections = Counter(
        e.section for e in considered if e.kind == "paper" and (e.arxiv_id or e.date)
    ) or Counter(e.section for e in considered)
    main = _most(paper_sections, "")
    default = dict(sections).get(main) or next(iter(pooled.values()), EntryStyle(separator=("",)))
    if default.shape != "table" and default.skeleton is None:
        default = replace(default, skeleton=pooled_skeleton)
    if lines is not None and (label := fresh_label(lines)) is not None:
        default = replace(default, reference=label)
        sections = [(path, replace(style, reference=label)) for path, style in sections]
    return ListStyle(default=default, sections=tuple(sections), eol=eol)


def _infer_group(
    entries: Sequence[Entry], fallback: EntryStyle | None, lines: Sequence[str] | None
) -> EntryStyle:
    if entries[0].shape == "bullet":
        parts = [p for e in entries if (p := bullet_parts(e))]
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



def with_badges(skeleton: Skeleton | None, style: EntryStyle) -> Skeleton | None:
    """A skeleton that also writes the code/project badges the section's other entries
    (those without an arXiv paper, which no skeleton is mined from) show."""
    if skeleton is None or not skeleton.lines or style.shape != "bullet":
        return skeleton
    holes = {"code": "code_url", "project": "project_url"}
    have = skeleton.holes()
    order = [role for role, _label in style.unmined_badges]
    first = skeleton.lines[0]
    parts = list(first.parts)
    for role, label in style.unmined_badges:
        hole = holes.get(role)
        if hole is None or hole in have or "{" in label or "}" in label:
            continue
        text = f"{style.badge_open}[{label}]({HOLE}{hole}{HOLE}){style.badge_close}"
        later = [r for r in order[order.index(role) + 1 :] if r in holes]
        at = next(
            (i for i, p in enumerate(parts) for r in later if f"{HOLE}{holes[r]}{HOLE}" in p.text),
            len(parts),
        )
        parts.insert(at, Part(style.gap, text))
    lines = [replace(first, parts=tuple(parts)), *skeleton.lines[1:]]
    # The paper link in the form most of the section's entries use (abs, pdf, www.).
    form = style.paper_url.replace("{id}", f"{HOLE}arxiv_id{HOLE}")
    lines = [
        replace(ln, parts=tuple(
            replace(p, text=re.sub(
                rf"(?<!!)(\[(?:!\[[^\]]*\]\([^()\s]*\)|[^\[\]])*\]\()"  # a badge label too
                rf"[^()\s]*{HOLE}arxiv_id{HOLE}[^()\s]*\)",
                lambda m: m.group(1) + form + ")", p.text))
            for p in ln.parts
        ))
        for ln in lines
    ]
    return replace(skeleton, lines=tuple(lines))


WEIGHT = 1  # extra votes each of them casts
NEAREST = 7  # entries around the insertion point whose habits a new entry follows


def skeleton_at(
    es: EntryStyle, key: tuple[int, int, int, int], at: int | None = None
) -> Skeleton | None:
    """The skeleton a new entry of sort ``key`` is written from: that of the section's
    ``NEAREST`` entries around where it is inserted (a list's style drifts: a new entry
    should look like its neighbours, usually the newest, not the section's past average),
    its links labelled as the nearest entries label theirs (``labelled_like``).

    ``at`` is the member index the entry goes before, when the caller knows it; else it is
    the sort position (``insertion_index``, the end of a section with no order)."""
    if not es.members:
        return es.skeleton
    if at is None:
        at = insertion_index([k for k, _s in es.members], es.order, key)
    weights = [1] * len(es.members)
    around = nearest(len(es.members), at, NEAREST)
    for index in around:
        weights[index] += WEIGHT
    skeletons = [s for _k, s in es.members]
    chosen = choose(skeletons, es.borrow, weights)
    if chosen is not None:
        chosen = labelled_like(chosen, [skeletons[i] for i in around])
    return with_badges(chosen, es) or es.skeleton


def list_style(catalog: Catalog, *, skeletons: bool = True) -> ListStyle:
    """The style of a parsed list (its entries and its exact text); ``skeletons=False``
    leaves out how each section's papers are written, for a description of the list."""
    return infer_style(catalog.entries, catalog.text, skeletons=skeletons)
