"""Reference-style lists (``[Title][r01] (A et al., 2025)`` with ``[r01]: url`` below): a new
entry is written in the same style, with a fresh label of the list's pattern, and its
definition line is inserted after the list's last definition. Fixtures written for these
tests: ``habit_reference-numbered.md`` (4 papers, labels ``r01``-``r04`` with ``<url>``, one
non-paper definition last, no final newline), ``habit_reference-collapsed.md`` (2 papers as
``[Title][]``, definitions mid-file).
"""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from tests.catalog.insertion_property import assert_inserts_between_entries
from tests.catalog.nu_paper import nu_fields

from arxivbot.catalog.insertion import Addition, insert_entries, settle_references
from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import parse_catalog_bytes, read_catalog
from arxivbot.catalog.render import render_entry
from arxivbot.catalog.style import list_style

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"
NUMBERED = LISTS / "habit_reference-numbered.md"
COLLAPSED = LISTS / "habit_reference-collapsed.md"


def test_a_new_entry_takes_the_next_label_and_the_citation_of_its_authors() -> None:
    catalog = read_catalog(NUMBERED)
    style = list_style(catalog)
    assert render_entry(style, nu_fields(), "2025") == (
        "- [Nu-R1: Reasoning Anew][r05] (Nu Author et al., 2025)"
    )
    two = nu_fields(authors=("Nu Author", "Xi Writer"))
    assert render_entry(style, two, "2025").endswith("(Nu Author and Xi Writer, 2025)")


def test_definitions_go_after_the_last_one_each_paper_its_own_label() -> None:
    catalog = read_catalog(NUMBERED)
    style = list_style(catalog)
    texts = [
        render_entry(style, nu_fields(arxiv_id=i, title=f"Paper {i}"), "2025")
        for i in ("2505.09998", "2505.09999")
    ]
    assert {t.split("]")[1] for t in texts} == {"[r05"}  # rendered one by one: one label
    additions = [Addition("2025", t, i) for t, i in zip(texts, ("2505.09998", "2505.09999"),
                                                         strict=True)]
    settled = settle_references(catalog, additions)
    assert [a.text.split("]")[1] for a in settled] == ["[r05", "[r06"]
    out = insert_entries(catalog, additions)
    assert out.endswith(  # the list's <url> form, no title copied; no final newline, as before
        b"[home]: https://example.org/agents\n"
        b"[r05]: <https://arxiv.org/abs/2505.09998>\n"
        b"[r06]: <https://arxiv.org/abs/2505.09999>"
    )
    again = parse_catalog_bytes(out)
    assert {"2505.09998", "2505.09999"} <= {e.arxiv_id for e in again.entries}
    assert insert_entries(catalog, list(settled)) == out  # settled first: the same bytes


def test_a_collapsed_reference_list_gets_a_collapsed_reference() -> None:
    catalog = read_catalog(COLLAPSED)
    text = render_entry(list_style(catalog), nu_fields(), "")
    assert text == "* [Nu-R1: Reasoning Anew][]"
    out = insert_entries(catalog, [Addition("", text, "2505.09999")]).decode().split("\n")
    at = out.index("[Nano-Depth: Metres from Pixels]: https://arxiv.org/abs/2502.40002")
    assert out[at + 1] == "[Nu-R1: Reasoning Anew]: https://arxiv.org/abs/2505.09999"
    assert out[at + 2 :] == ["", "## Notes", "", "Written by hand.", ""]


def test_reference_entries_are_native() -> None:
    for path in (NUMBERED, COLLAPSED):
        result = native_check(read_catalog(path))
        assert (result.native, result.total) == ({NUMBERED: 4, COLLAPSED: 2}[path],) * 2


@settings(max_examples=25, deadline=None)
@given(picks=st.lists(st.integers(min_value=0, max_value=50), min_size=1, max_size=4,
                      unique=True))
def test_inserting_references_keeps_every_byte_and_every_new_paper_linked(
    picks: list[int],
) -> None:
    catalog = read_catalog(NUMBERED)
    additions = [
        Addition("2025", f"- [Paper {k}][r02] (A B et al., 2025)", f"2601.{10000 + k}")
        for k in picks
    ]  # every one with a label the list already holds
    assert_inserts_between_entries(catalog, additions)
    again = parse_catalog_bytes(insert_entries(catalog, additions))
    assert {f"2601.{10000 + k}" for k in picks} <= {e.arxiv_id for e in again.entries}
    assert {e.arxiv_id for e in catalog.entries} <= {e.arxiv_id for e in again.entries}
