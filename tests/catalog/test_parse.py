"""Reading awesome-lists: entries, fields, sections, duplicates, and refusing bad input."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from arxivbot.catalog.parse import (
    arxiv_id_from_url,
    clean_heading,
    parse_catalog,
    parse_catalog_bytes,
    read_catalog,
    tokenize,
)
from arxivbot.errors import CatalogFormatError

LISTS = Path(__file__).parents[1] / "fixtures" / "lists"


def counts(path: Path) -> dict[str, int]:
    return dict(Counter(e.section for e in read_catalog(path).entries))


def entry_at(path: Path, line: int):
    return next(e for e in read_catalog(path).entries if e.line == line)


def test_bullet_list_counts_every_entry_and_skips_prose_and_contents() -> None:
    """A bullet list's entries are all read; prose and the table of contents are not entries."""
    assert counts(LISTS / "bullets.md") == {"Papers": 6, "Benchmarks": 2, "Open-Source Projects": 2}


def test_double_bracket_crlf_list_counts_nested_sections() -> None:
    """A CRLF list with double-bracket badges is read section by nested section."""
    assert counts(LISTS / "double-brackets-crlf.md") == {
        "Vision (Image) / Papers": 4,
        "Vision (Image) / Open-Source Projects (Repository without Paper)": 1,
        "Omni / Papers": 1,
        "Agents / Papers": 1,
    }


def test_table_list_counts_rows_and_bullets() -> None:
    """A list mixing table rows and bullets reads both."""
    assert counts(LISTS / "table.md") == {"Papers": 4, "Repositories Only": 2, "Surveys": 1}


def test_numbered_and_plus_bullets_are_entries() -> None:
    """Numbered items and `+` bullets are entries like `*` and `-` bullets."""
    assert counts(LISTS / "numbered.md") == {"Papers": 3, "Tools": 2}


def test_fields_of_an_ordinary_entry() -> None:
    """An ordinary entry's date, name, title, id and links are read exactly."""
    entry = entry_at(LISTS / "bullets.md", 17)
    assert (entry.arxiv_id, entry.name, entry.date, entry.section, entry.kind) == (
        "2505.01234",
        "Alpha-R1",
        "2505",
        "Papers",
        "paper",
    )
    assert entry.title == "Alpha-R1: Reinforcing Everything"
    assert entry.links_dict == {
        "Paper": "https://arxiv.org/abs/2505.01234",
        "Model 🤗": "https://huggingface.co/a/alpha",
        "Code 💻": "https://github.com/a/alpha",
    }


def test_a_link_whose_destination_is_a_link_takes_the_real_target() -> None:
    """A link written `[Title]([shown](real))` takes the real target as the paper's link."""
    entry = entry_at(LISTS / "bullets.md", 19)
    assert entry.arxiv_id == "2504.22222"
    assert entry.links_dict["Paper"] == "https://arxiv.org/abs/2504.22222"


def test_versioned_www_http_pdf_ids_are_bare() -> None:
    """Versioned, www, http and pdf arXiv links all give the bare id."""
    assert entry_at(LISTS / "bullets.md", 21).arxiv_id == "2504.03333"
    assert entry_at(LISTS / "bullets.md", 28).arxiv_id == "2412.05555"
    assert entry_at(LISTS / "double-brackets-crlf.md", 7).arxiv_id == "2505.05470"


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2503.12937", "2503.12937"),
        ("https://arxiv.org/pdf/2411.10440v4", "2411.10440"),
        ("http://www.arxiv.org/abs/2504.02587", "2504.02587"),
        ("https://arxiv.org/pdf/2503.12937.pdf", "2503.12937"),
        ("https://huggingface.co/papers/2503.01785", "2503.01785"),
        ("https://arxiv.org/abs/cs/0101001v2", "cs/0101001"),
        ("https://github.com/a/b/blob/main/paper.pdf", None),
        ("https://arxiv.org/list/cs.CV/recent", None),
    ],
)
def test_arxiv_ids_from_links(url: str, expected: str | None) -> None:
    """The catalog's arXiv ids are the ids its entries link."""
    assert arxiv_id_from_url(url) == expected


def test_paper_hosted_on_github_and_entry_without_link_have_no_id() -> None:
    """A paper hosted on GitHub and an entry without a link have no arXiv id."""
    delta = entry_at(LISTS / "bullets.md", 23)
    assert delta.arxiv_id is None
    assert delta.links_dict["Paper"] == "https://github.com/d/delta/blob/main/delta.pdf"
    eta = entry_at(LISTS / "bullets.md", 32)
    assert (eta.arxiv_id, eta.title, eta.name, eta.kind) == (
        None,
        "Eta: A Benchmark With No Paper Link",
        "Eta-Bench",
        "benchmark",
    )


def test_wrapped_entries_span_their_lines() -> None:
    """An entry wrapped onto indented lines is one entry spanning them."""
    epsilon = entry_at(LISTS / "bullets.md", 25)
    assert epsilon.end_line == 26
    assert epsilon.links_dict["Dataset 🤗"] == "https://huggingface.co/datasets/e/eps"
    dance = entry_at(LISTS / "double-brackets-crlf.md", 9)
    assert dance.end_line == 10
    assert "\r" not in dance.raw


def test_project_entries_show_their_name() -> None:
    """A project entry is named by its link label without emoji."""
    theta = entry_at(LISTS / "bullets.md", 38)
    assert (theta.kind, theta.name, theta.arxiv_id) == ("project", "Theta", None)


def test_mis_encoded_emoji_and_stray_bytes_survive() -> None:
    """Mis-encoded emoji and stray bytes survive reading, byte for byte."""
    path = LISTS / "double-brackets-crlf.md"
    catalog = read_catalog(path)
    assert catalog.raw == path.read_bytes()
    flow = entry_at(path, 7)
    code_label = next(label for label, _url in flow.links if label.startswith("Code"))
    assert code_label == "Code " + "💻".encode().decode("cp1254", "ignore")
    assert code_label.encode("utf-8") in catalog.raw
    cafe = entry_at(path, 12)
    assert cafe.title.encode("utf-8", "surrogateescape").startswith(b"Caf\xe9:")


def test_table_rows_read_dates_titles_repositories_and_hugging_face_ids() -> None:
    """Table rows give their date, title, repository and Hugging Face paper id by column."""
    path = LISTS / "table.md"
    rows = [e for e in read_catalog(path).entries if e.section == "Papers"]
    assert [e.date for e in rows] == ["Mar 18, 2025", "Mar 10, 2025", "Mar 4, 2025", "Feb 27, 2025"]
    assert rows[2].arxiv_id == "2503.01785"
    assert rows[2].links_dict["Paper"] == "https://huggingface.co/papers/2503.01785"
    assert rows[0].links_dict["Github"] == "https://github.com/t/perception"
    assert rows[3].links_dict == {"Paper": "https://arxiv.org/abs/2502.19634"}
    survey = entry_at(path, 18)
    assert (survey.kind, survey.arxiv_id) == ("survey", "2503.14504")


def test_bold_title_entries_take_the_id_from_the_paper_badge() -> None:
    """An entry with a bold plain title takes its id from its paper badge."""
    omega = entry_at(LISTS / "numbered.md", 5)
    assert (omega.title, omega.arxiv_id, omega.kind) == (
        "Omega: Bold Titles",
        "2505.07777",
        "paper",
    )


def test_duplicates_across_sections_report_both_lines() -> None:
    """A paper listed in two sections is a duplicate reported with both lines."""
    groups = read_catalog(LISTS / "bullets.md").duplicates
    assert [[e.line for e in g] for g in groups] == [[17, 34]]


def test_duplicates_by_title_when_there_is_no_id() -> None:
    """Without an arXiv id, entries with the same normalised title are duplicates."""
    text = (
        "## A\n\n- [Same Tool](https://github.com/a/x)\n- [Same  tool!](https://github.com/b/x)\n"
    )
    groups = parse_catalog(text).duplicates
    assert [[e.line for e in g] for g in groups] == [[3, 4]]


def test_sections_carry_paths_levels_and_kinds() -> None:
    """Sections carry their heading path, level, line and kind."""
    catalog = read_catalog(LISTS / "double-brackets-crlf.md")
    by_path = {s.path: s for s in catalog.sections}
    assert by_path["Vision (Image) / Papers"].level == 3
    assert by_path["Vision (Image) / Open-Source Projects (Repository without Paper)"].kind == (
        "project"
    )
    assert by_path["Empty Section"].kind == "other"
    assert [s.path for s in catalog.paper_sections()] == [
        "Vision (Image) / Papers",
        "Omni / Papers",
        "Agents / Papers",
    ]
    assert "2503.05379" in catalog.arxiv_ids


@pytest.mark.parametrize(
    ("heading", "clean"),
    [
        ("Papers📄", "Papers"),
        ("Vision (Image)" + "👀".encode().decode("cp1254", "ignore") + " ", "Vision (Image)"),
        ("Omni" + "☺️".encode().decode("cp1252", "ignore"), "Omni"),
        ("📄 Papers ##", "Papers"),
        ("Café **papers**", "Café papers"),
    ],
)
def test_clean_heading(heading: str, clean: str) -> None:
    """Heading titles lose emoji, Markdown decoration and closing hashes."""
    assert clean_heading(heading) == clean


def test_tokenize_keeps_every_character() -> None:
    """Joining the tokens' gaps and raw text gives the entry's text back exactly."""
    content = "[2503] [A] [T]([x](https://arxiv.org/abs/1)) (U)  [[C 💻](u)] ![i](s) tail  "
    tokens = tokenize(content)
    assert "".join(t.gap + t.raw for t in tokens) == content
    assert [t.kind for t in tokens if t.raw] == [
        "bracket",
        "bracket",
        "link",
        "paren",
        "dlink",
        "image",
        "text",
    ]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.md", b"", "the file is empty"),
        ("blank.md", b"  \n\n", "the file is empty"),
        ("binary.md", bytes(range(256)) * 4, "binary file"),
        ("garbage.md", b"\xff\xfe\x80\x81" * 200, "binary file"),
    ],
)
def test_bad_content_is_one_clear_error(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    """Empty, binary or entry-less content is one clear CatalogFormatError."""
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CatalogFormatError, match=message) as info:
        read_catalog(path)
    assert str(path) in str(info.value)
    assert "\n" not in str(info.value)


def test_missing_path_folder_and_not_a_list(tmp_path: Path) -> None:
    """A missing path, a folder and a file that is no list each give one clear error."""
    with pytest.raises(CatalogFormatError, match="no such file"):
        read_catalog(tmp_path / "nope.md")
    with pytest.raises(CatalogFormatError, match="is a folder"):
        read_catalog(tmp_path)
    with pytest.raises(CatalogFormatError, match="found no list entries") as info:
        read_catalog(LISTS / "not-a-list.md")
    assert "not-a-list.md" in str(info.value)


def test_parse_catalog_bytes_keeps_the_bytes() -> None:
    """A catalog parsed from bytes keeps those exact bytes for insertion."""
    raw = (LISTS / "table.md").read_bytes()
    catalog = parse_catalog_bytes(raw, "repo:README.md")
    assert catalog.raw == raw
    assert catalog.source == "repo:README.md"


# -- the command line ---------------------------------------------------------------------------


def run_cli(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    from arxivbot.cli import main

    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_summary(capsys: pytest.CaptureFixture[str]) -> None:
    """`arxivbot catalog` prints sections, counts, arXiv coverage, duplicates and the style."""
    code, out, _ = run_cli(["catalog", str(LISTS / "bullets.md")], capsys)
    assert code == 0
    assert "10 entries in 3 sections" in out
    assert "Papers" in out
    assert "Benchmarks" in out
    assert "2505.01234: line 17 (Papers), line 34 (Benchmarks)" in out


def test_cli_json_one_object_per_entry(capsys: pytest.CaptureFixture[str]) -> None:
    """`arxivbot catalog --json` prints one JSON object per entry."""
    code, out, _ = run_cli(["catalog", str(LISTS / "double-brackets-crlf.md"), "--json"], capsys)
    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert len(records) == 7
    assert set(records[0]) >= {
        "arxiv_id",
        "title",
        "name",
        "date",
        "section",
        "kind",
        "links",
        "line",
    }
    assert records[0]["section"] == "Vision (Image) / Papers"
    assert records[2]["title"].startswith("Caf\udce9")  # the stray byte, escaped, not lost


def test_cli_check_style(capsys: pytest.CaptureFixture[str]) -> None:
    """`arxivbot catalog --check-style` prints the round-trip figures."""
    code, out, _ = run_cli(["catalog", str(LISTS / "bullets.md"), "--check-style"], capsys)
    assert code == 0
    assert out.splitlines()[0] == "round-trip: 9/10 entries identical (90%)"
    assert "+* [2504] [Beta]" in out  # the nested link is the one that cannot come back


def test_cli_default_is_the_bundled_example(capsys: pytest.CaptureFixture[str]) -> None:
    """Without a path, `arxivbot catalog` reads the example list shipped with arxivbot."""
    code, out, _ = run_cli(["catalog"], capsys)
    assert code == 0
    assert "awesome-example.md: 9 entries in 3 sections" in out


def test_cli_bad_input_is_one_line_and_non_zero(capsys: pytest.CaptureFixture[str]) -> None:
    """A bad list gives one error line and a non-zero exit, never a traceback."""
    code, out, err = run_cli(["catalog", str(LISTS / "not-a-list.md")], capsys)
    assert code == CatalogFormatError.exit_code
    assert err.count("\n") == 1
    assert err.startswith("Error: ")
    assert "Traceback" not in err + out


def test_other_shapes_bold_links_setext_headings_text_titles_and_bold_tables() -> None:
    """Bold links, setext headings, plain-text titles and bold table titles are all read."""
    catalog = read_catalog(LISTS / "other-shapes.md")
    assert dict(Counter(e.section for e in catalog.entries)) == {
        "Setext Papers": 2,
        "Badged": 2,
        "Table": 2,
    }
    alpha, _, gamma, _, epsilon, _ = catalog.entries
    assert (alpha.title, alpha.arxiv_id, alpha.links_dict["code"]) == (
        "Alpha: One",
        "2401.00001",
        "https://github.com/a/a",
    )
    assert (gamma.title, gamma.arxiv_id) == ("Gamma: Three.", "2311.00003")
    assert (epsilon.title, epsilon.date, epsilon.arxiv_id) == (
        "Epsilon: Five",
        "2024-01-02",
        "2401.00005",
    )


def test_a_heading_that_opens_with_papers_takes_papers() -> None:
    """"Papers and Projects" holds papers; "Open-Source Projects (no paper)" does not."""
    catalog = read_catalog(LISTS / "papers-and-projects.md")
    by_path = {s.path: s.kind for s in catalog.sections}
    assert by_path["Papers and Projects / Image"] == "paper"
    assert by_path["Open-Source Projects (no paper)"] == "project"
    assert [s.path for s in catalog.paper_sections()] == ["Papers and Projects / Image"]


def test_entries_after_a_closing_details_are_back_in_the_section_around_it() -> None:
    """A `<details><summary>` block is a section up to its `</details>`, not beyond."""
    catalog = read_catalog(LISTS / "details-close.md")
    by_title = {e.title.split(":")[0]: e.section for e in catalog.entries}
    assert by_title == {
        "Swift": "Papers / 2024",
        "Teal": "Papers",
        "Urial": "Papers",
        "wren-kit": "Tools",
    }
