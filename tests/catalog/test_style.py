"""Style inference, rendering new entries in a list's own style, and the round-trip check."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import jinja2
import pytest

from arxivbot.catalog.parse import parse_catalog, read_catalog
from arxivbot.catalog.render import (
    EntryFields,
    check_style,
    entry_template,
    format_date,
    render_entry,
)
from arxivbot.catalog.style import list_style
from arxivbot.errors import CatalogFormatError

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
CODE_MOJIBAKE = "Code " + "💻".encode().decode("cp1254", "ignore")
PROJECT_MOJIBAKE = "Project " + "🌐".encode().decode("cp1254", "ignore")


def fields(**changes: object) -> EntryFields:
    base: dict[str, object] = {
        "arxiv_id": "2505.09999",
        "title": "Nu-R1: Reasoning Anew",
        "date": dt.date(2025, 5, 20),
        "name": "Nu-R1",
        "code_url": "https://github.com/n/nu",
    }
    base.update(changes)
    return EntryFields(**base)  # type: ignore[arg-type]


def test_bullet_style_is_learnt_from_the_list() -> None:
    """A bullet list's marker, lead slots, date form, badges and order are learnt from it."""
    style = list_style(read_catalog(LISTS / "bullets.md")).for_section("Papers")
    assert style.shape == "bullet"
    assert style.marker == "* "
    assert style.lead == ("date", "name", "title")
    assert style.date_form == "yymm"
    assert (style.badge_open, style.badge_close) == ("", "")
    assert style.badges == (("project", "Project 🌐"), ("code", "Code 💻"))
    assert style.paper_url == "https://arxiv.org/abs/{id}"
    assert style.separator == ("",)
    assert style.order == "newest-first"


def test_double_bracket_badges_keep_their_mojibake_bytes_and_crlf() -> None:
    """Double-bracket badge labels keep their mojibake bytes and the list its CRLF endings."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    style = list_style(catalog).for_section("Vision (Image) / Papers")
    assert (style.badge_open, style.badge_close) == ("[", "]")
    assert dict(style.badges)["code"] == CODE_MOJIBAKE
    assert list_style(catalog).eol == "\r\n"


def test_table_style_is_learnt_from_the_rows() -> None:
    """A table's columns, roles, widths, padding and placeholder are learnt from its rows."""
    style = list_style(read_catalog(LISTS / "table.md")).for_section("Papers")
    assert style.shape == "table"
    assert style.roles == ("date", "title", "code")
    assert style.widths == (16, 70, 43)
    assert style.padded
    assert (style.placeholder, style.placeholder_padded) == ("-", False)
    assert style.date_form == "mon d, yyyy"
    assert dict(style.cell_labels)["code"] == "GitHub"
    assert style.separator == ()


def test_a_one_entry_section_borrows_the_lists_habits() -> None:
    """A section with one entry borrows the list's order and separator habits."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    style = list_style(catalog).for_section("Agents / Papers")
    assert style.order == "newest-first"
    assert style.separator == ("",)
    assert dict(style.badges)["project"] == PROJECT_MOJIBAKE


def test_render_a_new_entry_in_a_bullet_list() -> None:
    """A new entry in a bullet list is written in the list's exact style."""
    style = list_style(read_catalog(LISTS / "bullets.md"))
    assert render_entry(style, fields(), "Papers") == (
        "* [2505] [Nu-R1] [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        " [Code 💻](https://github.com/n/nu)"
    )


def test_badges_only_where_the_url_is_known_in_the_lists_order() -> None:
    """Badges are written only for links the paper has, in the list's badge order."""
    style = list_style(read_catalog(LISTS / "bullets.md"))
    bare = render_entry(style, fields(code_url=None), "Papers")
    assert bare == "* [2505] [Nu-R1] [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
    both = render_entry(style, fields(project_url="https://nu.io"), "Papers")
    assert both.endswith("[Project 🌐](https://nu.io) [Code 💻](https://github.com/n/nu)")


def test_render_in_a_double_bracket_mojibake_list() -> None:
    """A new entry in a double-bracket list carries the list's mojibake badge label."""
    style = list_style(read_catalog(LISTS / "double-brackets-crlf.md"))
    line = render_entry(style, fields(), "Vision (Image) / Papers")
    assert line == (
        "* [2505] [Nu-R1] [Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)"
        f" [[{CODE_MOJIBAKE}](https://github.com/n/nu)]"
    )


def test_render_a_table_row_with_padding_placeholder_and_escaped_pipe() -> None:
    """A new table row is padded like the table, uses its placeholder and escapes pipes."""
    style = list_style(read_catalog(LISTS / "table.md"))
    row = render_entry(style, fields(title="Nu | R1", code_url=None), "Papers")
    title_cell = "[Nu \\| R1](https://arxiv.org/abs/2505.09999)".ljust(70 - 2)
    assert row == f"| May 20, 2025   | {title_cell} | - |"
    with_code = render_entry(style, fields(title="Nu"), "Papers")
    assert with_code.endswith("| [GitHub](https://github.com/n/nu)" + " " * 9 + "|")


def test_render_bold_title_lists_put_the_paper_in_a_badge() -> None:
    """Where titles are bold plain text, the new entry's paper link goes in a badge."""
    style = list_style(read_catalog(LISTS / "numbered.md"))
    assert render_entry(style, fields(), "Papers") == (
        "1. **Nu-R1: Reasoning Anew** [[Paper](https://arxiv.org/abs/2505.09999)]"
        " [[Code](https://github.com/n/nu)]"
    )


def test_text_is_collapsed_onto_one_line_and_a_missing_name_is_derived() -> None:
    """A title's line breaks are collapsed and a missing short name is derived from the title."""
    style = list_style(read_catalog(LISTS / "bullets.md"))
    line = render_entry(style, fields(title="Xi-VL:\n  Looking   Twice", name=None), "Papers")
    assert line.startswith("* [2505] [Xi-VL] [Xi-VL: Looking Twice](")
    assert "\n" not in line


def test_yymm_follows_the_arxiv_id() -> None:
    """A YYMM date follows the arXiv id's own month, else the date given."""
    assert format_date("yymm", dt.date(2025, 5, 1), "2504.30000") == "2504"
    assert format_date("yymm", dt.date(2025, 5, 1), None) == "2505"
    assert format_date("mon d, yyyy", dt.date(2025, 3, 9)) == "Mar 9, 2025"
    assert format_date("yyyy-mm-dd", dt.date(2025, 3, 9)) == "2025-03-09"


def test_a_rendered_entry_reads_back_as_the_same_fields() -> None:
    """A rendered new entry parses back to the fields it was rendered from."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    line = render_entry(list_style(catalog), fields(), "Vision (Image) / Papers")
    reread = parse_catalog(f"## Papers\n\n{line}\n").entries[0]
    assert (reread.arxiv_id, reread.name, reread.date, reread.title) == (
        "2505.09999",
        "Nu-R1",
        "2505",
        "Nu-R1: Reasoning Anew",
    )
    assert reread.links_dict[CODE_MOJIBAKE] == "https://github.com/n/nu"


def test_entry_template_is_jinja_source() -> None:
    """The inferred style is expressed as jinja source a maintainer can copy and edit."""
    style = list_style(read_catalog(LISTS / "bullets.md"))
    source = entry_template(style, "Papers")
    assert "[{{ date }}]" in source
    assert "[{{ title }}]" in source
    jinja2.Environment().parse(source)  # valid jinja2


@pytest.mark.parametrize(
    ("name", "identical", "total"),
    [
        ("bullets.md", 9, 10),  # the link whose destination is itself a link cannot come back
        ("double-brackets-crlf.md", 7, 7),
        ("table.md", 7, 7),
        ("numbered.md", 5, 5),
    ],
)
def test_round_trip_on_fixtures(name: str, identical: int, total: int) -> None:
    """The inferred style re-renders every fixture entry byte for byte."""
    result = check_style(read_catalog(LISTS / name))
    assert (result.identical, result.total) == (identical, total)
    assert result.summary() == (
        f"round-trip: {identical}/{total} entries identical ({identical / total:.0%})"
    )


def test_round_trip_reports_a_diff_for_what_differs() -> None:
    """An entry the style cannot reproduce is reported with a diff."""
    result = check_style(read_catalog(LISTS / "bullets.md"))
    (only,) = result.diffs
    assert only.entry.line == 19
    assert "-* [2504] [Beta]" in only.diff
    assert (
        "+* [2504] [Beta] [Beta: A Paper Whose Link Is a Link](https://arxiv.org/abs/2504.22222)"
        in (only.diff)
    )


def test_round_trip_notices_a_wrong_style() -> None:
    # Two entries decorate their link [[...]], one does not: the odd one shows up.
    """A wrong style shows up as round-trip diffs."""
    text = (
        "## P\n\n* [[A](https://github.com/a)] x\n"
        "* [[B](https://github.com/b)] y\n* [C](https://github.com/c) z\n"
    )
    result = check_style(parse_catalog(text))
    assert (result.identical, result.total) == (2, 3)


def test_a_template_override_from_config(tmp_path: Path) -> None:
    """A template override from config is used instead of the inferred template."""
    override = tmp_path / "entry.j2"
    override.write_text(
        "- {{ title }} ({{ paper_url }}){% if code_url %} [code]({{ code_url }}){% endif %}\n"
    )
    style = list_style(read_catalog(LISTS / "bullets.md"))
    line = render_entry(style, fields(), "Papers", template_override=override)
    assert (
        line
        == "- Nu-R1: Reasoning Anew (https://arxiv.org/abs/2505.09999) [code](https://github.com/n/nu)"
    )
    with pytest.raises(CatalogFormatError, match="entry template"):
        render_entry(style, fields(), "Papers", template_override=tmp_path / "missing.j2")


def test_other_shapes_render_in_their_own_style() -> None:
    """Bold-link, badge and unpadded-table sections each render new entries in their own style."""
    catalog = read_catalog(LISTS / "other-shapes.md")
    assert check_style(catalog).identical == len(catalog.entries)
    assert render_entry(list_style(catalog), fields(), "Setext Papers") == (
        "- **[Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)**"
        " [[code](https://github.com/n/nu)]"
    )
    assert render_entry(list_style(catalog), fields(code_url=None), "Badged") == (
        "* Nu-R1: Reasoning Anew. [[Paper]](https://arxiv.org/abs/2505.09999)"  # as "Three."
    )
    # An unpadded table stays unpadded; an unknown venue is an empty cell, not the "-".
    assert render_entry(list_style(catalog), fields(), "Table") == (
        "| **[Nu-R1: Reasoning Anew](https://arxiv.org/abs/2505.09999)** |  | 2025-05-20 |"
        " [Github](https://github.com/n/nu) |"
    )
