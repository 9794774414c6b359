"""Round 3 of list shapes nobody had built on (issue 10), found on held-out lists before any
fix: a plain title between an emoji and a year tag, and a table whose title cell holds the
authors under a ``<br>``. Each fixture is a small list written for these tests; the counts
were made by reading each file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


def fields(**changes: object) -> EntryFields:
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


def test_a_plain_title_is_read_without_the_emoji_before_it_and_the_year_tag_after_it() -> None:
    catalog = read_catalog(LISTS / "round3_emoji-year-tag.md")
    assert dict(Counter(e.section for e in catalog.entries)) == {
        "2025 / Perception": 3, "2025 / Video": 2,
    }
    assert [e.title for e in catalog.entries] == [
        "Pico-R1: Seeing Small Things",
        "Reinforced Self-Training (ReST) for Tiny Eyes",  # a parenthesis inside stays
        "Nano-VL: Rewards for Pixels",
        "Femto-Video: Frames That Think",
        "Atto-R1: Clips, Rewards and Time",
    ]


def test_a_new_entry_keeps_the_emoji_its_title_and_the_year_tag() -> None:
    style = list_style(read_catalog(LISTS / "round3_emoji-year-tag.md"))
    # before: "3. (2025) [[arXiv](…)]", the title gone (read as "📄 … (2025)", a hole of its own)
    written = render_entry(style, fields(), "2025 / Video")  # insertion numbers it
    assert written.split(" ", 1)[1] == (
        "📄 Nu-R1: Reasoning Anew (2025) [[arXiv](https://arxiv.org/abs/2505.09999)]"
    )


def test_a_title_cell_with_authors_under_a_br_is_read_and_written_with_both() -> None:
    catalog = read_catalog(LISTS / "round3_table-sub-authors.md")
    assert [e.title for e in catalog.entries] == [
        "Pico-R1: Seeing Small Things", "Nano-VL: Rewards for Pixels",
        "Femto-Video: Frames That Think",
    ]
    style = list_style(catalog)
    row = render_entry(style, fields(code_url="https://github.com/n/nu"), "Models")
    assert row == (
        "| **Nu-R1: Reasoning Anew**<br><sub>Nu Author, Xi Writer, Omicron Third</sub> | 2025-05 |"
        " [arXiv](https://arxiv.org/abs/2505.09999) / [GitHub](https://github.com/n/nu) |"
    )


def test_a_new_row_without_code_still_links_its_paper() -> None:
    """Every row writes ``[arXiv](…) / [GitHub](…)``; a paper without code gets its arXiv link
    alone (before: an empty cell, a row that links nothing)."""
    style = list_style(read_catalog(LISTS / "round3_table-sub-authors.md"))
    row = render_entry(style, fields(), "Models")
    assert row.endswith("| 2025-05 | [arXiv](https://arxiv.org/abs/2505.09999) |")
