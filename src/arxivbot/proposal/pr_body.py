"""The pull request a run opens: its title, its body, its commit message.

One screen per candidate: the entry as it will appear, the score and why, the nearest papers
already on the list, the section chosen, the abstract folded away; then how to respond, and
the hidden block (prmeta) that ``feedback`` reads later. All untrusted text goes through
safe_text before it reaches the template.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import jinja2

from arxivbot.proposal import prmeta
from arxivbot.records import Candidate
from arxivbot.safe_text import neutralize, safe_block, safe_inline

# GitHub rejects PR bodies over 65,536 characters; stay well inside.
MAX_BODY_CHARS = 60_000

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


def title(day: str, count: int) -> str:
    return f"arxivbot: {count} candidate paper{'s' if count != 1 else ''} from arXiv, {day}"


def commit_message(day: str, candidates: Sequence[Candidate]) -> str:
    lines = [title(day, len(candidates)), ""]
    lines += [f"- {c.paper.id} {one_line_name(c)} -> {c.section}" for c in candidates]
    return "\n".join(lines) + "\n"


def one_line_name(candidate: Candidate) -> str:
    return safe_inline(candidate.paper.title)[:120]


def _view(candidate: Candidate, with_abstract: bool) -> dict[str, str]:
    scored = candidate.scored
    nearest = ", ".join(
        f"[{safe_inline(name or arxiv_id)}](https://arxiv.org/abs/{arxiv_id})"
        for arxiv_id, name in scored.nearest
    )
    abstract = safe_block(candidate.paper.abstract) if with_abstract else "(left out: size limit)"
    return {
        "name": safe_inline(candidate.paper.title),
        "score": f"{scored.score:.2f}",
        "entry": neutralize(candidate.entry_text),
        "section": safe_inline(candidate.section),
        "reason": safe_inline(candidate.section_reason),
        "top_terms": ", ".join(f"`{safe_inline(t).replace('`', '')}`" for t in scored.top_terms)
        or "—",
        "nearest": nearest or "—",
        "abstract": abstract or "(no abstract)",
    }


def body(facts: RunFacts, candidates: Sequence[Candidate]) -> str:
    """The PR body; abstracts are dropped from the end first if it would exceed the limit."""
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
            )
            for c in candidates
        ),
    )
    keep = len(candidates)
    while True:
        text = _ENV.get_template("pull_request.md.j2").render(
            day=facts.day,
            categories=" + ".join(safe_inline(c) for c in facts.categories),
            scanned=facts.scanned,
            known=facts.known,
            model_version=safe_inline(facts.model_version),
            model_ap=f"{facts.model_ap:.2f}" if facts.model_ap is not None else "",
            threshold=f"{facts.threshold:.2f}",
            candidates=[_view(c, i < keep) for i, c in enumerate(candidates)],
            truncated=len(candidates) - keep,
            meta_block=prmeta.embed(meta),
        )
        if len(text) <= MAX_BODY_CHARS or keep == 0:
            return text
        keep -= 1
