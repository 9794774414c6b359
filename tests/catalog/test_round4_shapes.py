"""Round 4 of list shapes nobody had built on (issue 10), found on held-out lists before any
fix: month sections (a May paper went under ``### April 2025``), a badge before a bold title
(the title read as "arXiv"), and a link's own label after a plain title (``— Paper:`` read as
part of the title). Each fixture is a small list written for these tests.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from sklearn.feature_extraction.text import TfidfVectorizer
from tests.catalog.insertion_property import assert_inserts_between_entries
from tests.catalog.nu_paper import nu_fields as fields

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.parse import read_catalog
from arxivbot.catalog.periods import Period, period_of, renamed
from arxivbot.catalog.render import check_style, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.proposal.placement import place
from arxivbot.records import Paper

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


@pytest.mark.parametrize(("title", "period"), [
    ("2025", Period(2025)), ("April 2025", Period(2025, 4)), ("Apr 2025", Period(2025, 4)),
    ("Sept. 2024", Period(2024, 9)), ("2025.04", Period(2025, 4)), ("2025-4", Period(2025, 4)),
    ("2025/04", Period(2025, 4)), ("May, 2025", Period(2025, 5)), ("2025 May", Period(2025, 5)),
    ("Mayday 2025", None), ("Papers", None), ("2025 Papers", None), ("Top 10", None),
])
def test_a_section_title_names_a_period_or_nothing(title: str, period: Period | None) -> None:
    assert period_of(title) == period


@pytest.mark.parametrize(("line", "title", "new", "written"), [
    ("### April 2025", "April 2025", Period(2025, 5), "### May 2025"),
    ("### Dec 2024", "Dec 2024", Period(2025, 1), "### Jan 2025"),
    ("## 2025.04", "2025.04", Period(2025, 11), "## 2025.11"),
    ('<h3 id="2024">2024</h3>', "2024", Period(2025), '<h3 id="2025">2025</h3>'),
    ("### April 2025", "April 2025", Period(2026), None),  # a year is not a month's sibling
])
def test_a_new_period_heading_is_written_in_its_siblings_form(
    line: str, title: str, new: Period, written: str | None
) -> None:
    assert renamed(line, title, new) == written


def _place(path: Path, papers: list[Paper]) -> list[str]:
    catalog = read_catalog(path)
    vectorizer = TfidfVectorizer().fit([e.title for e in catalog.entries] +
                                       [p.title for p in papers])
    placed = place(papers, catalog.sections, catalog.entries,
                   lambda texts: vectorizer.transform(list(texts)))
    return [p.section for p in placed]


def test_month_sections_take_papers_of_their_month_and_a_newer_month_gets_its_own() -> None:
    march = Paper(id="2503.09999", title="Femto-Frames: Video Rewards", abstract="",
                  date="2025-03-20")
    may = Paper(id="2505.09999", title="Nu-R1: Reasoning Anew", abstract="", date="2025-05-20")
    # before: the May paper went under "April 2025" (the closest entries)
    assert _place(LISTS / "round4_month-sections.md", [march, may]) == [
        "March 2025", "May 2025"]


def test_a_new_month_section_is_inserted_above_the_newest_in_its_siblings_form() -> None:
    catalog = read_catalog(LISTS / "round4_month-sections.md")
    entry = render_entry(list_style(catalog), fields(), "May 2025")
    additions = [Addition("May 2025", entry, "2505.09999")]
    assert_inserts_between_entries(catalog, additions)
    lines = insert_entries(catalog, additions).decode().split("\n")
    at = lines.index("### April 2025")
    assert lines[at - 4 : at] == [
        "### May 2025", "",
        "- [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999) `2025-05-20`",  # its date
        ""]


def test_a_badge_before_a_bold_title_is_a_badge_and_new_entries_keep_it_first() -> None:
    catalog = read_catalog(LISTS / "round4_badge-first.md")
    assert [e.title for e in catalog.entries][:3] == [
        "Pico-R1: Seeing Small Things", "Nano-VL: Rewards for Pixels",
        "Femto-Video: Frames That Think"]  # before: "arXiv" three times
    written = render_entry(list_style(catalog), fields(), "2025")
    assert written == ("- [[arXiv](https://arxiv.org/abs/2505.09999)] **Nu-R1: Reasoning Anew**,"
                       " Nu Author et al. 2025.")
    report = check_style(catalog)
    assert report.identical == report.total  # the round trip writes the badge before the title


def test_a_links_label_after_a_plain_title_is_not_part_of_the_title() -> None:
    catalog = read_catalog(LISTS / "round4_badge-first.md")
    assert [e.title for e in catalog.entries][3:] == [
        "Atto-R1: Clips, Rewards and Time", "Zepto-RL: Less Is More"]  # before: "… — Paper:"
    written = render_entry(list_style(catalog), fields(), "Methods")
    assert written.startswith(
        "* Nu-R1: Reasoning Anew — Paper: [arXiv](https://arxiv.org/abs/2505.09999)")


def test_an_entry_naming_its_paper_by_a_plain_arxiv_id_is_read_and_written_so() -> None:
    catalog = read_catalog(LISTS / "round4_plain-ids-categories.md")  # before: refused (exit 3)
    numbered = catalog.entries_in("Reading list")
    assert [(e.arxiv_id, e.title) for e in numbered] == [
        ("2504.00001", "Pico-R1: Seeing Small Things"),
        ("2504.00002", "Nano-VL: Rewards for Pixels"),
    ]
    written = render_entry(list_style(catalog), fields(), "Reading list")
    assert written.split(" ", 1)[1] == (
        "Nu-R1: Reasoning Anew. *Nu Author, Xi Writer, Omicron Third*. arXiv:2505.09999, 2025.")
    assert "2504.00009" not in {e.arxiv_id for e in catalog.entries}  # no "arXiv" before it


def test_a_bold_bullet_with_papers_nested_under_it_is_a_section() -> None:
    catalog = read_catalog(LISTS / "round4_plain-ids-categories.md")
    assert {s.path for s in catalog.sections} >= {
        "By topic / Image Reasoning", "By topic / Reward Models"}
    assert [e.section for e in catalog.entries][2:5] == [
        "By topic / Image Reasoning", "By topic / Image Reasoning", "By topic / Reward Models"]
    # "- **Code**" over a bare badge is no category: its link stays an entry of the section above
    assert "By topic / Code" not in {s.path for s in catalog.sections}
    additions = [Addition("By topic / Image Reasoning",
                          "  - [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)",
                          "2505.09999")]
    assert_inserts_between_entries(catalog, additions)
    lines = insert_entries(catalog, additions).decode().split("\n")
    group = lines[lines.index("- **Image Reasoning**") : lines.index("- **Reward Models**")]
    assert additions[0].text in group  # among the category's own papers
