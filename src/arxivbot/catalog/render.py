"""Rendering entries in a list's style: new entries, and the round-trip check of old ones.

``entry_template`` expresses an ``EntryStyle`` as a jinja2 template; ``render_entry`` fills it
for a new paper and ``check_style`` re-renders every existing entry from its own parsed fields
to prove the template reproduces the list.

Spacing inside an existing entry (a double space before a badge, a trailing space, a wrap
onto the next line) is carried as per-entry data when re-rendering, because it is invisible
once rendered; everything else (slot order, brackets, badge decoration, date and table
layout) comes from the style, so a style that is wrong shows up as a diff.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import jinja2

from arxivbot.catalog.entry import Entry, sort_key
from arxivbot.catalog.grammar import Token
from arxivbot.catalog.parse import Catalog
from arxivbot.catalog.references import uses
from arxivbot.catalog.skeleton import (
    PLACEHOLDERS,
    AuthorForm,
    author_habit,
    code_path,
    fill,
    fill_cell,
    write_date,
)
from arxivbot.catalog.style import (
    EntryStyle,
    ListStyle,
    bullet_parts,
    list_style,
    row_cells,
    skeleton_at,
)
from arxivbot.catalog.templating import compile_template, literal, render
from arxivbot.errors import CatalogFormatError
from arxivbot.names import given_name, short_name
from arxivbot.safe_text import collapse_whitespace

__all__ = [
    "EntryDiff",
    "EntryFields",
    "RoundTrip",
    "check_style",
    "entry_template",
    "format_date",
    "render_entry",
    "render_in_style",
]


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
    authors: tuple[str, ...] = ()  # as the listing gives them (already escaped)


@dataclass(frozen=True, slots=True)
class EntryDiff:
    entry: Entry
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
    ``kind`` badge|image|raw, ``gap``, ``label``, ``url``, ``raw``), ``trailing``, ``before``
    (empty for a new entry); for a table
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
            open_, close = es.date_wrap
            slots.append(gap + _literal(open_) + "{{ date }}" + _literal(close))
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
    # ``before``: what an existing entry writes ahead of its lead (a badge), for the round trip
    return ("{{ indent }}{{ marker }}{{ before }}" + "".join(slots) + tail
            + "{{ trailing }}")


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


def format_date(form: str | None, date: dt.date, arxiv_id: str | None = None) -> str:
    """Write ``date`` the way the list does; YYMM follows the arXiv id's own prefix."""
    return write_date(form or "", (date.year, date.month, date.day), arxiv_id or "")


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
    return render_in_style(style.for_section(section), fields, template_override)


def render_in_style(
    es: EntryStyle,
    fields: EntryFields,
    template_override: Path | None = None,
    at: int | None = None,
) -> str:
    """A new entry in one section's style (see ``render_entry``).

    A section whose entries were mined into a skeleton (``catalog.skeleton``) is written from
    it, lines and all, like the entries around where it goes (``at``: the index among the
    section's members it goes before, else its sort position; ``style.skeleton_at``); tables
    and template overrides go through the jinja template.
    """
    title = collapse_whitespace(fields.title)
    if es.shape != "table":  # written like the entries around where it goes
        es = replace(es, skeleton=skeleton_at(es, sort_key(fields.arxiv_id, None), at))
        habit = author_habit([s.authors for _k, s in es.members if s.authors],
                             es.authors_shown)
        if es.skeleton is not None and es.skeleton.authors is not None and habit is not None:
            es = replace(es, skeleton=replace(es.skeleton, authors=habit))
    holes = es.skeleton if es.shape != "table" else es.row
    if holes is not None and template_override is None:
        name = collapse_whitespace(fields.name) if fields.name else short_name(title)
        if es.shape == "table":
            title, name = _cell_escape(title), _cell_escape(name)
        values = {
            "title": title,
            "arxiv_id": fields.arxiv_id,
            "name": name,
            "code_url": fields.code_url,
            "code_path": code_path(fields.code_url),
            "code_repo": (code_path(fields.code_url) or "/").split("/")[1] or None,
            "project_url": fields.project_url,
            "ref": es.reference,  # a reference-style link's label; its definition is inserted
        }
        ymd = (fields.date.year, fields.date.month, fields.date.day)
        if es.skeleton is not None and es.shape != "table":
            text = fill(es.skeleton, values, ymd, [collapse_whitespace(a) for a in fields.authors])
            # the paper linked inline, or by a reference its definition line resolves
            # (``insertion`` writes it); else (a form not read as links) the template's
            if fields.arxiv_id in text or uses(text):
                return text.replace("\r", "")
        if es.row is not None:
            # A name cell shows a name the paper gives itself, else the column's placeholder
            # ("-") where rows write one; words made up from the title only where the cell
            # cannot go without a name (it carries the paper's link, or rows never omit it).
            named = fields.name or given_name(title)
            authors = [_cell_escape(collapse_whitespace(a)) for a in fields.authors]
            unnamed = {**values, "name": None} if not named else values
            cells = [
                _row_cell(es, col, _first_filled(tried, unnamed, ymd, authors, es.row.authors)
                          or _first_filled(tried, values, ymd, authors, es.row.authors))
                for col, tried in enumerate(es.row.cells)
            ]
            return _one_line_safe(render(_template(entry_template(es)), {"cells": cells}))
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
        "before": "",
    }
    if es.shape == "table":
        context["cells"] = _new_cells(es, fields, title, paper_url, date)
    else:
        name = collapse_whitespace(fields.name) if fields.name else short_name(title)
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
    written = _one_line_safe(render(_template(source, template_override), context))
    if template_override is None and es.shape != "table" and fields.arxiv_id not in written:
        # A style that links nothing (its entries name the paper in a way not read): a new
        # entry still links its paper, so that the maintainer can open it
        written += f"{es.gap or ' '}[arXiv]({paper_url})"
    return written


def _first_filled(
    tried: Sequence[str], values: Mapping[str, str | None], ymd: tuple[int, int, int],
    authors: Sequence[str] = (), form: AuthorForm | None = None,
) -> str | None:
    """The first of a column's cell templates whose facts are all known, filled."""
    for template in tried:
        if text := fill_cell(template, values, ymd, authors, form):
            return text
    return None


def _row_cell(es: EntryStyle, col: int, content: str | None) -> str:
    content = content or ""
    if content in PLACEHOLDERS and not es.placeholder_padded:
        return f" {content} "
    return _pad(content, es.widths[col] if col < len(es.widths) else 0, es.padded)


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
            content = _cell_escape(collapse_whitespace(fields.name or short_name(title)))
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
    es: EntryStyle, entry: Entry, strict: bool = False
) -> dict[str, Any] | None:
    """The template variables an existing entry's own parsed fields give.

    The entry's own spacing (gaps, trailing blanks, cell padding) is kept unless ``strict``.
    """
    if es.shape == "table":
        return {"cells": _existing_cells(es, entry, strict)}
    parts = bullet_parts(entry)
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
    title = parts.title
    if parts.title_kind in {"text", "bold"} and "title" in parts.lead:
        # a plain-text lead holds more than the title (a venue tag before it, a venue and
        # authors after it): the round trip writes that text as it stands
        before, title, after = _plain_lead(
            entry, parts.lead_tokens[parts.lead.index("title")], title
        )
        if after:
            tail.insert(0, {"kind": "raw", "gap": "", "raw": after})
    else:
        before = ""
    gaps = [t.gap for t in parts.lead_tokens[1:]]
    if strict:
        gaps = [es.gap] * len(gaps)
    return {
        "indent": es.indent,
        "marker": marker,
        "before": before,
        "date": parts.date,
        "names": names or [""],
        "name": names[0] if names else None,
        "title": title,
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


def _plain_lead(entry: Entry, slot: Token, title: str) -> tuple[str, str, str]:
    """The text before a bold title (a badge: ``[[arXiv](url)] **Title**``), the title
    template variable that writes a plain-text lead as it stands, and the text after a bold
    title (``. *A, B*. ICML 2024.``); unskipped lead tokens (``[arXiv 2025]``) before a plain
    title go with it."""
    tokens = [t for t in entry.tokens if t.raw]
    at = next((i for i, t in enumerate(tokens) if t is slot), None)
    if at is None:
        return "", title, ""
    start = at
    slots = set(map(id, entry.fields.slot_tokens)) if entry.fields else set()
    while start > 0 and id(tokens[start - 1]) not in slots:
        start -= 1
    raw = tokens[start].raw + "".join(t.gap + t.raw for t in tokens[start + 1 : at + 1])
    bold = f"**{title}**" if slot.raw.find(f"**{title}**") >= 0 else f"__{title}__"
    if raw.startswith(bold):
        return "", title, raw[len(bold) :]
    if entry.fields is not None and entry.fields.title_kind == "bold" and bold in raw:
        before, after = raw.split(bold, 1)
        return before, title, after
    return "", raw, ""


def _existing_cells(es: EntryStyle, entry: Entry, strict: bool) -> list[str]:
    cells = []
    for col, (cell, cell_tokens) in enumerate(row_cells(entry)):
        width = es.widths[col] if col < len(es.widths) else 0
        content = cell.strip()
        tokens = [t for t in cell_tokens if t.raw]
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


def check_style(
    catalog: Catalog, template_override: Path | None = None, style: ListStyle | None = None
) -> RoundTrip:
    """Re-render every entry from its own parsed fields and compare with the written text.

    ``style`` is the list's inferred style when the caller has it already.
    """
    style = style or list_style(catalog)
    identical = strict = 0
    diffs: list[EntryDiff] = []
    override = _load_override(template_override) if template_override else None
    for entry in catalog.entries:
        es = style.for_section(entry.section)
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
        diffs.append(EntryDiff(entry, rendered, entry_diff(catalog, entry, rendered, "rendered")))
    return RoundTrip(identical, len(catalog.entries), tuple(diffs), strict)


def entry_diff(catalog: Catalog, entry: Entry, rendered: str, label: str) -> str:
    """A unified diff from the entry as the list writes it to ``rendered`` (named ``label``)."""
    return "\n".join(
        difflib.unified_diff(
            entry.raw.split("\n"),
            rendered.split("\n"),
            f"{catalog.source}:{entry.line} (written)",
            label,
            lineterm="",
        )
    )
