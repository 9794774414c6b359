"""Author lists in a section that writes short lists whole and cuts long ones (issue 10):
opendilab writes up to 9 names, else three and "et al."; its new entries did either at
random, by which neighbour they copied."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style

LIST = Path(__file__).parents[1] / "fixtures" / "lists" / "habit_etal-by-count.md"
NAMES = ("Nu Author", "Xi Writer", "Omicron Third", "Pi Fourth", "Rho Fifth", "Sigma Sixth")


def authors_line(count: int) -> str:
    fields = EntryFields(arxiv_id="2505.09999", title="Nu-R1: Reasoning Anew",
                         date=dt.date(2025, 5, 20), name="Nu-R1", code_url=None,
                         authors=NAMES[:count])
    return render_entry(list_style(read_catalog(LIST)), fields, "Papers").split("\n")[1]


def test_more_names_than_any_whole_list_shows_are_cut_as_the_list_cuts() -> None:
    assert authors_line(6) == "  - Nu Author, Xi Writer, Omicron Third, et al."
    assert authors_line(5) == "  - Nu Author, Xi Writer, Omicron Third, et al."


def test_as_many_names_as_a_whole_list_shows_are_written_whole_with_its_last_separator() -> None:
    assert authors_line(4) == "  - Nu Author, Xi Writer, Omicron Third, and Pi Fourth"
    assert authors_line(3) == "  - Nu Author, Xi Writer, and Omicron Third"


def test_the_measure_finds_the_cut_entries_native_from_the_others_cuts() -> None:
    result = native_check(read_catalog(LIST))
    assert result.total == 5
    # each cut entry is measured without itself: the other cut teaches the form; the list of
    # three names without ", and" is the one miss (the section writes ", and")
    assert [m.entry.arxiv_id for m in result.misses] == ["2501.00001"]


def test_a_section_that_always_shows_the_same_number_of_names_cuts_there_silently() -> None:
    """Five of six lists show three names, one two, none says "et al.": the list keeps the
    first three (before: a new entry wrote all of a paper's names)."""
    catalog = read_catalog(LIST.with_name("habit_silent-cut.md"))
    fields = EntryFields(arxiv_id="2505.09999", title="Nu-R1: Reasoning Anew",
                         date=dt.date(2025, 5, 20), name="Nu-R1", code_url=None, authors=NAMES)
    written = render_entry(list_style(catalog), fields, "Papers")
    assert written.split("**. ", 1)[1] == (
        "*Nu Author, Xi Writer, Omicron Third*. [[arXiv](https://arxiv.org/abs/2505.09999)]"
    )
    two = EntryFields(arxiv_id="2505.09999", title="Nu-R1: Reasoning Anew",
                      date=dt.date(2025, 5, 20), name="Nu-R1", code_url=None, authors=NAMES[:2])
    assert "*Nu Author, Xi Writer*." in render_entry(list_style(catalog), two, "Papers")
