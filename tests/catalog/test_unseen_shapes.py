"""List shapes nobody on the project had seen (issue 10): read every entry, write new ones in
the list's own form, measure honestly.

Each fixture ``tests/fixtures/lists/unseen_*.md`` is a small list written for these tests in
one such shape; the counts were made by reading each file.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.catalog.insertion_property import additions_for, assert_inserts_between_entries

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"

HAND_COUNTS = {
    "unseen_date-prefix.md": {"Papers / Image": 4, "Papers / Backtick dates": 3},
    "unseen_authors-numbered.md": {"2024": 3, "2023": 2},
    "unseen_et-al.md": {"Image": 3},
    "unseen_preprint-slot.md": {"Outcome": 4},
    "unseen_venue-tag.md": {"Text-to-Image": 3, "Video": 3},
    "unseen_badge-cell-table.md": {"": 3},
    "unseen_video-section.md": {"Image": 1, "Video": 2, "Talks": 1},
    "unseen_repeat-one.md": {"Papers": 3},
    "unseen_venue-column.md": {"": 4},
    "unseen_et-al-mixed.md": {"Papers": 4},
}


def fields(**changes: object) -> EntryFields:
    base: dict[str, object] = {
        "arxiv_id": "2505.09999",
        "title": "Nu-R1: Reasoning Anew",
        "date": dt.date(2025, 5, 20),
        "name": "Nu-R1",
        "code_url": None,
        "authors": ("Nu Author", "Xi Writer", "Omicron Third", "Pi Fourth"),
    }
    base.update(changes)
    return EntryFields(**base)  # type: ignore[arg-type]


@pytest.mark.parametrize("name", sorted(HAND_COUNTS))
def test_every_entry_of_each_section_is_read(name: str) -> None:
    catalog = read_catalog(LISTS / name)
    assert dict(Counter(e.section for e in catalog.entries)) == HAND_COUNTS[name]


def test_a_decorated_date_prefix_is_the_date_and_the_new_entry_carries_it() -> None:
    """``**[2025-03]** [Title](url)`` (after an emoji too) and `` `2025.03` **Title** ``."""
    catalog = read_catalog(LISTS / "unseen_date-prefix.md")
    fire = next(e for e in catalog.entries if e.arxiv_id == "2503.10001")
    assert (fire.title, fire.date) == ("Tiny-RFT: Fine-Tuning Small Eyes", "2025-03")
    tick = next(e for e in catalog.entries if e.arxiv_id == "2503.10005")
    assert (tick.title, tick.date) == ("Femto-R1: Incentivizing Tiny Reasoning", "2025.03")
    style = list_style(catalog)
    assert render_entry(style, fields(), "Papers / Image") == (
        "- **[2025-05]** [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
    )
    assert render_entry(style, fields(code_url="https://github.com/n/nu"),
                        "Papers / Backtick dates") == (
        "- `2025.05` **Nu-R1: Reasoning Anew** [[paper](https://arxiv.org/abs/2505.09999)]"
        " [[code](https://github.com/n/nu)]"
    )
    result = native_check(catalog)
    assert result.total == 7
    assert [m.entry.arxiv_id for m in result.misses] == ["2503.10001"]  # its 🔥 is a choice


def test_titles_are_read_without_the_authors_and_venue_around_them() -> None:
    """``**Title**. *A, B*. ICML 2024.``, ``Title. arXiv 2024.``, ``[arXiv 2025] Title.``,
    ``【CVPR 2025】 Title``: the title alone (the rest is the entry's, not the title's)."""
    titles = {
        e.arxiv_id: e.title.removesuffix(".")
        for name in HAND_COUNTS for e in read_catalog(LISTS / name).entries
    }
    assert titles["2401.20001"] == "Self-Judging Tiny Models"
    assert titles["2312.40004"] == "Tiny Shepherd: Verify Without Labels"
    assert titles["2305.50003"] == "Training Tiny Diffusion with RL"
    assert titles["2412.50005"] == "Small Mulberry: Tiny Tree Search"


def test_new_entries_carry_the_authors_and_the_preprint_slot_the_list_writes() -> None:
    """Authors in the list's form (``et al.`` after the list's count), ``arXiv YEAR`` where
    the list writes its preprints so; the venue the bot cannot know is left out."""
    def new(name: str, section: str, **changes: object) -> str:
        return render_entry(list_style(read_catalog(LISTS / name)), fields(**changes), section)

    numbered = new("unseen_authors-numbered.md", "2024", authors=("Nu Author", "Xi Writer"))
    assert numbered.split(" ", 1)[1] == (  # the number: see the numbering test
        "**Nu-R1: Reasoning Anew**. *Nu Author, Xi Writer*."
        " [[arXiv](https://arxiv.org/abs/2505.09999)]"
    )
    assert new("unseen_et-al.md", "Image") == (
        "- [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999) - Nu Author et al.,"
        " *arXiv 2025*"
    )
    assert new("unseen_preprint-slot.md", "Outcome") == (
        "- Nu-R1: Reasoning Anew. arXiv 2025. [paper](https://arxiv.org/abs/2505.09999)"
    )
    assert new("unseen_venue-tag.md", "Text-to-Image") == (
        "* [arXiv 2025] Nu-R1: Reasoning Anew. [[pdf]](https://arxiv.org/pdf/2505.09999)"
    )
    assert new("unseen_venue-tag.md", "Video").startswith("- 【arXiv 2025】 Nu-R1: Reasoning Anew ")


def test_native_requires_the_authors_and_preprint_slot_and_forgives_only_the_venue() -> None:
    """Each paper re-rendered with its own authors (more than the entry shows where it says
    ``et al.``) and ``arXiv YEAR`` where the entry names another venue."""
    for name in ("unseen_authors-numbered.md", "unseen_et-al.md", "unseen_preprint-slot.md"):
        result = native_check(read_catalog(LISTS / name))
        assert result.native == result.total >= 3, (name, [m.diff for m in result.misses])
    style = list_style(read_catalog(LISTS / "unseen_et-al.md"))
    written = read_catalog(LISTS / "unseen_et-al.md").entries[0]
    assert "Pia Plum et al., *arXiv 2025*" in written.raw
    assert "et al." in render_entry(style, fields(), "Image")


def test_a_table_cell_title_with_an_arxiv_badge_and_a_numbered_column() -> None:
    """``| 1 | Title [[arXiv](url)] | arXiv 2024 | [code](…) |``: the title is the text, the
    new row keeps the cell's form, writes the preprint form and the next row number."""
    catalog = read_catalog(LISTS / "unseen_badge-cell-table.md")
    assert next(e.title for e in catalog.entries) == "Tiny-Math: Pushing Small Limits of Reasoning"
    row = render_entry(list_style(catalog), fields(code_url="https://github.com/n/nu"), "")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1:] == [
        "Nu-R1: Reasoning Anew [[arXiv](https://arxiv.org/abs/2505.09999)]",
        "arXiv 2025",
        "[code](https://github.com/n/nu)",
    ]
    out = insert_entries(catalog, [Addition("", row, "2505.09999")]).decode()
    assert "| 4 | Nu-R1: Reasoning Anew [[arXiv]" in out
    assert native_check(catalog).native == 3


def test_an_et_al_entry_does_not_vote_for_its_own_cut() -> None:
    """Where the section writes every name, an entry cut with ``et al.`` is not what a new
    entry would be (the paper has names the entry does not show)."""
    result = native_check(read_catalog(LISTS / "unseen_et-al-mixed.md"))
    assert [m.entry.arxiv_id for m in result.misses] == ["2501.91004"]


def test_a_venue_column_gets_the_lists_preprint_form_and_native_requires_it() -> None:
    """A new arXiv paper's Venue cell reads ``arXiv`` as the list's preprints do; a row left
    empty where it wrote ``arXiv`` is not native (a venue it names may stay empty)."""
    catalog = read_catalog(LISTS / "unseen_venue-column.md")
    row = render_entry(list_style(catalog), fields(), "")
    assert [c.strip() for c in row.strip("|").split("|")][1:] == ["arXiv", "2025-05", "-"]
    assert native_check(catalog).native == 4
    from arxivbot.catalog.native import _same_row
    from arxivbot.catalog.skeleton import facts_of

    entry = catalog.entries[1]
    facts = facts_of(entry)
    assert facts is not None
    empty = entry.raw.replace("| arXiv |", "|  |")
    assert _same_row(entry.raw, entry.raw, facts)
    assert not _same_row(entry.raw, empty, facts)


def test_a_video_section_of_papers_is_a_paper_section_and_talks_stay_out() -> None:
    """A heading word ("Video") does not override what a section holds: arXiv papers."""
    kinds = {s.path: s.kind for s in read_catalog(LISTS / "unseen_video-section.md").sections}
    assert kinds["Video"] == "paper"
    assert kinds["Talks"] == "other"


def test_new_numbered_entries_follow_the_lists_numbering_by_insertion_only() -> None:
    """A list that counts gets the number where the entry goes (existing lines untouched),
    a new year section starts at 1, a list that repeats ``1.`` keeps ``1.``."""
    counting = read_catalog(LISTS / "unseen_authors-numbered.md")
    style = list_style(counting)
    text = render_entry(style, fields(), "2024")
    out = insert_entries(counting, [Addition("2024", text, "2505.09999")], style).decode()
    lines = out.split("\n")
    new = next(k for k, line in enumerate(lines) if "Nu-R1" in line)
    assert lines[new].startswith("4. ")
    assert lines[new - 1].startswith("3. ")
    fresh = insert_entries(counting, [
        Addition("2025", render_entry(style, fields(), "2025"), "2505.09999"),
        Addition("2025", render_entry(style, fields(arxiv_id="2505.09998", title="Xi"), "2025"),
                 "2505.09998"),
    ], style).decode()
    assert [ln[:3] for ln in fresh.split("\n") if "Nu-R1" in ln or "**Xi**" in ln] == [
        "1. ", "2. "]
    ones = read_catalog(LISTS / "unseen_repeat-one.md")
    text = render_entry(list_style(ones), fields(), "Papers")
    out = insert_entries(ones, [Addition("Papers", text, "2505.09999")]).decode()
    assert next(ln for ln in out.split("\n") if "Nu-R1" in ln).startswith("1. [Nu-R1")


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(HAND_COUNTS)),
    picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4),
)
def test_insertion_keeps_every_byte_and_never_lands_inside_an_entry(
    name: str, picks: list[int]
) -> None:
    catalog = read_catalog(LISTS / name)
    assert_inserts_between_entries(catalog, additions_for(catalog, picks, "-"))


# Round 2 (issue 10): shapes from a second held-out set; each fixture unseen2_*.md is a small
# list written for these tests, counted by hand.

HAND_COUNTS_2 = {
    "unseen2_slash-date.md": {"Reasoning Models": 3, "Process Supervision": 2},
    "unseen2_numbered-plain-title.md": {"2024": 2, "2025": 3, "Surveys": 1},
    "unseen2_heading-metadata.md": {"Search Agents": 3, "Tools": 1},
    "unseen2_html-table.md": {"Image": 3, "Video": 2, "More": 1},
    "unseen2_br-badges.md": {"Models": 3, "Reasoning": 1},
    "unseen2_id-badge.md": {"Papers / 2025": 2, "Papers / 2024": 2},
    "unseen2_approach-table.md": {"Text-only": 4},
}


@pytest.mark.parametrize("name", sorted(HAND_COUNTS_2))
def test_every_entry_of_each_section_is_read_round_2(name: str) -> None:
    catalog = read_catalog(LISTS / name)
    assert dict(Counter(e.section for e in catalog.entries)) == HAND_COUNTS_2[name]


def test_a_bracketed_day_date_before_a_plain_title_is_the_date() -> None:
    """``- [2025/04/14] Title [[arXiv:ID](url)]`` and ``[2025.01.08]``: a date, not the title."""
    catalog = read_catalog(LISTS / "unseen2_slash-date.md")
    first = next(e for e in catalog.entries if e.arxiv_id == "2504.13837")
    assert first.title.startswith("Does Reinforcement Learning Really Incentivize")
    assert first.date == "2025/04/14"
    dotted = next(e for e in catalog.entries if e.arxiv_id == "2501.04519")
    assert (dotted.title[:10], dotted.date) == ("rStar-Math", "2025.01.08")
    style = list_style(catalog)
    assert render_entry(style, fields(), "Reasoning Models") == (
        "- [2025/05/20] Nu-R1: Reasoning Anew [[arXiv:2505.09999](https://arxiv.org/abs/2505.09999)]"
    )
    assert render_entry(style, fields(), "Process Supervision").startswith("- [2025.05.20] Nu-R1")


def test_a_numbered_plain_title_whose_pdf_follows_blank_lines_is_one_entry() -> None:
    """``1. Title`` / blank / authors / blank / ``[[pdf](arxiv)]``: one entry, its title the
    first line only; a new one is numbered on and written in the same three paragraphs."""
    catalog = read_catalog(LISTS / "unseen2_numbered-plain-title.md")
    rest = next(e for e in catalog.entries if e.arxiv_id == "2408.00012")
    assert rest.title == "Reinforced Self-Training (ReST) for Tiny Models"
    assert (rest.line, rest.end_line) == (14, 18)
    survey = next(e for e in catalog.entries if e.section == "Surveys")
    assert survey.title == "A Survey of Tiny Reasoners"  # not its parent item
    out = render_entry(list_style(catalog), fields(), "2025")
    assert out.split("\n")[0].endswith(". Nu-R1: Reasoning Anew")
    assert out.split("\n")[1:] == [
        "", "   Nu Author, Xi Writer, Omicron Third, Pi Fourth", "",
        "   [[pdf](https://arxiv.org/pdf/2505.09999)]",
    ]
    style = list_style(catalog)
    out = insert_entries(
        catalog, [Addition("2025", render_entry(style, fields(), "2025"), "2505.09999")], style
    ).decode()
    lines = out.split("\n")
    new = next(k for k, line in enumerate(lines) if "Nu-R1" in line)
    assert lines[new].startswith("4. ")  # oldest first: after the last 2025 entry
    assert lines[new - 2].endswith("(https://arxiv.org/pdf/2504.00015)]")


def test_a_heading_entry_reads_its_labelled_date_and_writes_its_metadata_bullets() -> None:
    """``### [Title](doi.org/10.48550/arXiv.ID)`` with ``- **Authors:**`` / ``- **Date:**``
    bullets: the date is read, and a new entry carries both labelled lines with its own facts."""
    catalog = read_catalog(LISTS / "unseen2_heading-metadata.md")
    first = catalog.entries[0]
    assert (first.arxiv_id, first.date) == ("2504.00021", "2025-04")
    out = render_entry(list_style(catalog), fields(), "Search Agents")
    assert out.split("\n")[:3] == [
        "### [Nu-R1: Reasoning Anew](https://doi.org/10.48550/arXiv.2505.09999)",
        "- **Authors:** Nu Author, Xi Writer, Omicron Third, Pi Fourth",
        "- **Date:** 2025-05",
    ]


def test_html_table_rows_are_entries_and_new_rows_are_written_as_html_like_their_neighbours(
) -> None:
    """``<table>`` rows (one line each, or one cell a line) under ``<h2 id=…>`` headings are
    read like Markdown rows; a new row is HTML laid out like the row beside it, its title
    escaped, and the file keeps every byte."""
    catalog = read_catalog(LISTS / "unseen2_html-table.md")
    femto = next(e for e in catalog.entries if e.arxiv_id == "2406.00032")
    assert (femto.title, femto.date) == ("Femto-AR: Autoregression & Tiny Tokens", "2024-06")
    zepto = next(e for e in catalog.entries if e.arxiv_id == "2503.00034")
    assert (zepto.line, zepto.end_line) == (29, 34)
    style = list_style(catalog)
    new = fields(title="Nu-R1: <Tiny> & Anew", code_url="https://github.com/n/nu")
    out = insert_entries(catalog, [
        Addition("Image", render_entry(style, new, "Image"), "2505.09999"),
        Addition("Video", render_entry(style, new, "Video"), "2505.09999"),
    ], style).decode()
    added = [ln for ln in out.split("\n") if ln not in catalog.raw.decode().split("\n")]
    assert added[0] == (
        '<tr><td><a href="https://arxiv.org/abs/2505.09999">Nu-R1: &lt;Tiny&gt; &amp; Anew</a>'
        '</td><td>arXiv</td><td>2025-05</td><td><a href="https://github.com/n/nu">GitHub</a>'
        "</td></tr>"
    )
    assert added[1:] == [
        '  <td><a href="https://arxiv.org/abs/2505.09999">Nu-R1: &lt;Tiny&gt; &amp; Anew</a></td>',
        "  <td>2025-05</td>",
        '  <td><a href="https://github.com/n/nu">GitHub</a></td>',
    ]  # <tr>, <td>arXiv</td> and </tr> lines are already in the file: the diff shows these
    assert out.count("<tr>") == catalog.raw.decode().count("<tr>") + 1 + 1


def test_authors_between_br_and_a_linked_arxiv_badge_are_written_with_the_new_papers_facts(
) -> None:
    """``- **Title** <br> A, B <br> [![arXiv](shields …ID…)](arxiv) [![Star](…)](gh)``: the
    names between the ``<br>`` are the authors, the badge image keeps its own URL with the
    new id (it was overwritten by the paper's URL, a broken image), and native counts it."""
    catalog = read_catalog(LISTS / "unseen2_br-badges.md")
    out = render_entry(list_style(catalog), fields(code_url="https://github.com/n/nu"), "Models")
    assert out == (
        "- **Nu-R1: Reasoning Anew** <br> Nu Author, Xi Writer, Omicron Third, Pi Fourth <br> "
        "[![arXiv](https://img.shields.io/badge/arXiv-2505.09999-b31b1b.svg)]"
        "(https://arxiv.org/abs/2505.09999) [![Star](https://img.shields.io/github/stars/n/nu"
        ".svg?style=social&label=Star)](https://github.com/n/nu)"
    )
    result = native_check(catalog)
    assert (result.total, len(result.misses)) == (4, 0)


def test_an_unlinked_badge_showing_the_arxiv_id_is_written_with_the_new_id() -> None:
    """``- [Title](arxiv) ![arXiv](https://img.shields.io/badge/arXiv-ID-b31b1b.svg)``: every
    entry shows its id in a badge; a new entry does too (it was dropped)."""
    catalog = read_catalog(LISTS / "unseen2_id-badge.md")
    assert render_entry(list_style(catalog), fields(), "Papers / 2025") == (
        "- [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999) "
        "![arXiv](https://img.shields.io/badge/arXiv-2505.09999-b31b1b.svg)"
    )


def test_an_approach_column_shows_the_papers_name_and_a_placeholder_column_its_placeholder(
) -> None:
    """``| Approach | Backbone | RL Algo | Date | 🤗 Model | Code | Paper |``: the Approach
    cell is the name the paper gives itself (it was empty), the 🤗 column that writes ``——``
    where a paper has no weights writes it for a new paper (it was empty), and what the bot
    cannot know (backbone, algorithm) stays empty: never a neighbour's value."""
    catalog = read_catalog(LISTS / "unseen2_approach-table.md")
    out = render_entry(list_style(catalog), fields(), "Text-only")
    assert [c.strip() for c in out.strip("|").split("|")] == [
        "Nu-R1", "", "", "2025.05", "——", "——",
        "[Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)",
    ]


@settings(max_examples=30, deadline=None)
@given(
    name=st.sampled_from(sorted(HAND_COUNTS_2)),
    picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4),
)
def test_insertion_keeps_every_byte_and_never_lands_inside_an_entry_round_2(
    name: str, picks: list[int]
) -> None:
    catalog = read_catalog(LISTS / name)
    assert_inserts_between_entries(catalog, additions_for(catalog, picks, "-"))
