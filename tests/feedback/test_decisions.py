"""Decisions are appended once, read back in order, and the latest one wins."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxivbot.errors import ConfigError
from arxivbot.feedback.decisions import Decision, append_decisions, read_decisions, rejected_ids


def test_appending_is_idempotent_and_latest_wins(tmp_path: Path) -> None:
    """Appending the same decision twice writes it once; the latest decision for a paper wins."""
    path = tmp_path / "decisions.jsonl"
    pending = Decision(id="2505.00001", decision="pending", day="2025-05-20", pr="#1", how="open")
    rejected = Decision(id="2505.00001", decision="rejected", day="2025-05-20", pr="#1",
                        how="closed-unmerged")

    assert append_decisions(path, [pending]) == [pending]
    assert append_decisions(path, [pending]) == []
    assert append_decisions(path, [rejected]) == [rejected]
    assert append_decisions(path, [rejected]) == []

    assert read_decisions(path) == [pending, rejected]
    assert rejected_ids(read_decisions(path)) == {"2505.00001"}
    assert len(path.read_text(encoding="utf-8").splitlines()) == 2


def test_a_damaged_line_is_a_clear_error(tmp_path: Path) -> None:
    """A damaged line in the decisions file is a clear error naming the file and line."""
    path = tmp_path / "decisions.jsonl"
    path.write_text('{"id": "1"}\n', encoding="utf-8")

    with pytest.raises(ConfigError, match=r"decisions.jsonl:1: not a decision record"):
        read_decisions(path)
