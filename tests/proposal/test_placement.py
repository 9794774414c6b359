"""Candidates go to the section whose entries they resemble; special sections only by kind."""

from __future__ import annotations

from collections.abc import Sequence

from sklearn.feature_extraction.text import TfidfVectorizer

from arxivbot.proposal.placement import Vectorize, place
from arxivbot.records import CatalogEntry, Paper, Section

SECTIONS = (
    Section(path="Image / Papers", title="Papers", level=3, line=3, kind="paper"),
    Section(path="Video / Papers", title="Papers", level=3, line=10, kind="paper"),
    Section(path="Benchmarks", title="Benchmarks", level=2, line=20, kind="benchmark"),
    Section(path="Projects", title="Projects", level=2, line=30, kind="project"),
)


def entry(section: str, title: str, line: int, name: str) -> CatalogEntry:
    return CatalogEntry(line=line, end_line=line, section=section, kind="paper",
                        arxiv_id=None, title=title, name=name, date="2504")


ENTRIES = (
    entry("Image / Papers", "Image segmentation reasoning with reinforcement learning", 4, "Seg"),
    entry("Image / Papers", "Image generation with GRPO rewards", 5, "Gen"),
    entry("Video / Papers", "Video temporal grounding with reinforcement learning", 11, "TG"),
    entry("Video / Papers", "Video question answering reasoning for long video", 12, "VQA"),
    entry("Benchmarks", "A benchmark of visual reasoning for multimodal models", 21, "VB"),
    entry("Projects", "An RL training framework for video and image models", 31, "Fw"),
)


def vectorizer_for(texts: Sequence[str]) -> Vectorize:
    vec = TfidfVectorizer().fit(list(texts))
    return lambda batch: vec.transform(list(batch))


def paper(title: str) -> Paper:
    return Paper(id="2505.00001", title=title, abstract="")


def test_each_candidate_goes_to_the_section_it_resembles() -> None:
    """Each paper goes to the section whose entries it resembles most; a benchmark by its title to
    the benchmark section."""
    papers = [
        paper("Long video reasoning with temporal grounding rewards"),
        paper("Image segmentation via reinforcement learning"),
        paper("ReasonBench: a benchmark of visual reasoning for multimodal models"),
    ]
    vectorize = vectorizer_for([e.title for e in ENTRIES] + [p.title for p in papers])

    placed = place(papers, SECTIONS, ENTRIES, vectorize)

    assert [p.section for p in placed] == ["Video / Papers", "Image / Papers", "Benchmarks"]
    assert "closest to" in placed[0].reason
    assert "benchmark by its title" in placed[2].reason


def test_a_benchmark_word_alone_does_not_win_against_a_clearly_closer_paper_section() -> None:
    """A title word alone does not pull a paper into the benchmark section when a paper section is
    clearly closer."""
    papers = [paper("Video temporal grounding with reinforcement learning: no bench needed")]
    vectorize = vectorizer_for([e.title for e in ENTRIES] + [p.title for p in papers])

    placed = place(papers, SECTIONS, ENTRIES, vectorize)

    assert placed[0].section == "Video / Papers"


def test_one_paper_section_takes_everything_and_projects_take_nothing() -> None:
    """A list with one paper section gets every paper there, and a project section never
    takes one."""
    sections = (SECTIONS[0], SECTIONS[3])
    papers = [paper("An RL training framework for video and image models")]

    placed = place(papers, sections, ENTRIES, vectorizer_for([e.title for e in ENTRIES]))

    assert placed[0].section == "Image / Papers"
    assert placed[0].reason == "the list's only paper section"


def test_allowed_sections_restrict_the_choice() -> None:
    """list.sections restricts placement to the sections it names, even when another is closer."""
    papers = [paper("Long video reasoning with temporal grounding rewards")]
    vectorize = vectorizer_for([e.title for e in ENTRIES] + [p.title for p in papers])

    placed = place(papers, SECTIONS, ENTRIES, vectorize, allowed=["Image / Papers"])

    assert placed[0].section == "Image / Papers"


YEAR_SECTIONS = (
    Section(path="Analysis / 2024", title="2024", level=3, line=3, kind="paper"),
    Section(path="Analysis / 2023", title="2023", level=3, line=10, kind="paper"),
    Section(path="Blog", title="Blog", level=2, line=20, kind="other"),
)
YEAR_ENTRIES = (
    entry("Analysis / 2024", "Chains of thought in small models", 4, "A"),
    entry("Analysis / 2023", "Video temporal grounding with reinforcement learning", 11, "B"),
    entry("Blog", "Video temporal grounding with reinforcement learning explained", 21, "C"),
)


def test_a_year_section_takes_papers_of_its_year_and_the_newest_year_otherwise() -> None:
    """A paper resembling a 2023 entry still goes to its own year (or the newest year)."""
    papers = [
        Paper(id="2405.00001", title="Video temporal grounding with rewards", abstract="",
              date="2024-05-02"),
        Paper(id="2505.00002", title="Video temporal grounding with rewards", abstract="",
              date="2025-05-02"),
    ]
    vectorize = vectorizer_for([e.title for e in YEAR_ENTRIES] + [p.title for p in papers])
    placed = place(papers, YEAR_SECTIONS, YEAR_ENTRIES, vectorize)
    assert [p.section for p in placed] == ["Analysis / 2024", "Analysis / 2025"]
    assert "no 2025 section yet" in placed[1].reason


def test_a_blog_section_never_receives_a_paper() -> None:
    """Sections of kind other (blogs, news) are not candidates, however close their entries."""
    papers = [paper("Video temporal grounding with reinforcement learning explained")]
    vectorize = vectorizer_for([e.title for e in YEAR_ENTRIES] + [p.title for p in papers])
    placed = place(papers, YEAR_SECTIONS, YEAR_ENTRIES, vectorize)
    assert placed[0].section != "Blog"
