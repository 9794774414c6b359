"""The three real awesome-lists in ../shared/seeds: every entry read, every style round-tripped.

The counts were made by reading each file by eye (and cross-checked with grep); they skip
cleanly when ../shared is absent.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from arxivbot.catalog.parse import Catalog, read_catalog
from arxivbot.catalog.render import check_style
from arxivbot.catalog.style import list_style

SEEDS = {
    "000_187c482135ca83e4.txt": {
        "Papers": 22,
        "Benchmarks": 4,
        "Open-Source Projects": 15,
    },
    "001_6f30e543fcd0e480.txt": {
        "Vision (Image) / Papers": 41,
        "Vision (Image) / Open-Source Projects (Repository without Paper)": 9,
        "Vision (Video) / Papers": 7,
        "Vision (Video) / Open-Source Projects (Repository without Paper)": 3,
        "Medical Vision / Papers": 3,
        "Embodied Vision / Papers": 2,
        "Multimodal Reward Model / Papers": 3,
        "Audio / Papers": 3,
        "Omni / Papers": 2,
        "GUI / Papers": 3,
        "Framework / Open-Source Project (Repository without Paper)": 1,
        "Metaverse / Paper": 1,
        "Agents / Open-Source Project (Repository without Paper)": 1,
    },
    "002_f1ec07a54c7dfe63.txt": {
        "Papers": 12,
        "Repositories Only": 3,
        "Surveys": 1,
    },
}
# Papers (non-project entries) without an arXiv link: GitHub PDFs and the one with no link.
WITHOUT_ARXIV = {
    "000_187c482135ca83e4.txt": 3,  # Skywork R1V, MM-Eureka (GitHub PDFs); V1 (no link)
    "001_6f30e543fcd0e480.txt": 3,  # Skywork R1V, VLAA-Thinking, MM-Eureka (GitHub PDFs)
    "002_f1ec07a54c7dfe63.txt": 0,
}


def seed(shared: Path, name: str) -> Catalog:
    return read_catalog(shared / "seeds" / name)


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_every_entry_of_each_section_is_read(shared: Path, name: str) -> None:
    """Every seed list's entries are all read, section by section, against the hand counts."""
    catalog = seed(shared, name)
    assert dict(Counter(e.section for e in catalog.entries)) == SEEDS[name]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_papers_with_and_without_arxiv_links(shared: Path, name: str) -> None:
    """Each seed's papers split into those with and without an arXiv link, as counted by hand."""
    papers = [e for e in seed(shared, name).entries if e.kind != "project"]
    assert sum(1 for e in papers if e.arxiv_id is None) == WITHOUT_ARXIV[name]


@pytest.mark.parametrize("name", sorted(SEEDS))
def test_check_style_reaches_95_percent(shared: Path, name: str) -> None:
    """The inferred style re-renders at least 95% of every seed's entries byte for byte."""
    result = check_style(seed(shared, name))
    assert result.total == sum(SEEDS[name].values())
    assert result.rate >= 0.95, "\n".join(d.diff for d in result.diffs)


def test_000_quirks(shared: Path) -> None:
    """Seed 000's quirks (a link inside a link, wrapped entries) are read as the list means them."""
    catalog = seed(shared, "000_187c482135ca83e4.txt")
    by_name = {e.name: e for e in catalog.entries}
    # [Title]([https://arxiv.org/pdf/2503.12937](https://arxiv.org/abs/2503.17352)): real target
    assert by_name["OpenVLThinker"].arxiv_id == "2503.17352"
    assert by_name["R1-VL"].arxiv_id == "2503.12937"
    assert by_name["LLaVA-CoT"].arxiv_id == "2411.10440"  # written 2411.10440v4
    assert by_name["V1-33K"].arxiv_id is None
    assert by_name["V1-33K"].kind == "benchmark"
    video = by_name["Video-R1"]
    assert (video.kind, video.end_line - video.line) == ("project", 1)
    assert video.links_dict["Dataset 🤗"] == "https://huggingface.co/datasets/Video-R1/DVD-counting"
    assert catalog.duplicates == ()
    result = check_style(catalog)
    assert [d.entry.name for d in result.diffs] == ["OpenVLThinker"]


def test_001_mojibake_survives_in_the_style(shared: Path) -> None:
    """Seed 001's mis-encoded emoji badge labels are kept byte for byte in the style."""
    catalog = seed(shared, "001_6f30e543fcd0e480.txt")
    style = list_style(catalog).for_section("Vision (Image) / Papers")
    code = dict(style.badges)["code"]
    assert code.encode("utf-8") in catalog.raw
    assert (style.badge_open, style.lead, style.order) == (
        "[",
        ("date", "name", "title"),
        "newest-first",
    )
    names = {e.name for e in catalog.entries}
    assert {"Flow-GRPO (Gen)", "PARM++ (Gen)"} <= names


def test_002_table_and_hugging_face_link(shared: Path) -> None:
    """Seed 002's table rows are read, a Hugging Face paper link included."""
    catalog = seed(shared, "002_f1ec07a54c7dfe63.txt")
    visual = next(e for e in catalog.entries if e.title.startswith("Visual-RFT"))
    assert visual.arxiv_id == "2503.01785"
    assert visual.links_dict["Paper"] == "https://huggingface.co/papers/2503.01785"
    assert visual.date == "Mar 4, 2025"
    style = list_style(catalog).for_section("Papers")
    assert (style.shape, style.placeholder, style.date_form) == ("table", "-", "mon d, yyyy")
