"""A new entry's link labels follow the entries nearest where it goes (habits drift)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
DRIFT = LISTS / "habit_label_drift.md"


def test_a_new_entry_is_labelled_like_the_entries_where_it_goes() -> None:
    """The section is in no order, so a new paper goes at its end, among the `[official]`
    entries: it says `[official]` although more of the section says `[Official]`."""
    catalog = read_catalog(DRIFT)
    paper = EntryFields(
        arxiv_id="2505.09999", title="Nu Rewards", date=dt.date(2025, 5, 20),
        code_url="https://github.com/n/nu", authors=("Nu Author", "Xi Writer"),
    )
    text = render_entry(list_style(catalog), paper, "Papers")
    assert text.split("\n") == [
        "- [Nu Rewards](https://arxiv.org/abs/2505.09999)",
        "  - Nu Author, Xi Writer",
        "  - Code: [official](https://github.com/n/nu)",
    ]


def test_native_renders_an_unordered_sections_entry_where_it_stands() -> None:
    """Each left-out entry is written like the entries around its own place: all but the
    last `[Official]` one, whose nearest neighbours are mostly `[official]`, look native."""
    result = native_check(read_catalog(DRIFT))
    assert (result.native, result.total) == (9, 10)
    assert [m.entry.title for m in result.misses] == ["Feedback From Few Raters"]
