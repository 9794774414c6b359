"""New entries written like the list's own, measured by `native`, and new year sections."""

from __future__ import annotations

import datetime as dt
import logging
from pathlib import Path

import pytest
from click.testing import CliRunner

from arxivbot.catalog.insertion import Addition, insert_entries
from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import parse_catalog_bytes, read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.cli import cli

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


def fields(**changes: object) -> EntryFields:
    base: dict[str, object] = {
        "arxiv_id": "2505.09999",
        "title": "Nu-R1: Reasoning Anew",
        "date": dt.date(2025, 5, 20),
        "name": "Nu-R1",
        "code_url": "https://github.com/n/nu",
        "authors": ("Nu Author", "Xi Writer"),
    }
    base.update(changes)
    return EntryFields(**base)  # type: ignore[arg-type]


def test_a_paragraph_entry_gets_its_title_authors_venue_and_date_lines() -> None:
    """Paragraph lists: bold title, italic authors, arXiv year with badges, date, each `\\`."""
    catalog = read_catalog(LISTS / "paragraphs.md")
    text = render_entry(list_style(catalog), fields(), "Papers / Survey")
    lines = text.split("\n")
    assert lines[0] == "**Nu-R1: Reasoning Anew** \\"
    assert lines[1] == "*Nu Author, Xi Writer* \\"
    assert lines[2].startswith("arXiv 2025. [[Paper](https://arxiv.org/")
    assert lines[2].endswith("[[Github](https://github.com/n/nu)] \\")
    assert lines[3] == "20 May 2025"


def test_a_heading_entry_is_its_linked_heading_without_the_hand_written_metadata() -> None:
    """Heading entries: `### [Title](url)`; metrics and comments are the maintainer's own."""
    catalog = read_catalog(LISTS / "heading-entries.md")
    text = render_entry(list_style(catalog), fields(), "Papers and Summaries")
    assert text == "### [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"


def test_a_numbered_entry_keeps_its_blank_line_authors_and_preprint_venue() -> None:
    """Numbered entries with a blank line and an indented `*Authors.* Preprint'YY` line."""
    catalog = read_catalog(LISTS / "numbered-blank.md")
    text = render_entry(list_style(catalog), fields(), "Analysis / 2025")
    assert text.split("\n") == [
        "1. **[Nu-R1: Reasoning Anew.](https://arxiv.org/abs/2505.09999)**"
        " [[code](https://github.com/n/nu)]",
        "",
        "    *Nu Author, Xi Writer.* Preprint'25",
    ]


def test_labels_never_carry_a_neighbours_facts() -> None:
    """An `arXiv:ID` label shows the new id; a repo-named code label the new repo's name."""
    catalog = read_catalog(LISTS / "labelled-links.md")
    style = list_style(catalog)
    text = render_entry(style, fields(code_url="https://github.com/n/nu-r1"), "Papers")
    assert text == (
        "- [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " [arXiv:2505.09999](https://arxiv.org/abs/2505.09999) [n/nu-r1](https://github.com/n/nu-r1)"
    )
    row = render_entry(style, fields(code_url="https://github.com/n/nu-r1"), "Models")
    for neighbour in ("2501.00021", "al/alpha", "Alpha"):
        assert neighbour not in row
    assert "stars/n/nu-r1" in row
    assert "(https://arxiv.org/abs/2505.09999)" in row
    assert row.count("|") == 4
    bare = render_entry(style, fields(code_url=None), "Models")
    assert bare.rstrip().endswith("| - |")  # the list's own placeholder


def test_native_counts_every_paper_and_leaves_each_out_of_its_own_style() -> None:
    """`native` renders each paper already on the list as a new entry, learnt without it."""
    for name in ("labelled-links.md", "html-sections.md"):
        result = native_check(read_catalog(LISTS / name))
        assert result.native == result.total >= 2, (name, [m.diff for m in result.misses])
    # Two papers, one with a Github badge: left out, no other entry shows the badge, so the
    # new entry cannot (a miss), while the other paper is written exactly like itself.
    result = native_check(read_catalog(LISTS / "paragraphs.md"))
    assert (result.native, result.total) == (1, 2)
    assert "[[Github]" in result.misses[0].diff


def test_check_style_prints_native() -> None:
    """`catalog --check-style` shows `native: N/M` beside its two round-trip figures."""
    out = CliRunner().invoke(cli, ["catalog", str(LISTS / "paragraphs.md"), "--check-style"])
    assert out.exit_code == 0, out.output
    assert "native: " in out.output
    assert "round-trip:" in out.output


def test_html_headings_and_details_summaries_are_sections() -> None:
    """`<h2 id=…>`, `### <h3 …>` and `<details><summary><b>2024</b>` open sections."""
    catalog = read_catalog(LISTS / "html-sections.md")
    paths = {e.title: e.section for e in catalog.entries}
    assert paths["Agents That Plan Ahead"] == "Papers / Agents"
    assert paths["Agents That Remember"] == "Papers / Agents / 2024"
    assert paths["TinyTool"] == "Tools"


def test_a_paper_newer_than_every_year_section_gets_a_new_one_as_an_insertion() -> None:
    """Newest-first year sections: a 2026 paper opens `### 2026` above `### 2025`."""
    catalog = read_catalog(LISTS / "numbered-blank.md")
    text = render_entry(list_style(catalog), fields(arxiv_id="2601.00001"), "Analysis / 2026")
    new = insert_entries(catalog, [Addition("Analysis / 2026", text, "2601.00001")])
    assert b"### 2026\n\n1. **[Nu-R1" in new
    assert new.index(b"### 2026") < new.index(b"### 2025")
    added = ("### 2026\n\n" + text + "\n\n").encode()
    assert new.replace(added, b"", 1) == catalog.raw
    again = parse_catalog_bytes(new)
    assert any(e.section == "Analysis / 2026" for e in again.entries)


def test_oldest_first_year_sections_get_the_new_year_after_the_last() -> None:
    """Oldest-first year sections: the new year goes after the last one's entries."""
    raw = (
        b"# L\n\n## 2023\n\n- [A](https://arxiv.org/abs/2301.00001)\n\n"
        b"## 2024\n\n- [B](https://arxiv.org/abs/2401.00002)\n\n## Tools\n\n- [T](https://t.io)\n"
    )
    catalog = parse_catalog_bytes(raw)
    text = render_entry(list_style(catalog), fields(), "2025")
    new = insert_entries(catalog, [Addition("2025", text, "2505.09999")])
    assert new == raw.replace(b"## Tools", b"## 2025\n\n" + text.encode() + b"\n\n## Tools")


def test_unreadable_entry_lines_are_warned_with_their_line_numbers(
    caplog: pytest.LogCaptureFixture,
) -> None:
    """A listed line linking an arXiv paper that is no entry is named by its line number."""
    raw = (
        b"# L\n\n## Papers\n\n- [A](https://arxiv.org/abs/2301.00001)\n"
        b"- [Contents](#contents) and [this one](https://arxiv.org/abs/2302.00002) too\n"
        b"- **[2025-01]** news: [our paper](https://arxiv.org/abs/2303.00003)\n"
    )
    with caplog.at_level(logging.WARNING):
        catalog = parse_catalog_bytes(raw, "L.md")
    assert len(catalog.entries) == 1
    assert catalog.warnings == tuple(r.getMessage() for r in caplog.records)
    assert "1 line(s)" in catalog.warnings[0]
    assert "(lines 6)" in catalog.warnings[0]


def test_a_bold_title_with_its_link_on_the_next_line_is_one_entry() -> None:
    """`- 🌟 **Title**  ` then `arXiv 2025, [Paper](url)`: one entry, its paper linked."""
    raw = (
        "# L\n\n## Highlights\n\n- 🌟 **A Survey of Tiny Things**  \n"
        "arXiv 2025, [Paper](https://arxiv.org/pdf/2501.00031.pdf), [Project](https://t.io)\n"
    ).encode()
    (entry,) = parse_catalog_bytes(raw).entries
    assert (entry.title, entry.arxiv_id) == ("A Survey of Tiny Things", "2501.00031")
    assert entry.end_line == 6


def test_a_new_entry_follows_the_entries_around_where_it_is_inserted() -> None:
    """A style that drifted: the five newest entries carry a `| [Paper📑]` badge, the seven
    older ones not. A new paper (inserted at the top) is written like its neighbours there,
    an old one (inserted among the old entries) like those; `native` makes the same choice."""
    catalog = read_catalog(LISTS / "drifting-style.md")
    style = list_style(catalog)
    new = render_entry(
        style, fields(arxiv_id="2604.00001", date=dt.date(2026, 4, 2), code_url=None), "Papers"
    )
    assert new == (
        "* 26.04 [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2604.00001)"
        " | [Paper📑](https://arxiv.org/abs/2604.00001)"
    )
    old = render_entry(
        style, fields(arxiv_id="2501.00050", date=dt.date(2025, 1, 20), code_url=None), "Papers"
    )
    assert old == "* 25.01 [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2501.00050)"
    # The measure leaves each entry out and asks the same question at its own place.
    result = native_check(catalog, style)
    assert result.total == 12
    assert all(m.entry.line < 12 for m in result.misses)  # the old ones are all native


def test_a_link_header_over_plain_titles_is_the_title_column() -> None:
    """`| Date | Project | Task | Links |` with plain titles under "Project" and paper badges
    under "Links": titles are read from "Project", and a new row writes its title there and
    its paper as the list's badge. A model or dataset badge the bot cannot know does not
    make a row a miss."""
    catalog = read_catalog(LISTS / "project-column-table.md")
    assert [e.title for e in catalog.entries][:2] == [
        "Gull: A Benchmark for Grounded Listening",
        "Heron: Holistic Evaluation of Reasoning Over Notes",
    ]
    style = list_style(catalog)
    row = render_entry(style, fields(code_url=None), "Benchmarks")
    cells = [c.strip() for c in row.strip("|").split("|")]
    assert cells[1] == "Nu-R1: Reasoning Anew"
    assert cells[3] == "[[📑 Paper]](https://arxiv.org/abs/2505.09999)"
    result = native_check(catalog, style)
    assert (result.native, result.total) == (4, 4), [m.diff for m in result.misses]


def test_a_github_link_on_a_dataset_line_is_no_code_link() -> None:
    """`- Dataset: [Remarks](https://github.com/…)` names a dataset: the paper has no code
    link, and its new entry (no `Code:` line) is native."""
    from arxivbot.catalog.skeleton import facts_of

    catalog = read_catalog(LISTS / "labelled-sub-bullets.md")
    lark = next(e for e in catalog.entries if e.title.startswith("Lark"))
    facts = facts_of(lark)
    assert facts is not None
    assert facts.code_url is None
    result = native_check(catalog)
    assert (result.native, result.total) == (3, 3), [m.diff for m in result.misses]


def test_a_separator_before_an_unknown_link_or_at_the_end_is_not_held_against_it() -> None:
    """`| [Model🤗](…)` and a dangling `|` go with what the bot cannot know."""
    result = native_check(read_catalog(LISTS / "trailing-separators.md"))
    assert (result.native, result.total) == (3, 3), [m.diff for m in result.misses]


def test_year_blocks_in_details_get_a_new_details_block_for_a_newer_year() -> None:
    """Years written as `<details>` / `<summary>2025</summary>` blocks, newest first: a 2026
    paper opens a new block above 2025's, closed like it, as an insertion."""
    raw = (
        b"# L\n\n## Papers\n\n<details>\n<summary>2025</summary>\n\n"
        b"- [A](https://arxiv.org/abs/2501.00001)\n\n</details>\n\n"
        b"<details>\n<summary>2024</summary>\n\n"
        b"- [B](https://arxiv.org/abs/2401.00002)\n\n</details>\n\n## Tools\n\n- [T](https://t.io)\n"
    )
    catalog = parse_catalog_bytes(raw)
    assert {e.section for e in catalog.entries if e.arxiv_id} == {
        "Papers / 2025", "Papers / 2024"
    }
    text = render_entry(list_style(catalog), fields(arxiv_id="2601.00001"), "Papers / 2026")
    new = insert_entries(catalog, [Addition("Papers / 2026", text, "2601.00001")])
    block = b"<details>\n<summary>2026</summary>\n\n" + text.encode() + b"\n\n</details>\n\n"
    assert new == raw.replace(b"<details>\n<summary>2025", block + b"<details>\n<summary>2025")
    again = parse_catalog_bytes(new)
    assert any(e.section == "Papers / 2026" for e in again.entries)


def test_the_paper_links_url_form_does_not_split_the_vote_for_the_rest_of_the_entry() -> None:
    """Four entries label their code "Code" with the paper linked four ways (abs, pdf, a
    version); three write "Repo" with one abs link. The section's form says "Code"; a new
    entry at the section's end is labelled like its nearest entries there, "Repo"."""
    catalog = read_catalog(LISTS / "link-forms.md")
    skeleton = list_style(catalog).for_section("Papers").skeleton
    assert skeleton is not None
    assert [p.text for p in skeleton.lines[0].parts][-1].startswith("[Code](")
    text = render_entry(list_style(catalog), fields(), "Papers")
    assert text == (
        "* [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " [Repo](https://github.com/n/nu)"
    )


def test_a_table_link_cell_shows_the_project_page_other_rows_show_where_they_show_it() -> None:
    """The commonest link cell is paper + code; rows with a project page show it too, after
    the code where a row shows all three. A paper without one leaves that link out."""
    catalog = read_catalog(LISTS / "table-link-cells.md")
    style = list_style(catalog)
    paper = "[[📑 Paper]](https://arxiv.org/abs/2505.09999)"
    code = "[[💻 Code]](https://github.com/n/nu)"
    page = "[[🌐 Project]](https://nu.github.io/)"
    full = render_entry(style, fields(project_url="https://nu.github.io/"), "Benchmarks")
    assert full == f"| 25.05 | Nu-R1: Reasoning Anew | {paper} {code} {page} |"
    no_page = render_entry(style, fields(), "Benchmarks")
    assert no_page == f"| 25.05 | Nu-R1: Reasoning Anew | {paper} {code} |"
    only_page = render_entry(
        style, fields(code_url=None, project_url="https://nu.github.io/"), "Benchmarks"
    )
    assert only_page == f"| 25.05 | Nu-R1: Reasoning Anew | {paper} {page} |"
    bare = render_entry(style, fields(code_url=None), "Benchmarks")
    assert bare == f"| 25.05 | Nu-R1: Reasoning Anew | {paper} |"


def test_the_separator_before_a_code_link_goes_with_it() -> None:
    """`| [Code](…)` is the code link's own: entries with and without code are written the
    same way otherwise, so a paper with code gets `| [Code💻](…)`, one without gets no `|`."""
    catalog = read_catalog(LISTS / "code-separators.md")
    style = list_style(catalog)
    head = (
        "* 25.05 [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " | [Paper📑](https://arxiv.org/abs/2505.09999)"
    )
    assert render_entry(style, fields(), "Papers") == (
        head + " | [Code💻](https://github.com/n/nu)"
    )
    assert render_entry(style, fields(code_url=None), "Papers") == head


def test_a_title_linking_a_page_the_bot_cannot_know_is_matched_by_the_paper_link() -> None:
    """A title linked to a blog post: a new entry links its title to the paper, as the list's
    other titles do (like the venue slot). A title linked to the project page the entry also
    shows is the entry's own habit, not the section's: it stays a miss."""
    catalog = read_catalog(LISTS / "title-elsewhere.md")
    result = native_check(catalog)
    assert result.total == 7
    assert [m.entry.title for m in result.misses] == ["Dipper: Dexterous In-hand Policies"]


def test_a_section_that_shows_no_code_link_writes_one_as_the_list_does() -> None:
    """The audio section's two papers have no code and no date: a new paper with code there
    keeps the section's form and shows its code link the way the rest of the list does."""
    catalog = read_catalog(LISTS / "silent-section.md")
    text = render_entry(list_style(catalog), fields(), "Audio")
    assert text == (
        "* [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " [Code💻](https://github.com/n/nu)"
    )


def test_a_venue_named_after_the_preprint_year_takes_the_lists_preprint_form() -> None:
    """`CVPR 2025.` on a paper posted in 2024: a new entry for it is a preprint, written
    `arXiv 2024.` as the list writes preprints. The venue slot takes the whole form."""
    catalog = read_catalog(LISTS / "venue-years.md")
    result = native_check(catalog)
    assert (result.native, result.total) == (5, 5), [m.diff for m in result.misses]


def test_a_last_author_whose_name_ends_in_al_is_no_et_al() -> None:
    """`*Ann One, Rishi Agarwal.*`: the stop ends the list (it is no "et al."), so the
    section writes its author lists with a final stop and no name keeps the stop."""
    catalog = read_catalog(LISTS / "authors-ending-al.md")
    text = render_entry(list_style(catalog), fields(), "Verifiers")
    assert text.split("\n")[-1] == "    *Nu Author, Xi Writer.* Preprint'25"
    result = native_check(catalog)
    assert (result.native, result.total) == (4, 4), [m.diff for m in result.misses]


def test_a_dataset_or_model_link_to_the_code_repository_is_not_the_bots_to_write() -> None:
    """`[Dataset🤗](https://github.com/…#data)`, `[Model🤗](<the code url>)`: a new paper's
    dataset or model is unknown, so no such link is written, and one is not held against
    the bot where an entry shows it."""
    catalog = read_catalog(LISTS / "dataset-on-repo.md")
    text = render_entry(list_style(catalog), fields(), "Papers")
    assert text == (
        "* 25.05 [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " | [Paper📑](https://arxiv.org/abs/2505.09999) [Code🖥️](https://github.com/n/nu)"
    )
    result = native_check(catalog)
    assert (result.native, result.total) == (5, 5), [m.diff for m in result.misses]


def test_a_parenthesis_inside_a_word_stays_in_the_title() -> None:
    """`**SE(3) Flows …**`, `Model(s)`: the parenthesis is part of the word, not a bracket
    after the title, so the whole title is read and a new entry's title is written whole."""
    catalog = read_catalog(LISTS / "paren-in-word.md")
    assert [e.title for e in catalog.entries] == [
        "SE(3) Flows for Molecule Docking",
        "What Diffusion Model(s) Remember",
        "Equivariant Denoisers on Point Clouds",
    ]
    result = native_check(catalog)
    assert (result.native, result.total) == (3, 3), [m.diff for m in result.misses]


def test_an_et_al_entry_is_no_hit_where_the_section_writes_every_name() -> None:
    """The section names every author; one entry writes `Ju Ten, Ka Eleven, Lu Twelve, et
    al.`. The bot would write the paper's every name, which the entry does not give, so
    that entry is a miss: its own cut never becomes the new entry's form."""
    catalog = read_catalog(LISTS / "etal-minority.md")
    result = native_check(catalog)
    assert result.total == 5
    assert [m.entry.title for m in result.misses] == ["Scaling Human Feedback to Many Raters"]


def test_a_title_is_found_as_whole_words_in_any_spacing() -> None:
    """find_title (the string search that replaced a regex per title) keeps its rules: whole
    words, any run of whitespace between them, the leftmost place."""
    from arxivbot.catalog.skeleton import find_title

    text = "**Flow-GRPO:  Training\nFlow** and Flow-GRPO: Training Flow"
    assert find_title(text, "Flow-GRPO: Training Flow") == (2, 27)
    assert find_title("xFlow-GRPO: Training Flow", "Flow-GRPO: Training Flow") is None
    assert find_title("Flow-GRPO: Training Flows", "Flow-GRPO: Training Flow") is None
    assert find_title("Flow-GRPO:Training Flow", "Flow-GRPO: Training Flow") is None
    assert find_title("", "A") is None
