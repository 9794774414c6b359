"""The pull request a run opens: its title, its body, its commit message.

The first screen is a triage table, one row per candidate in the order of the diff (score,
section, name, one-line why, links), under a header that says how many papers are shown of
how many scored above the threshold, and what the model measured **for this list**. Papers
over the day's cap are listed folded, one line each (they stay eligible on later days). Then,
folded, per candidate the entry as it will appear, the score and why, the nearest papers
already on the list and the abstract; how to respond; and the hidden block (prmeta) that
``feedback`` reads later. All untrusted text goes through safe_text before the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from arxivbot.model.card import ModelCard, edited_since, trained_on
from arxivbot.proposal import prmeta
from arxivbot.records import GITHUB_BODY_LIMIT, Candidate, ScoredPaper
from arxivbot.safe_text import neutralize, safe_block, safe_html, safe_inline

# GitHub rejects PR bodies over GITHUB_BODY_LIMIT (65,536) characters; stay well inside.
MAX_BODY_CHARS = GITHUB_BODY_LIMIT - 5_536  # 60,000
# Waiting papers listed one line each, best first; the block keeps every id regardless.
MAX_WAITING_LINES = 100

_ENV = jinja2.Environment(
    loader=jinja2.PackageLoader("arxivbot", "templates"),
    undefined=jinja2.StrictUndefined,
    autoescape=False,  # Markdown, not HTML: values are escaped by safe_text instead
    keep_trailing_newline=True,
    trim_blocks=True,
    lstrip_blocks=True,
)


@dataclass(frozen=True, slots=True)
class RunFacts:
    """What the header of the body says about the run."""

    day: str
    categories: Sequence[str]
    scanned: int
    known: int
    model_version: str
    model_ap: float | None
    threshold: float
    list_path: str
    above_threshold: int | None = None  # papers at or above the threshold (None: = shown)
    model_note: str = ""  # what the model measured for this list, in plain words
    budget_note: str = ""  # the day passed more papers than the model's budget or the cap
    offered_again: bool = True  # a later run finds the waiting papers again (a listings archive)


def model_note(
    version: str,
    card: ModelCard,
    list_path: str,
    ap: float | None,
    *,
    list_content: bytes | None = None,
) -> str:
    """The header's model line: first what the model measured on lists it was NOT trained on
    (the figure that predicts a new list's experience), then what it measured on its own lists,
    then whether it was trained on this list at all.

    "Trained on this list" is ``card.trained_on`` (the card names the list's path), the rule
    ``run``'s warning applies too; its backtest then describes this list (alone, or pooled
    with the other lists it names). ``list_content`` (the list now) tells whether the list
    was edited since. Otherwise the seed lists' figure says nothing about this list.
    """
    n_lists = len(card.lists)
    name = f"Model `{safe_inline(version)}`"
    out_ap, out_recall = card.out_of_list_ap, card.out_of_list_recall
    if out_ap is not None:
        recall = f", recall {out_recall:.2f} at its threshold" if out_recall is not None else ""
        headline = (
            f"{name}, on lists and months it was not trained on: average precision "
            f"{out_ap:.2f}{recall} (out-of-list backtest)."
        )
    else:
        headline = f"{name}: no out-of-list backtest yet (`arxivbot eval --out-of-list`)."
    own = f"backtest average precision {ap:.2f}" if ap is not None else "no backtest yet"
    this = "this list"
    if list_content is not None and edited_since(card, list_path, list_content):
        this = "this list (as it stood then; it has been edited since)"
    if trained_on(card, list_path) and n_lists <= 1:
        return f"{headline} It was trained on {this}: {own} on its later papers."
    if trained_on(card, list_path):
        return (
            f"{headline} It was trained on {this} and {n_lists - 1} other"
            f"{'s' if n_lists > 2 else ''}: {own} over them all, not measured on this list "
            "alone."
        )
    others = f"{n_lists} other list{'s' if n_lists != 1 else ''}" if n_lists else "other lists"
    theirs = f", not its {own} on those lists" if ap is not None else ""
    return (
        f"{headline} It was trained on {others}, not on this one, so expect the out-of-list "
        f"figure here{theirs} (`arxivbot retrain` trains and measures one on yours)."
    )


def title(day: str, count: int, first_day: str | None = None) -> str:
    """The PR title; a rolling PR that spans days names the first and the last."""
    days = day if not first_day or first_day == day else f"{first_day} to {day}"
    return f"arxivbot: {count} candidate paper{'s' if count != 1 else ''} from arXiv, {days}"


def commit_message(day: str, candidates: Sequence[Candidate]) -> str:
    lines = [title(day, len(candidates)), ""]
    lines += [f"- {c.paper.id} {one_line_name(c)} -> {c.section}" for c in candidates]
    return "\n".join(lines) + "\n"


def one_line_name(candidate: Candidate) -> str:
    return safe_inline(candidate.paper.title)[:120]


def _links(candidate: Candidate) -> str:
    paper_id = candidate.paper.id
    return (
        f"[abs](https://arxiv.org/abs/{paper_id}) · [pdf](https://arxiv.org/pdf/{paper_id})"
    )


def _why(scored: ScoredPaper) -> str:
    terms = [safe_inline(t).replace("`", "").replace("|", "") for t in scored.top_terms[:3]]
    return ", ".join(f"`{t}`" for t in terms if t) or "—"


def _cell(text: str, limit: int = 90) -> str:
    """Table-safe: no pipe splits the row, long text is shortened."""
    text = text.replace("|", "\\|")
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def _view(candidate: Candidate, with_abstract: bool) -> dict[str, str]:
    scored = candidate.scored
    nearest = ", ".join(
        f"[{safe_inline(name or arxiv_id)}](https://arxiv.org/abs/{arxiv_id})"
        for arxiv_id, name in scored.nearest
    )
    abstract = safe_block(candidate.paper.abstract) if with_abstract else "(left out: size limit)"
    name = safe_inline(candidate.paper.title)
    return {
        "id": candidate.paper.id,
        "day": candidate.paper.date,
        "name": safe_html(candidate.paper.title),  # inside <summary>: HTML, not Markdown
        "short_name": _cell(name),
        "score": f"{scored.score:.2f}",
        "entry": neutralize(candidate.entry_text),
        "section": safe_inline(candidate.section),
        "short_section": _cell(safe_inline(candidate.section), 40),
        "reason": safe_inline(candidate.section_reason),
        "why": _why(scored),
        "links": _links(candidate),
        "top_terms": ", ".join(f"`{safe_inline(t).replace('`', '')}`" for t in scored.top_terms)
        or "—",
        "nearest": nearest or "—",
        "abstract": abstract or "(no abstract)",
    }


def _by_day(
    candidates: Sequence[Candidate], views: Sequence[dict[str, str]], today: str
) -> list[tuple[str, list[dict[str, str]]]]:
    """The details, regrouped by the day that brought each paper (newest day first)."""
    groups: dict[str, list[dict[str, str]]] = {}
    for c, view in zip(candidates, views, strict=False):
        groups.setdefault(c.paper.date or today, []).append(view)
    return sorted(groups.items(), reverse=True)


def _waiting_view(scored: ScoredPaper) -> dict[str, str]:
    return {
        "id": scored.paper.id,
        "score": f"{scored.score:.2f}",
        "name": _cell(safe_inline(scored.paper.title), 120),
    }


def shown_line(shown: int, above: int) -> str:
    """``N shown of M above threshold``: the cap limits what is shown, never what is kept."""
    return f"{shown} shown of {above} above threshold"


def body(
    facts: RunFacts,
    candidates: Sequence[Candidate],
    waiting: Sequence[ScoredPaper] = (),
    removed: Sequence[str] = (),
) -> str:
    """The PR body; abstracts are dropped from the end first if it would exceed the limit.

    ``candidates`` come in the order of the diff; ``waiting`` are the papers above the
    threshold that the day's cap keeps out of the diff (best first).
    """
    meta = prmeta.ProposalMeta(
        day=facts.day,
        model=facts.model_version,
        list_path=facts.list_path,
        papers=tuple(
            prmeta.ProposedPaper(
                id=c.paper.id,
                score=c.scored.score,
                section=c.section,
                entry_sha1=prmeta.entry_digest(c.entry_text),
                day=c.paper.date or facts.day,
            )
            for c in candidates
        ),
        waiting=tuple(w.paper.id for w in waiting),
        removed=tuple(removed),
    )
    above = facts.above_threshold
    if above is None:
        above = len(candidates) + len(waiting)
    note = facts.model_note or (
        f"Model `{safe_inline(facts.model_version)}`"
        + (f" (its own lists' backtest AP {facts.model_ap:.2f})"
           if facts.model_ap is not None else "")
        + "."
    )
    # Shrink to fit GitHub's limit, least useful first: abstracts (from the end), then the
    # waiting lines, then whole detail blocks (from the end); the table always stays.
    full = [_view(c, True) for c in candidates]
    short = [_view(c, False) for c in candidates]
    lines = [_waiting_view(w) for w in waiting[:MAX_WAITING_LINES]]
    keep = detailed = len(candidates)
    step = max(1, len(candidates) // 10)
    waiting_lines = MAX_WAITING_LINES
    while True:
        views = full[:keep] + short[keep:]
        text = _ENV.get_template("pull_request.md.j2").render(
            day=facts.day,
            categories=" + ".join(safe_inline(c) for c in facts.categories),
            scanned=facts.scanned,
            known=facts.known,
            model_note=note,
            budget_note=safe_inline(facts.budget_note),
            threshold=f"{facts.threshold:.2f}",
            shown=shown_line(len(candidates), above),
            candidates=views,
            by_day=_by_day(candidates[:detailed], views[:detailed], facts.day),
            removed=len(removed),
            waiting=lines[:waiting_lines],
            waiting_total=len(waiting),
            waiting_fate="offered again on a later day" if facts.offered_again
            else "not offered again (this run read no listings archive)",
            truncated=len(candidates) - keep,
            undetailed=len(candidates) - detailed,
            meta_block=prmeta.embed(meta),
        )
        if len(text) <= MAX_BODY_CHARS:
            return text
        if keep > 0:
            keep = max(0, keep - step)
        elif waiting_lines > 10:
            waiting_lines = 10
        elif detailed > 0:
            detailed = max(0, detailed - step)
        else:
            return text
