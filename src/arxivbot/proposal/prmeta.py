"""The hidden, machine-readable block at the end of every bot pull request body.

The daily run writes it; ``feedback`` and the de-duplication of open PRs read it back. It is
an HTML comment, so GitHub does not show it, holding one JSON object:

    <!-- arxivbot:proposal
    {"version": 1, "day": "2025-05-20", "model": "...", "papers": [{"id": ..., ...}]}
    -->

Untrusted text never goes in here (ids, scores and section paths only), and ``--`` is
escaped so the comment cannot be closed early.
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from typing import Any

MARKER = "arxivbot:proposal"
_BLOCK = re.compile(r"<!-- " + re.escape(MARKER) + r"\n(.*?)\n-->", re.DOTALL)


@dataclass(frozen=True, slots=True)
class ProposedPaper:
    id: str
    score: float
    section: str
    name: str = ""
    entry_sha1: str = ""  # digest of the rendered entry line(s): tells an edited line apart
    day: str = ""  # the announcement day that brought it ("" : the block's day)


@dataclass(frozen=True, slots=True)
class ProposalMeta:
    day: str  # announcement day the run proposed papers for
    model: str  # model version (digest) that scored them
    papers: tuple[ProposedPaper, ...]
    list_path: str = ""
    waiting: tuple[str, ...] = ()  # ids above the threshold kept out of the diff by the cap
    removed: tuple[str, ...] = ()  # ids a maintainer deleted from this open PR: rejected

    @property
    def ids(self) -> tuple[str, ...]:
        return tuple(p.id for p in self.papers)


def embed(meta: ProposalMeta) -> str:
    """The comment block for a PR body."""
    payload: dict[str, Any] = {
        "version": 1,
        "day": meta.day,
        "model": meta.model,
        "list_path": meta.list_path,
        "papers": [
            {
                "id": p.id,
                "score": round(p.score, 4),
                "section": p.section,
                "name": p.name,
                "entry_sha1": p.entry_sha1,
                **({"day": p.day} if p.day else {}),
            }
            for p in meta.papers
        ],
    }
    if meta.waiting:
        payload["waiting"] = list(meta.waiting)
    if meta.removed:
        payload["removed"] = list(meta.removed)
    text = json.dumps(payload, ensure_ascii=True, sort_keys=True)
    # JSON never needs "--" outside strings; inside strings escape "-" so "-->" cannot appear.
    text = text.replace("--", "-\\u002d")
    return f"<!-- {MARKER}\n{text}\n-->"


def extract(body: str | None) -> ProposalMeta | None:
    """The block of a PR body, or None when the body has none (or a damaged one)."""
    if not body:
        return None
    match = _BLOCK.search(body)
    if not match:
        return None
    try:
        data = json.loads(match.group(1))
        papers = tuple(
            ProposedPaper(
                id=str(p["id"]),
                score=float(p.get("score", 0.0)),
                section=str(p.get("section", "")),
                name=str(p.get("name", "")),
                entry_sha1=str(p.get("entry_sha1", "")),
                day=str(p.get("day", "")),
            )
            for p in data.get("papers", [])
        )
        return ProposalMeta(
            day=str(data.get("day", "")),
            model=str(data.get("model", "")),
            papers=papers,
            list_path=str(data.get("list_path", "")),
            waiting=tuple(str(i) for i in data.get("waiting", [])),
            removed=tuple(str(i) for i in data.get("removed", [])),
        )
    except (json.JSONDecodeError, KeyError, TypeError, ValueError, AttributeError):
        return None


def entry_digest(entry_text: str) -> str:
    """The digest ``ProposedPaper.entry_sha1`` holds for a rendered entry."""
    return hashlib.sha1(entry_text.encode("utf-8", "surrogateescape")).hexdigest()
