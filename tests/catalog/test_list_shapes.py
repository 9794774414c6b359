"""Every entry of the list shapes found in the wild is read (hand counts per fixture section).

Each fixture under tests/fixtures/lists/ is a small list written for these tests in one shape
(compact table delimiters, paragraph entries, heading entries, venue-only bullets, numbered
entries whose authors follow a blank line); the counts were made by reading each file.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.catalog.insertion_property import additions_for, assert_inserts_between_entries

from arxivbot.catalog.parse import read_catalog
from arxivbot.errors import CatalogFormatError

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"

HAND_COUNTS = {
    "compact-tables.md": {"Models": 2, "Environments": 1},
    "paragraphs.md": {
        "Awesome Tiny Diffusion / Blogs": 1, "Papers / Survey": 2, "Papers / Video": 1
    },
    "heading-entries.md": {"Papers and Summaries": 2, "Overviews": 2},
    "venue-bullets.md": {"Papers": 5},
    "numbered-blank.md": {"Analysis / 2025": 2, "Analysis / 2024": 1},
}
IDS = {
    "compact-tables.md": {"2503.01001", "2502.02002"},
    "paragraphs.md": {"2310.00001", "2401.00002"},
    "heading-entries.md": {"2505.00003", "2309.00004"},
    "venue-bullets.md": {"2502.00005", "2308.00006"},
    "numbered-blank.md": {"2503.00007", "2502.00008", "2406.00009"},
}


@pytest.mark.parametrize("name", sorted(HAND_COUNTS))
def test_every_entry_of_each_section_is_read(name: str) -> None:
    """The hand count per section, and every arXiv id the fixture links."""
    catalog = read_catalog(LISTS / name)
    assert dict(Counter(e.section for e in catalog.entries)) == HAND_COUNTS[name]
    assert catalog.arxiv_ids == IDS[name]


def test_paragraph_entries_keep_title_date_and_all_their_lines() -> None:
    """A **Title** \\ paragraph is one entry from its title line to its date line."""
    catalog = read_catalog(LISTS / "paragraphs.md")
    survey = next(e for e in catalog.entries if e.arxiv_id == "2310.00001")
    assert survey.title == "A Survey of Tiny Diffusion Models"
    assert survey.date == "16 Oct 2023"
    assert (survey.line, survey.end_line, survey.shape) == (14, 17, "paragraph")
    video = next(e for e in catalog.entries if e.section == "Papers / Video")
    assert video.title == "Frames from Noise"
    assert video.arxiv_id is None


def test_heading_entries_are_papers_not_sections_and_own_their_metadata() -> None:
    """### [Title](url) is an entry whose bullets (even after a blank line) belong to it."""
    catalog = read_catalog(LISTS / "heading-entries.md")
    assert [s.title for s in catalog.sections] == [
        "Awesome Tiny Hallucination", "Papers and Summaries", "Overviews", "Taxonomies"
    ]
    grounded = next(e for e in catalog.entries if e.title == "Grounded Answers by Retrieval")
    assert (grounded.line, grounded.end_line, grounded.shape) == (9, 12, "heading")


def test_venue_only_and_parenthesised_titles_are_entries_and_news_is_not() -> None:
    """Titles with parentheses, venue-only links and venue tags before the title are read."""
    entries = read_catalog(LISTS / "venue-bullets.md").entries
    by_title = {e.title: e for e in entries}  # the `year` stays in the title the style writes
    assert "Reinforced Self-Correction (ReSC) for Small Models `2024`" in by_title
    assert by_title["Judging Judges with Tiny Benches `2023`"].links[0][0] == "NeurIPS"
    seeing = next(e for e in entries if e.arxiv_id == "2308.00006")
    assert (seeing.title, seeing.date) == ("Seeing Steps: Visual Chains", "23.08")
    pi = next(e for e in entries if e.title.startswith("Pi Zero"))
    assert pi.date == "25.04"


def test_numbered_entry_spans_the_blank_line_before_its_authors() -> None:
    """1. **[Title](url)** / blank / indented authors is one entry: insertion cannot split it."""
    entries = read_catalog(LISTS / "numbered-blank.md").entries
    assert [(e.line, e.end_line) for e in entries] == [(7, 9), (11, 13), (17, 18)]


def test_table_title_column_and_compact_delimiters() -> None:
    """The Title column names the paper even when the Paper column holds only a badge link."""
    entries = read_catalog(LISTS / "compact-tables.md").entries
    assert [e.title for e in entries] == [
        "Alpha-R: Reasoning with Rewards", "Beta: Small Steps for Policies",
        "Gym-X: Environments for Agents",
    ]


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(HAND_COUNTS)),
    picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4),
)
def test_insertion_keeps_every_byte_and_never_lands_inside_an_entry(
    name: str, picks: list[int]
) -> None:
    """Removing the inserted lines gives the original; no insertion falls inside an entry."""
    catalog = read_catalog(LISTS / name)
    assert_inserts_between_entries(catalog, additions_for(catalog, picks, "*"))


def test_every_paper_of_a_multi_paper_cell_is_known_for_dedupe() -> None:
    """Two linked papers in one cell are one row, and both ids count as on the list."""
    catalog = read_catalog(LISTS / "multi-paper-cells.md")
    assert len(catalog.entries) == 2
    assert catalog.arxiv_ids == {"1606.00011", "1607.00012"}


def test_a_list_with_nothing_readable_says_what_it_found_and_what_to_do(tmp_path: Path) -> None:
    """The error names the bullets and tables it saw and points at list.template or an issue."""
    path = tmp_path / "README.md"
    path.write_text("# Notes\n\n- an idea\n- another idea\n\n| a | b |\n|-|-|\n| x | y |\n")
    with pytest.raises(CatalogFormatError) as info:
        read_catalog(path)
    message = str(info.value)
    assert "2 bullets (first on line 3)" in message
    assert "3 table lines (first on line 6)" in message
    assert "list.template" in message
