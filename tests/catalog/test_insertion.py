"""Inserting entries adds whole lines only, where the list's order puts them."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from arxivbot.catalog.insertion import Addition, apply_splices, insert_entries, plan_insertions
from arxivbot.catalog.parse import Catalog, parse_catalog_bytes, read_catalog
from arxivbot.catalog.render import EntryFields, render_entry
from arxivbot.catalog.style import list_style
from arxivbot.errors import CatalogFormatError

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
FIXTURES = (
    "bullets.md", "double-brackets-crlf.md", "table.md", "numbered.md", "other-shapes.md",
    "paragraphs.md", "heading-entries.md", "numbered-blank.md", "labelled-links.md",
    "html-sections.md",
)


def lines_of(raw: bytes) -> list[bytes]:
    return raw.splitlines(keepends=True)


def assert_only_insertions(catalog: Catalog, additions: list[Addition]) -> bytes:
    """The property: whole lines are added, and taking them out gives the original bytes."""
    splices = plan_insertions(catalog, additions)
    new = insert_entries(catalog, additions)
    assert new == apply_splices(catalog.raw, splices)
    raw = catalog.raw
    for splice in splices:  # every insertion sits at a line boundary
        assert (
            splice.offset == 0
            or raw[splice.offset - 1 : splice.offset] == b"\n"
            or (splice.offset == len(raw))
        )
    # Remove the inserted bytes again: the original comes back exactly.
    restored, shift = bytearray(new), 0
    for splice in sorted(splices, key=lambda s: s.offset):
        start = splice.offset + shift
        assert restored[start : start + len(splice.data)] == splice.data
        del restored[start : start + len(splice.data)]
    assert bytes(restored) == raw
    # Independently of the splices: a line diff shows insertions only.
    matcher = difflib.SequenceMatcher(None, lines_of(raw), lines_of(new), autojunk=False)
    ops = {op for op, *_ in matcher.get_opcodes()}
    if not raw.endswith(b"\n"):  # the last line gains its newline when lines follow it
        ops.discard("replace")
    assert ops <= {"equal", "insert"}
    # Every entry is there as lines of its own.
    def numberless(line: bytes) -> bytes:  # a numbered entry takes the list's numbering
        return re.sub(rb"^(\s*)\d{1,9}([.)]\s)", rb"\g<1>1\2", line)

    new_lines = {numberless(line.rstrip(b"\r\n")) for line in lines_of(new)}
    for addition in additions:
        for line in addition.text.split("\n"):
            assert numberless(line.encode("utf-8", "surrogateescape")) in new_lines
    return new


def assert_nothing_split(catalog: Catalog, new: bytes) -> None:
    """Read again, every existing entry is still one entry, whole (no line slipped into it)."""
    again = {e.raw for e in parse_catalog_bytes(new, catalog.source).entries}
    for entry in catalog.entries:
        assert entry.raw in again, entry.raw


def test_newest_entry_goes_first_with_the_lists_blank_line() -> None:
    """In a newest-first section a newer paper goes on top, with the list's blank separator line."""
    catalog = read_catalog(LISTS / "bullets.md")
    new = assert_only_insertions(catalog, [Addition("Papers", "* [2505] [New] x", "2505.09999")])
    lines = new.decode().split("\n")
    assert lines[16:19] == ["* [2505] [New] x", "", catalog.entries[0].raw]


def test_an_older_entry_goes_between_its_neighbours() -> None:
    """An older paper goes between the entries just newer and just older than it."""
    catalog = read_catalog(LISTS / "bullets.md")
    new = assert_only_insertions(catalog, [Addition("Papers", "* [2502] [Old] y", "2502.00001")])
    lines = new.decode().split("\n")
    at = lines.index("* [2502] [Old] y")
    assert lines[at - 2].startswith(" [Dataset")  # after the wrapped Epsilon entry
    assert lines[at + 2].startswith("* [2501] [Zeta]")


def test_several_entries_for_one_spot_keep_the_lists_order() -> None:
    """Several new entries for one spot are written in the section's own date order."""
    catalog = read_catalog(LISTS / "bullets.md")
    additions = [
        Addition("Papers", "* [2506] [A]", "2506.00001"),
        Addition("Papers", "* [2507] [B]", "2507.00001"),
    ]
    lines = assert_only_insertions(catalog, additions).decode().split("\n")
    assert lines[16:20] == ["* [2507] [B]", "", "* [2506] [A]", ""]


def test_crlf_lists_get_crlf_lines() -> None:
    """A list with CRLF line endings gets its new lines with CRLF too."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    new = assert_only_insertions(
        catalog, [Addition("Vision (Image) / Papers", "* [2506] [Crlf] z", "2506.00001")]
    )
    assert b"\r\n* [2506] [Crlf] z\r\n\r\n* [2505] [Flow-GRPO" in new
    assert new.count(b"\n") == new.count(b"\r\n")


def test_a_file_without_final_newline_keeps_working() -> None:
    """A list whose last line has no newline still takes new entries and keeps that shape."""
    catalog = read_catalog(LISTS / "table.md")
    new = assert_only_insertions(catalog, [Addition("Surveys", "- [S](https://x)", "2505.00001")])
    assert new == catalog.raw + b"\n- [S](https://x)"


def test_table_rows_go_in_date_order_without_blank_lines() -> None:
    """New table rows go in the table's date order with no blank line inside the table."""
    catalog = read_catalog(LISTS / "table.md")
    row = "| Mar 12, 2025   | [T](https://arxiv.org/abs/2503.08888) | - |"
    lines = (
        assert_only_insertions(catalog, [Addition("Papers", row, "2025-03-12")])
        .decode()
        .split("\n")
    )
    assert lines[6].startswith("| Mar 18, 2025")
    assert lines[7] == row
    assert lines[8].startswith("| Mar 10, 2025")


def test_an_empty_section_takes_the_entry_under_its_heading() -> None:
    """A section without entries takes a new entry right under its heading."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    new = assert_only_insertions(catalog, [Addition("Empty Section", "* [2505] [E]", "2505.00001")])
    heading = next(s for s in catalog.sections if s.path == "Empty Section")
    lines = new.split(b"\r\n")
    assert lines[heading.line : heading.line + 2] == [b"", b"* [2505] [E]"]


def test_unknown_section_is_a_clear_error() -> None:
    """Adding to a section the list does not have is one clear error naming its headings."""
    catalog = read_catalog(LISTS / "bullets.md")
    with pytest.raises(CatalogFormatError, match="no section 'Nope'"):
        insert_entries(catalog, [Addition("Nope", "* x", "2505.00001")])


def test_an_entry_is_lines_of_text_without_carriage_returns() -> None:
    """A new entry may span lines (joined by \\n, written with the file's line ending), but a
    carriage return, an empty entry or a run of blank lines inside it is refused."""
    catalog = read_catalog(LISTS / "bullets.md")
    for text in ("* a\r\n  b", "", "* a\n\n\n  b"):
        with pytest.raises(ValueError, match="lines of text"):
            insert_entries(catalog, [Addition("Papers", text, "2505.00001")])
    assert_only_insertions(catalog, [Addition("Papers", "* [A](u)\n  - Ann Author", "2505.00001")])


# -- properties ---------------------------------------------------------------------------------

ids = st.builds(
    "{:02d}{:02d}.{:05d}".format,
    st.integers(20, 26),
    st.integers(1, 12),
    st.integers(1, 99999),
)
line_text = st.text(
    st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp")), min_size=1, max_size=40
).filter(lambda s: s.strip() == s and bool(s))
entry_text = st.one_of(  # one line, or a title line with an indented authors line
    line_text.map(lambda s: "* " + s),
    st.tuples(line_text, line_text).map(lambda ab: f"* {ab[0]}\n  - {ab[1]}"),
)


def additions_for(catalog: Catalog) -> st.SearchStrategy[list[Addition]]:
    sections = sorted({e.section for e in catalog.entries})
    return st.lists(
        st.builds(Addition, st.sampled_from(sections), entry_text, ids), min_size=1, max_size=5
    )


@pytest.mark.parametrize("name", FIXTURES)
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_removing_inserted_lines_gives_the_fixture_back(name: str, data: st.DataObject) -> None:
    """On every fixture, removing the inserted lines gives the original bytes back."""
    catalog = read_catalog(LISTS / name)
    assert_only_insertions(catalog, data.draw(additions_for(catalog)))


# Generated lists: sections of bullet entries with random bullets, separators, line endings,
# badge labels (mojibake included), trailing spaces and a final newline or none.
label = st.sampled_from(["Code 💻", "Code ðŸ’»", "Code ğŸ’»", "GitHub", "Project 🌐"])


@st.composite
def generated_list(draw: st.DrawFn) -> bytes:
    eol = draw(st.sampled_from(["\n", "\r\n"]))
    bullet = draw(st.sampled_from(["*", "-", "+"]))
    blank = draw(st.sampled_from([[], [""], ["  "]]))
    decorate = draw(st.booleans())
    out = ["# A generated list", ""]
    for s in range(draw(st.integers(1, 3))):
        out += [f"## Section {s}", ""]
        for _ in range(draw(st.integers(1, 5))):
            arxiv = draw(ids)
            badge = f"[{draw(label)}](https://github.com/x/{arxiv})"
            badge = f"[{badge}]" if decorate else badge
            trailing = draw(st.sampled_from(["", " ", "  "]))
            out.append(
                f"{bullet} [{arxiv[:4]}] [N] [Title {arxiv}](https://arxiv.org/abs/{arxiv}) "
                f"{badge}{trailing}"
            )
            out += blank
        out.append("")
    text = eol.join(out)
    if draw(st.booleans()):
        text = text.rstrip("\r\n ")
    return text.encode("utf-8")


@settings(max_examples=60, deadline=None)
@given(data=st.data(), raw=generated_list())
def test_removing_inserted_lines_gives_a_generated_list_back(
    data: st.DataObject, raw: bytes
) -> None:
    """On generated lists, removing the inserted lines gives the original bytes back."""
    catalog = parse_catalog_bytes(raw, "generated.md")
    assert catalog.raw == raw
    assert_only_insertions(catalog, data.draw(additions_for(catalog)))


def test_seed_lists_property(shared: Path) -> None:
    """Every seed list, one insertion per section holding entries, takes nothing away."""
    for path in sorted((shared / "seeds").glob("*.txt")):
        catalog = read_catalog(path)
        sections = sorted({e.section for e in catalog.entries})
        additions = [
            Addition(section, f"* [2506] [Seed {i}] t", f"2506.{i:05d}")
            for i, section in enumerate(sections)
        ]
        assert_only_insertions(catalog, additions)


rendered_fields = st.builds(
    EntryFields,
    arxiv_id=ids,
    title=line_text,
    date=st.dates(dt.date(2020, 1, 1), dt.date(2026, 12, 31)),
    name=st.one_of(st.none(), line_text),
    code_url=st.sampled_from([None, "https://github.com/n/nu"]),
    authors=st.lists(line_text, max_size=3).map(tuple),
)


@pytest.mark.parametrize("name", FIXTURES)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=st.data())
def test_new_entries_as_rendered_are_inserted_whole_and_split_nothing(
    name: str, data: st.DataObject
) -> None:
    """Entries the style renders (any lines, any section) insert as whole entries only."""
    catalog = read_catalog(LISTS / name)
    style = list_style(catalog)
    sections = sorted({e.section for e in catalog.entries})
    additions = []
    for _ in range(data.draw(st.integers(1, 3))):
        fields = data.draw(rendered_fields)
        section = data.draw(st.sampled_from(sections))
        text = render_entry(style, fields, section)
        additions.append(Addition(section, text, fields.arxiv_id))
    assert_nothing_split(catalog, assert_only_insertions(catalog, additions))
