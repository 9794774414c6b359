"""Round 3 of list shapes nobody had built on (issue 10), found on held-out lists before any
fix: a plain title between an emoji and a year tag, and a table whose title cell holds the
authors under a ``<br>``. Each fixture is a small list written for these tests; the counts
were made by reading each file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.catalog.insertion_property import additions_for, assert_inserts_between_entries
from tests.catalog.nu_paper import nu_fields as fields

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import render_entry
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


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


def test_an_emphasised_venue_tag_before_a_plain_title_is_an_entry() -> None:
    """``- **[arXiv 2025]** Title [[paper](pdf)] | [[code](…)]``: the whole list was refused."""
    catalog = read_catalog(LISTS / "round3_bold-venue-tag.md")
    assert [(e.title, e.arxiv_id) for e in catalog.entries] == [
        ("Pico-R1: Seeing Small Things", "2503.20001"),
        ("Nano-VL: Rewards for Pixels", "2503.20003"),
        ("Femto-Video: Frames That Think", "2504.20004"),
    ]
    style = list_style(catalog)
    assert render_entry(style, fields(), "Image") == (
        "- **[arXiv 2025]** Nu-R1: Reasoning Anew [[paper](https://arxiv.org/pdf/2505.09999)]"
    )


def test_reference_links_are_read_as_the_links_they_stand_for() -> None:
    """``[Title][p1]`` with ``[p1]: url`` below: the ids were missed (papers proposed again)
    and the titles read as ``p1``; labels match without case, ``[Title][]`` by its text."""
    catalog = read_catalog(LISTS / "round3_reference-links.md")
    papers = [(e.title, e.arxiv_id) for e in catalog.entries if e.section == "Papers"]
    assert papers == [
        ("Pico-R1: Seeing Small Things", "2503.20001"),
        ("Nano-VL: Rewards for Pixels", "2503.20003"),
        ("Femto-Video: Frames That Think", "2504.20004"),
    ]
    assert catalog.arxiv_ids == {"2503.20001", "2503.20003", "2504.20004"}
    text = (LISTS / "round3_reference-links.md").read_text(encoding="utf-8")
    assert all(e.raw in text for e in catalog.entries)  # as written, for the byte-exact rule


def test_a_new_entry_always_links_its_paper() -> None:
    """A section whose entries link their paper by reference gets a reference too, and the
    insertion writes its definition: never ``* [Title]`` linking nothing."""
    catalog = read_catalog(LISTS / "round3_reference-links.md")
    text = render_entry(list_style(catalog), fields(), "Papers")
    assert text == "* [Nu-R1: Reasoning Anew][p3] (Nu Author et al., 2025)"
    out = insert_entries(catalog, [Addition("Papers", text, "2505.09999")])
    assert "[p3]: https://arxiv.org/abs/2505.09999" in out.decode().split("\n")


def test_a_date_sub_bullet_is_the_date_and_new_entries_write_it() -> None:
    catalog = read_catalog(LISTS / "round3_setext-date-lines.md")
    assert [e.date for e in catalog.entries] == ["2025-03-21", "2025-03-24"]
    written = render_entry(list_style(catalog), fields(), "Tiny Video Reasoning / Video RL")
    assert written.split("\n")[-1] == "\t+ Date: 2025-05-20"


@pytest.mark.parametrize("name", sorted(p.name for p in LISTS.glob("round3_*.md")))
@settings(max_examples=25, deadline=None)
@given(picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4))
def test_insertion_keeps_every_byte_and_never_lands_inside_an_entry_round_3(
    name: str, picks: list[int]
) -> None:
    catalog = read_catalog(LISTS / name)
    assert_inserts_between_entries(catalog, additions_for(catalog, picks, "-"))


def test_a_paper_the_intro_links_is_known_so_it_is_never_proposed() -> None:
    """The intro's links (Markdown or HTML) are no entries, yet the list holds those papers;
    links inside comments and code blocks are not the list's."""
    catalog = read_catalog(LISTS / "round3_intro-links.md")
    assert [e.arxiv_id for e in catalog.entries] == ["2503.20001", "2503.20003"]
    assert catalog.arxiv_ids == {"2503.20001", "2503.20003", "2501.12948", "2503.21614"}
