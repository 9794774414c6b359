"""The ``native`` measure: would a new entry for a paper already on the list look like its own?

For every existing entry with an arXiv id, the entry is left out of its section's skeletons
(leave-one-out), the section's style renders a *new* entry at the entry's place (its sort
position; in a section in no order, where it stands) from the paper's facts as the entry
gives them (title, authors, date, arXiv id, name, code and project links; see
``skeleton.facts_of``) exactly as ``render_entry`` writes one, and the two are compared part
by part, up to runs of whitespace:

- every part the new entry writes appears in the written entry, in the same order and with
  the same decoration (bold, brackets, badges, ``<br>``, ``|``, the date form, the line
  structure: markers, indentation, blank lines);
- every part of the written entry that shows a fact the bot knows appears in the new entry.

Parts of the written entry the bot cannot know (a venue, an affiliation, a description, a
model or dataset link) may be missing; writing them, or anything else, is a miss. Two slots
hold what the bot cannot know and show the list's own stand-in instead: a venue (the list's
preprint form, ``arXiv 2025.``) and a title linked to a page other than the paper, its code
or its project link (a blog post, a company page: the new entry's title links the paper, as
the list's titles without such a page do). Table rows are compared cell by cell: the same
number of cells, each equal part by part as above (a model or dataset link beside the
paper's badges may be missing), or left empty / as the list's placeholder where the written
cell holds something the bot cannot know. Tables use the whole list's style (one row does
not move a table's column layout).
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, replace

from arxivbot.arxiv_ids import arxiv_id_from_url
from arxivbot.catalog.entry import Entry, sort_key
from arxivbot.catalog.grammar import Token, clean_heading, split_row, tokenize
from arxivbot.catalog.parse import Catalog
from arxivbot.catalog.render import EntryFields, entry_diff, render_in_style
from arxivbot.catalog.skeleton import (
    HOLE,
    MORE_AUTHORS,
    REF,
    Facts,
    Skeleton,
    badge_of,
    choose,
    choose_row,
    code_path,
    facts_of,
    holes_in,
    keep_bracket,
    keep_text,
    line_prefix,
    mine,
    mine_row,
    preprint,
    text_chunks,
)
from arxivbot.catalog.style import ListStyle, list_style, row_cells
from arxivbot.safe_text import collapse_whitespace

__all__ = ["NativeMiss", "NativeResult", "entry_fields_of", "native_check"]

_SEPARATORS = {"|", "-", "–", "—", ",", ";", "/", "·", "•", "&"}
_PLACEHOLDERS = {"", "-", "—", "——", "N/A", "n/a", "/", "–"}


@dataclass(frozen=True, slots=True)
class NativeMiss:
    entry: Entry
    rendered: str
    diff: str


@dataclass(frozen=True, slots=True)
class NativeResult:
    native: int
    total: int
    misses: tuple[NativeMiss, ...] = ()

    @property
    def rate(self) -> float:
        return self.native / self.total if self.total else 1.0

    def summary(self) -> str:
        return (
            f"native: {self.native}/{self.total} new entries for papers already on the list "
            f"look like them ({self.rate:.0%})"
        )


def entry_fields_of(facts: Facts) -> EntryFields:
    """The fields a new entry for this paper would get."""
    y, m, d = facts.ymd or (2000, 1, 1)
    authors = facts.authors
    if authors and re.search(r"\bet\.? al\b", facts.authors_text or ""):
        authors = (*authors, MORE_AUTHORS)  # the paper has more authors than the entry shows
    return EntryFields(
        arxiv_id=facts.arxiv_id,
        title=facts.title,
        date=dt.date(y, m or 1, d or 1),
        name=facts.name,
        code_url=facts.code_url,
        project_url=facts.project_url,
        authors=authors,
    )


def native_check(catalog: Catalog, style: ListStyle | None = None) -> NativeResult:
    """Render every paper already on the list as a new entry and compare (see module doc)."""
    style = style or list_style(catalog)
    by_section: dict[str, list[tuple[Entry, Facts, Skeleton]]] = defaultdict(list)
    tables: list[tuple[Entry, Facts]] = []
    for entry in catalog.entries:
        facts = facts_of(entry)
        if facts is None:
            continue
        if style.for_section(entry.section).shape == "table":
            if _several_papers(entry):
                continue  # a row listing several papers in a cell is no one paper's entry
            tables.append((entry, facts))
        else:
            by_section[entry.section].append((entry, facts, mine(entry, facts)))
    native = total = 0
    misses: list[NativeMiss] = []
    rows: dict[str, list[tuple[str, ...]]] = defaultdict(list)
    for entry, facts in tables:
        rows[entry.section].append(mine_row(row_cells(entry), facts))
    seen: dict[str, int] = defaultdict(int)
    for entry, facts in tables:
        es = style.for_section(entry.section)
        index = seen[entry.section]
        seen[entry.section] += 1
        others = [r for k, r in enumerate(rows[entry.section]) if k != index]
        es = replace(es, row=choose_row(others, es.row.authors if es.row else None) or es.row)
        rendered = render_in_style(es, entry_fields_of(facts))
        total += 1
        if _same_row(entry.raw, rendered, facts):
            native += 1
        else:
            misses.append(_miss(catalog, entry, rendered))
    everyone = [s for members in by_section.values() for _e, _f, s in members]
    pooled: dict[object, Skeleton | None] = {}  # leaving out equal skeletons is equal
    forms = Counter(s.lines for s in everyone)
    whole = choose(everyone)  # a form three or more entries share cannot sway it alone
    for path, members in by_section.items():
        es = style.for_section(path)
        keyed = [(sort_key(e.arxiv_id, e.date), own) for e, _f, own in members]
        for index, (entry, facts, own) in enumerate(members):
            if own.lines not in pooled and forms[own.lines] >= 3:
                pooled[own.lines] = whole
            elif own.lines not in pooled:
                rest = list(everyone)
                rest.remove(own)
                pooled[own.lines] = choose(rest)
            # The section without this entry, as `run` would see it when adding its paper:
            # the same path (render_in_style) picks the skeleton of the entries around it.
            left_out = replace(
                es,
                members=tuple(keyed[:index] + keyed[index + 1 :]),
                borrow=pooled[own.lines],
                skeleton=es.skeleton if len(members) > 1 else None,
            )
            if left_out.skeleton is None or not left_out.members:
                left_out = replace(left_out, members=(), skeleton=style.default.skeleton)
            # Where it goes: its sort position; a section in no order has none, and the
            # entry is written where its maintainer put it (as ``run`` writes a new one at
            # the place it puts it, that section's end).
            at = index if es.order == "none" else None
            rendered = render_in_style(left_out, entry_fields_of(facts), at=at)
            total += 1
            if _same_entry(entry.raw, rendered, facts):
                native += 1
            else:
                misses.append(_miss(catalog, entry, rendered))
    misses.sort(key=lambda m: m.entry.line)
    return NativeResult(native, total, tuple(misses))


def _miss(catalog: Catalog, entry: Entry, rendered: str) -> NativeMiss:
    return NativeMiss(entry, rendered, entry_diff(catalog, entry, rendered, "new entry"))


# ---------------------------------------------------------------------------------------------
# Comparing


_FOREIGN_LABEL = re.compile(
    r"^(models?|datasets?|data|weights?|checkpoints?|benchmarks?)\b", re.IGNORECASE
)


def _foreign_label(label: str) -> bool:
    """A link labelled as a model, dataset or weights: the bot cannot know one for a new
    paper, wherever it points (often the code repository)."""
    text = clean_heading(label.strip("[]() ")) if label.strip("[]() ") else ""
    return bool(_FOREIGN_LABEL.match(text))


def _link_required(url: str, label: str, facts: Facts) -> bool:
    if arxiv_id_from_url(url) == facts.arxiv_id:
        return True
    if _foreign_label(label):
        return False  # a model or dataset link, even one to the code repository
    if url and url in {facts.code_url, facts.project_url}:
        return True
    path = code_path(facts.code_url)
    return bool(path and badge_of(url, path)) or bool(facts.title and facts.title in label)


def _units(text: str, facts: Facts) -> list[tuple[str, bool]]:
    """The parts of an entry with facts as holes, each marked required (a fact or decoration)."""
    units: list[tuple[str, bool]] = []
    blank = 0
    for line in text.split("\n"):
        if not line.strip():
            blank += 1
            continue
        prefix, content = line_prefix(line)
        here: list[tuple[str, bool]] = []
        previous: Token | None = None
        for token in tokenize(content):
            if not token.raw:
                continue
            raw = token.raw
            after, previous = previous, token
            if token.kind == "bracket" and not token.gap and after and after.kind == "bracket":
                # a reference link's label ("[Title][p1]"): a new entry takes a fresh one
                here.append((f"[{REF}]" if token.text else "[]", True))
                continue
            if token.kind in {"link", "dlink", "image"} and token.url and (
                arxiv_id_from_url(token.url) == facts.arxiv_id or _elsewhere(token, facts)
            ):  # abs, pdf, a version: the same paper, the same link for a reader
                raw = raw.replace(token.url, "arxiv:" + facts.arxiv_id)
            holed = collapse_whitespace(holes_in(raw, facts))
            if token.kind in {"link", "dlink", "image"}:
                here.append((holed, _link_required(token.url, token.text, facts)))
            elif token.kind in {"bracket", "paren"}:
                here.append((holed, keep_bracket(holed)))
            else:
                for _s, chunk, kept in text_chunks(holed):
                    last = here[-1][0] if here else ""
                    if last and preprint(last) and preprint(f"{last} {chunk}"):
                        here[-1] = (f"{last} {chunk}", here[-1][1] or kept)
                    else:  # "arXiv 2025." is one part, as a skeleton writes it
                        here.append((chunk, kept))
        here = _separators_between(here)
        marker = re.sub(r"\d+", "1", prefix.strip())
        nested = ">" if prefix[:1] in {" ", "\t"} else ""
        head = f"\n{min(blank, 1) if units else 0}{nested}{marker}"
        facts_here = any((required and HOLE in u) or (u.startswith(("[", "!")) and required)
                         for u, required in here)
        units.append((head, facts_here))
        units.extend((u, required and facts_here) for u, required in here)
        blank = 0
    return units


def _elsewhere(token: Token, facts: Facts) -> bool:
    """A title linking a page the bot cannot know for a new paper (a blog, a venue page): a
    new entry's title links the paper there, as the list's titles without such a page do."""
    return (
        token.kind in {"link", "dlink"}
        and bool(facts.title)
        and facts.title in token.text
        and token.url not in {facts.code_url, facts.project_url}
    )


def _separators_between(here: list[tuple[str, bool]]) -> list[tuple[str, bool]]:
    """A separator (``|``, ``-``, ``·``) is required only between two required parts: one
    before a model link, or left dangling at the end, goes with what the bot cannot know."""
    out = []
    for index, (unit, required) in enumerate(here):
        if required and unit in _SEPARATORS:
            before = any(r and u not in _SEPARATORS for u, r in here[:index])
            after = next((r for u, r in here[index + 1 :] if u not in _SEPARATORS), False)
            required = before and after
        out.append((unit, required))
    return out


def _same_entry(written: str, rendered: str, facts: Facts) -> bool:
    want = _units(written, facts)
    got = [u for u, _r in _units(rendered, facts)]
    # Can the new entry's parts be matched, in order, to written parts so that every written
    # part left unmatched is one the bot cannot know? (positions reachable, row by row)
    reach = {0}
    for unit, required in want:
        step = {j + 1 for j in reach if j < len(got) and got[j] == unit}
        if not required:
            step |= reach
            # the venue slot: where the list names a venue the bot cannot know, a new paper
            # shows the list's own preprint form ("Preprint'25", "arXiv 2025.")
            step |= {j + n for j in reach for n in (1, 2, 3) if _venue_run(got[j : j + n], n)}
        reach = step
        if not reach:
            return False
    return len(got) in reach


def _paper_links(text: str, facts: Facts) -> str:
    """Links to the paper in any form (abs, pdf, a version, doi.org) written one way."""
    return re.sub(
        r"\]\(([^()\s]+)\)",
        lambda m: "](arxiv:" + facts.arxiv_id + ")"
        if arxiv_id_from_url(m.group(1)) == facts.arxiv_id
        else m.group(),
        text,
    )


_BADGE_WORDS = re.compile(
    r"^\W*(paper|arxiv|pdf|code|github|project|page|website|demo|model|models|dataset|"
    r"datasets|data|hf|huggingface|weights|checkpoints?|blog|video|slides|poster)\b",
    re.IGNORECASE,
)


def _several_papers(entry: Entry) -> bool:
    """A row whose cell links several named papers (``[A](…), [B](…)``), not badges."""
    for _cell, tokens in row_cells(entry):
        named = {
            t.url for t in tokens
            if t.kind in {"link", "dlink"} and t.url and not t.text.startswith("![")
            and not _BADGE_WORDS.match(t.text)
        }
        if len(named) >= 2:
            return True
    return False


def _venue_run(units: list[str], n: int) -> bool:
    """``n`` parts of a new entry that together are the list's preprint form (``arXiv``,
    ``2025】``): venue words and the year only, a venue word among them."""
    if len(units) != n:
        return False
    year_only = [
        not re.findall(r"[^\W_]+", _HOLE_TEXT.sub(" ", u))
        and {h.split(":")[0] for h in _HOLE_NAME.findall(u)} <= {"year", "yy", "date"}
        for u in units
    ]
    return any(_venue(u) for u in units) and all(_venue(u) or y for u, y in zip(
        units, year_only, strict=True))


_HOLE_TEXT = re.compile("\x00[^\x00]*\x00")
_HOLE_NAME = re.compile("\x00([^\x00]+)\x00")


def _venue(unit: str) -> bool:
    words = re.findall(r"[^\W_]+", re.sub("\x00[^\x00]*\x00", " ", unit))
    return bool(words) and all(w.lower() in {"arxiv", "preprint"} for w in words)


def _same_row(written: str, rendered: str, facts: Facts) -> bool:
    def cells(row: str) -> list[str]:
        holed = (holes_in(_paper_links(cell, facts), facts) for cell in split_row(row))
        return [collapse_whitespace(cell) for cell in holed]

    want, got = cells(written), cells(rendered)
    if len(want) != len(got):
        return False
    raw_cells = zip(split_row(written), split_row(rendered), strict=True)
    for w, g, (raw_w, raw_g) in zip(want, got, raw_cells, strict=True):
        if w == g or (g and _same_entry(raw_w.strip(), raw_g.strip(), facts)):
            continue  # equal, or its parts in order with only unknowable ones left over
        tokens = [t for t in tokenize(w) if t.raw]
        links = [t for t in tokens if t.kind in {"link", "dlink", "image"}]
        rest = [t.raw for t in tokens if t.kind not in {"link", "dlink", "image"}]
        known = any(_link_required(t.url, t.text, facts) for t in links) or (
            HOLE in w and all(keep_text(chunk) for r in rest for chunk in r.split())
        )
        if known or (g not in _PLACEHOLDERS and not _venue(g)) or _venue(w):
            return False  # a preprint cell ("arXiv 2025") is a fact the bot knows
    return True
