"""The byte-exact insertion property, shared by the tests of every list shape: removing the
inserted lines gives the original, and no insertion falls inside an entry."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import Catalog


def additions_for(catalog: Catalog, picks: Sequence[int], marker: str) -> list[Addition]:
    """One new bullet (``marker``) per pick, spread over the list's sections."""
    sections = sorted({e.section for e in catalog.entries})
    return [
        Addition(
            sections[k % len(sections)],
            f"{marker} [Paper {k}](https://arxiv.org/abs/2601.{10000 + k})",
            f"2601.{10000 + k}",
        )
        for k in picks
    ]


def assert_inserts_between_entries(catalog: Catalog, additions: Sequence[Addition]) -> None:
    out = insert_entries(catalog, list(additions))
    before = catalog.raw.decode("utf-8", "surrogateescape").split("\n")
    after = out.decode("utf-8", "surrogateescape").split("\n")
    ops = difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes()
    assert {op for op, *_ in ops} <= {"equal", "insert"}
    for op, i1, _i2, _j1, _j2 in ops:
        if op == "insert":  # lands before original line i1 + 1
            for entry in catalog.entries:
                assert not (entry.line <= i1 < entry.end_line), (entry.line, i1)
