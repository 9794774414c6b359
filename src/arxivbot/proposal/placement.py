"""Which section of the list a candidate goes to, and why.

A list with one paper section gets every candidate there. A list with several (image /
video / medical …, or autoregressive vs diffusion) gets each candidate in the section whose
own entries it most resembles: the mean TF-IDF cosine similarity to the section's closest
entries, in the relevance model's vector space. Benchmark and survey sections take a
candidate only when it is of that kind (by its title) and resembles their entries; project
sections (repositories without a paper) never take an arXiv paper.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from arxivbot.arxiv_ids import id_month
from arxivbot.catalog.periods import of_date, period_of, renamed
from arxivbot.records import CatalogEntry, Paper, Section, title_kind

PAPER = "paper"
# Kinds a paper may go to when its title says it is of that kind (records.title_kind);
# projects are repositories without paper.
_BY_TITLE = ("benchmark", "survey")
_TOP_K = 3  # a section is as close as the mean of its three closest entries
# A benchmark/survey section must resemble the paper nearly as much as the best paper section.
_KIND_RELATIVE_SIMILARITY = 0.8


@dataclass(frozen=True, slots=True)
class Placement:
    section: str
    reason: str


Vectorize = Callable[[Sequence[str]], object]  # texts -> L2-normalised sparse matrix


def _closeness(similarities: np.ndarray) -> float:
    top = np.sort(similarities)[::-1][:_TOP_K]
    return float(top.mean()) if top.size else 0.0


def place(
    papers: Sequence[Paper],
    sections: Sequence[Section],
    entries: Sequence[CatalogEntry],
    vectorize: Vectorize,
    entry_texts: Mapping[str, str] | None = None,
    allowed: Sequence[str] = (),
) -> list[Placement]:
    """A placement per paper, in order.

    ``sections``/``entries`` are the list's; ``entry_texts`` maps an arXiv id to a richer text
    (title + abstract) than the title the list shows; ``allowed`` restricts the sections the
    bot may add to (heading paths; empty: all).
    """
    by_section: dict[str, list[CatalogEntry]] = {}
    for entry in entries:
        by_section.setdefault(entry.section, []).append(entry)
    usable = [
        s for s in sections
        if by_section.get(s.path) and (not allowed or s.path in allowed) and s.kind != "project"
    ]
    paper_sections = [s for s in usable if s.kind == PAPER]
    other_sections = [s for s in usable if s.kind in _BY_TITLE]
    if not paper_sections:  # never a blog, news or other non-paper section
        paper_sections = [s for s in usable if s.kind not in _BY_TITLE and s.kind != "other"]
        paper_sections = paper_sections or usable[:1]
    if not paper_sections:
        return []
    if len(paper_sections) == 1 and not other_sections:
        only = paper_sections[0].path
        return [Placement(only, "the list's only paper section")] * len(papers)

    texts = entry_texts or {}
    candidates = paper_sections + other_sections
    entry_matrix = vectorize(
        [
            texts.get(e.arxiv_id or "", e.title)
            for s in candidates
            for e in by_section[s.path]
        ]
    )
    paper_matrix = vectorize([p.text for p in papers])
    similarity = (paper_matrix @ entry_matrix.T).toarray()  # type: ignore[attr-defined]

    placements: list[Placement] = []
    for row, paper in zip(similarity, papers, strict=True):
        scores: dict[str, float] = {}
        start = 0
        for section in candidates:
            count = len(by_section[section.path])
            scores[section.path] = _closeness(row[start : start + count])
            start += count
        best_paper = max(paper_sections, key=lambda s: scores[s.path])
        kind = title_kind(paper.title)
        choice, reason = best_paper, _why(best_paper, scores, by_section, row, candidates)
        for section in other_sections:
            of_kind = section.kind == kind
            strong = scores[section.path] >= _KIND_RELATIVE_SIMILARITY * scores[best_paper.path]
            if of_kind and strong and scores[section.path] > 0:
                choice = section
                reason = (
                    f"a {section.kind} by its title, and closest to this section's entries "
                    f"(similarity {scores[section.path]:.2f})"
                )
                break
        placements.append(_by_period(Placement(choice.path, reason), paper, sections, by_section))
    return placements


def _by_period(
    placement: Placement,
    paper: Paper,
    sections: Sequence[Section],
    by_section: Mapping[str, list[CatalogEntry]],
) -> Placement:
    """A paper chosen for a period section (``### 2024``, ``### May 2025``) goes to the
    sibling of its own period (``catalog.periods``).

    When the list has no section for the paper's period yet and the paper is newer than every
    sibling, a new one is named (``catalog.insertion`` writes its heading like theirs);
    otherwise the newest older sibling holding entries is kept (closest in time). The reason
    says which.
    """
    chosen = next((s for s in sections if s.path == placement.section), None)
    period = period_of(chosen.title) if chosen is not None else None
    if chosen is None or period is None:
        return placement
    own = of_date(_paper_date(paper), monthly=period.month is not None)
    if own is None:
        return placement
    parent = placement.section.rpartition(" / ")[0]
    siblings = [
        (p, s) for s in sections
        if (p := period_of(s.title)) is not None and (p.month is None) == (own.month is None)
        and s.path.rpartition(" / ")[0] == parent and s.level == chosen.level
        and by_section.get(s.path)
    ]
    label = str(own.year) if own.month is None else f"{own.year}-{own.month:02d}"
    same = next((s for p, s in siblings if p == own), None)
    if same is not None:
        if same.path == chosen.path:
            return placement
        return Placement(same.path, f"its period ({label}); {placement.reason}")
    older = [(p, s) for p, s in siblings if p < own]
    if not older:
        return placement
    newest = max(older, key=lambda ps: ps[0])[1]
    if len(older) == len(siblings):
        # Newer than every period section: a new one, written like its siblings (an insertion).
        title = renamed(newest.title, newest.title, own) or label
        path = f"{parent} / {title}" if parent else title
        return Placement(path, f"a new {label} section (no {label} section yet); "
                         f"{placement.reason}")
    return Placement(
        newest.path, f"the newest period section (no {label} section yet); {placement.reason}"
    )


def _paper_date(paper: Paper) -> str:
    """The paper's announcement date, else the month its id names (``2503`` -> 2025-03)."""
    if re.match(r"\d{4}-\d{2}", paper.date):
        return paper.date
    month = id_month(paper.id)
    return f"{month[0]}-{month[1]:02d}-01" if month else ""


def _why(
    section: Section,
    scores: Mapping[str, float],
    by_section: Mapping[str, list[CatalogEntry]],
    row: np.ndarray,
    order: Sequence[Section],
) -> str:
    """'closest to R1-VL, Vision-R1 (0.31 vs 0.18 for Video / Papers)'."""
    start = 0
    for s in order:
        count = len(by_section[s.path])
        if s.path == section.path:
            local = row[start : start + count]
            best = np.argsort(local)[::-1][:2]
            names = ", ".join(
                by_section[s.path][i].name or by_section[s.path][i].title[:40] for i in best
            )
            break
        start += count
    runner_up = sorted(
        ((v, k) for k, v in scores.items() if k != section.path), reverse=True
    )[:1]
    versus = f" vs {runner_up[0][0]:.2f} for {runner_up[0][1]}" if runner_up else ""
    return f"closest to {names} (similarity {scores[section.path]:.2f}{versus})"


def nearest_entries(
    papers: Sequence[Paper],
    entries: Sequence[CatalogEntry],
    vectorize: Vectorize,
    entry_texts: Mapping[str, str] | None = None,
    k: int = 2,
) -> list[tuple[tuple[str, str], ...]]:
    """For each paper, the ``k`` most similar arXiv entries of this list: (id, name) pairs.

    The model's own ``nearest`` looks at the lists it was trained on; a PR must point at
    entries of the list it proposes to.
    """
    linked = [e for e in entries if e.arxiv_id]
    if not linked or not papers:
        return [() for _ in papers]
    texts = entry_texts or {}
    entry_matrix = vectorize([texts.get(e.arxiv_id or "", e.title) for e in linked])
    similarity = (vectorize([p.text for p in papers]) @ entry_matrix.T).toarray()  # type: ignore[attr-defined]
    return [
        tuple(
            (linked[i].arxiv_id or "", linked[i].name or linked[i].title)
            for i in np.argsort(row)[::-1][:k]
            if row[i] > 0
        )
        for row in similarity
    ]
