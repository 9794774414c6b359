"""A row's name cell: a name the paper gives itself, else the column's own placeholder, never
words made up from the title (TsinghuaC3I's lists write "-" for papers without a name)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.names import given_name, short_name

LIST = Path(__file__).parent.parent / "fixtures" / "lists" / "name-placeholder.md"


def new_row(section: str, name: str | None, title: str = "Crossing the reward bridge") -> str:
    catalog = read_catalog(LIST)
    fields = EntryFields(arxiv_id="2506.00001", title=title, name=name,
                         date=dt.date(2025, 6, 2), kind="paper")
    return render_entry(list_style(catalog), fields, section)


def test_a_paper_without_a_name_gets_the_columns_placeholder() -> None:
    row = new_row("Reasoning with RL", None)
    assert row.startswith("| 2025-06 | - | Crossing the reward bridge |")
    assert "https://arxiv.org/abs/2506.00001" in row
    assert "`Crossing" not in row


def test_a_paper_with_a_name_gets_it() -> None:
    assert "| `ViGoRL` |" in new_row("Reasoning with RL", "ViGoRL")


def test_a_name_cell_carrying_the_papers_link_is_never_left_empty() -> None:
    """Where the name is the link to the paper, a compact title stands in (as before)."""
    row = new_row("Reasoning with RL / Named only", None, "Bilinear attention for reasoning")
    assert "](https://arxiv.org/abs/2506.00001)" in row


def test_the_native_measure_counts_placeholder_rows() -> None:
    """The rows written "-" are reproduced; so is DAPO (its title names it). PKPO, a name
    only the abstract could give, stays a miss."""
    result = native_check(read_catalog(LIST))
    assert sorted(m.entry.line for m in result.misses) == [5]
    assert (result.native, result.total) == (6, 7)


def test_given_name_is_none_when_the_paper_gives_none() -> None:
    title = "Self-rewarding correction for mathematical reasoning"
    assert given_name(title) is None
    assert short_name(title) == "Self-rewarding correction mathematical"
    assert given_name("DAPO: An Open-Source LLM Reinforcement Learning System") == "DAPO"
    assert given_name("Training with R1-Zero rewards") == "R1-Zero"
