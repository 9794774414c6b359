"""The maintainers' decisions on proposed papers: one JSON line each, append-only.

``models/decisions.jsonl`` is versioned with the model and reads well in a diff: one line per
(paper, pull request) decision, in the order they were learned. A paper's latest line wins.
Appending the same decision again changes nothing, so ``feedback`` can re-read every PR.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from arxivbot.errors import ConfigError

ACCEPTED = "accepted"
REJECTED = "rejected"
PENDING = "pending"
DECISIONS = (ACCEPTED, REJECTED, PENDING)


@dataclass(frozen=True, slots=True)
class Decision:
    id: str  # arXiv id, bare
    decision: str  # accepted | rejected | pending
    day: str  # the run day that proposed it
    pr: str  # PR number ("#12") or branch of a local proposal
    how: str  # merged | deleted-before-merge | closed-unmerged | comment | open
    section: str = ""  # where an accepted paper ended up (after any move by a maintainer)
    line: str = ""  # the accepted entry as merged, when a maintainer edited it
    proposed_section: str = ""  # where the bot had put it

    @property
    def key(self) -> tuple[str, str]:
        return (self.id, self.pr)


def read_decisions(path: Path) -> list[Decision]:
    """All decisions in the file, in order; a missing file is an empty history."""
    if not path.exists():
        return []
    decisions: list[Decision] = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot read the decisions file ({exc})") from exc
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
            decision = Decision(**data)
        except (json.JSONDecodeError, TypeError) as exc:
            raise ConfigError(
                f"{path}:{number}: not a decision record ({exc}); fix or remove that line"
            ) from exc
        if decision.decision not in DECISIONS:
            raise ConfigError(f"{path}:{number}: unknown decision {decision.decision!r}")
        decisions.append(decision)
    return decisions


def latest(decisions: Iterable[Decision]) -> dict[str, Decision]:
    """Each paper's latest decision (a later PR or a later reading overrides)."""
    result: dict[str, Decision] = {}
    for decision in decisions:
        result[decision.id] = decision
    return result


def rejected_ids(decisions: Iterable[Decision]) -> frozenset[str]:
    """Papers never to propose again: any paper whose latest decision is a rejection."""
    return frozenset(i for i, d in latest(decisions).items() if d.decision == REJECTED)


def append_decisions(path: Path, new: Sequence[Decision]) -> list[Decision]:
    """Append the decisions that change what the file says; returns those appended."""
    existing = read_decisions(path)
    current = {d.key: d for d in existing}
    added: list[Decision] = []
    for decision in new:
        if current.get(decision.key) != decision:
            current[decision.key] = decision
            added.append(decision)
    if added:
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "a", encoding="utf-8") as out:
            for decision in added:
                out.write(json.dumps(asdict(decision), ensure_ascii=False, sort_keys=True) + "\n")
    return added
