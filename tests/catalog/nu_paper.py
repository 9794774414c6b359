"""The made-up new paper that catalog tests write into lists: one home for its facts."""

from __future__ import annotations

import datetime as dt

from arxivbot.catalog.render import EntryFields


def nu_fields(**changes: object) -> EntryFields:
    """Nu-R1 (2505.09999, 2025-05-20, three authors, no code), with ``changes``."""
    base: dict[str, object] = {
        "arxiv_id": "2505.09999",
        "title": "Nu-R1: Reasoning Anew",
        "date": dt.date(2025, 5, 20),
        "name": "Nu-R1",
        "code_url": None,
        "authors": ("Nu Author", "Xi Writer", "Omicron Third"),
    }
    base.update(changes)
    return EntryFields(**base)  # type: ignore[arg-type]
