"""Short names and links are taken from the metadata, never invented."""

from __future__ import annotations

import pytest

from arxivbot.names import short_name
from arxivbot.proposal.paper_facts import code_url, paper_name, project_url
from arxivbot.records import Paper


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("R1-VL: Learning to Reason with Multimodal Large Language Models", "R1-VL"),
        ("Skywork R1V2: Multimodal Hybrid Reinforcement Learning for Reasoning", "Skywork R1V2"),
        ("GUI-R1 : A Generalist R1-Style Vision-Language Action Model", "GUI-R1"),
        ("Compile Scene Graphs with Reinforcement Learning", "Compile Scene Graphs"),
        ("Incentivizing Self-Reflection of VLMs with VideoChat Rewards", "VideoChat"),
        ("Improved Visual-Spatial Reasoning via R1-Zero-Like Training", "R1-Zero-Like"),
        ("Rethinking RL Scaling for Vision Language Models: A Framework", "Rethinking RL Scaling"),
    ],
)
def test_short_name(title: str, expected: str) -> None:
    """Without an abstract the name is the title's Name: prefix, else a name-like title word, else
    its first content words."""
    assert short_name(title) == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("To this end, we introduce R1-SGG, a multimodal LLM trained with RL.", "R1-SGG"),
        ("We present Kimi-VL, an efficient open-source MoE vision-language model.", "Kimi-VL"),
        ("we present \\textbf{FAST}, a novel \\textbf{Fa}st-\\textbf{S}low framework", "FAST"),
        ("we propose Collective Monte Carlo Tree Search (CoMCTS), a new method", "CoMCTS"),
        ("a deep learning framework called MAGIC. It maps CT to CTP.", "MAGIC"),
        ("This paper proposes UnifiedReward-Think, the first unified CoT reward model.",
         "UnifiedReward-Think"),
    ],
)
def test_the_name_the_abstract_introduces(abstract: str, expected: str) -> None:
    """The name an abstract introduces (we propose X, called X, LaTeX-wrapped X, an acronym) names
    the entry."""
    assert short_name("Fine-Tuning Next-Scale Visual Models with Rewards", abstract) == expected


def test_no_name_is_made_up_from_an_abstract_that_introduces_none() -> None:
    """An abstract that introduces no name gives none: the title's compact form stays."""
    abstract = "In this report, we present the first successful replication on a 2B model."
    title = "Grounded Reinforcement Learning"
    assert short_name(title, abstract) == title
    # The LLM family is no method name.
    assert short_name("Thinking Slowly", "We present LLMs that think.") == "Thinking Slowly"


def test_title_prefix_first_then_abstract_then_repository() -> None:
    """The order is the title's name prefix, then the abstract's name, then the code repository's
    name."""
    abstract, repo = "We introduce SpecialNet, a model.", "https://github.com/a/R1-AQA"
    assert short_name("ViGoRL: Grounded RL", abstract, repo) == "ViGoRL"
    assert short_name("Grounded RL for vision", abstract, repo) == "SpecialNet"
    assert short_name("Grounded RL for vision", "No name.", repo) == "R1-AQA"
    linked = Paper(id="2505.00001", title="Reinforcement Learning Outperforms SFT",
                   abstract="Code: https://github.com/xiaomi-research/r1-aqa.")
    assert paper_name(linked) == "r1-aqa"


def paper(abstract: str, comment: str | None = None) -> Paper:
    return Paper(id="2505.00001", title="T", abstract=abstract, comment=comment)


def test_code_link_from_comment_or_abstract() -> None:
    """The code link comes from the comment or the abstract, without .git or a trailing dot, never
    from a hidden URL."""
    found = code_url(paper("Code: https://github.com/foo/bar-baz."))
    assert found == "https://github.com/foo/bar-baz"
    assert code_url(paper("x", comment="https://github.com/a/b.git")) == "https://github.com/a/b"
    assert code_url(paper("Code is at this https URL")) is None


def test_project_page() -> None:
    """A github.io page the abstract names is the project page; no page named, no project link."""
    assert project_url(paper("Page: https://tiger-ai-lab.github.io/VL-Rethinker/.")) == (
        "https://tiger-ai-lab.github.io/VL-Rethinker/"
    )
    assert project_url(paper("none here")) is None


@pytest.mark.parametrize(
    ("title", "abstract", "expected"),
    [
        # A descriptive prefix: the acronym the abstract gives it.
        ("Window Policy Tuning: Credit Assignment for Long Answers",
         "We propose Window Policy Tuning (WPT), a method that assigns credit.", "WPT"),
        # ... or the name the abstract introduces.
        ("Beyond Short Horizons: Search Agents at Scale",
         "This paper introduces DeepHunter, an open-source search agent.", "DeepHunter"),
        # ... unless the abstract uses the prefix as the name itself.
        ("Quiet Zero: Self-Play without Data",
         "We propose a new RLVR paradigm called Quiet Zero.", "Quiet Zero"),
        # A prefix that is a name stays, whatever the abstract says.
        ("Lynx-R1: Reasoning in Video", "We propose Temporal Reward Shaping (TRS).", "Lynx-R1"),
        # "Name Technical Report" and a size after a name.
        ("Nova-VL Technical Report", "", "Nova-VL"),
        ("Quill-Coder 7B: A Diffusion Model for Code", "", "Quill-Coder"),
    ],
)
def test_a_descriptive_title_prefix_gives_way_to_the_name_the_abstract_gives(
    title: str, abstract: str, expected: str
) -> None:
    """Lists name a paper by its method's short name, not by a subtitle-like phrase."""
    assert short_name(title, abstract) == expected


@pytest.mark.parametrize(
    ("abstract", "expected"),
    [
        ("we propose Horizon-Aware Credit Assignment (HACA), an algorithm", "HACA"),
        ("we introduce a novel PSRL framework (FocusRL), which branches", "FocusRL"),
        ("we develop Meta Rollout Tuning, or MRT, a new class of methods", "MRT"),
        ("we introduce Ranking Reward Models (RRMs), designed to", "RRM"),
        ("we propose \\textbf{S}elf-\\textbf{G}uided \\textbf{O}ptimization~(\\textbf{SGO}), a",
         "SGO"),
        ("we propose \\textit{\\underline{R}}ecall-\\textit{\\underline{E}}xtend (RE): a", "RE"),
        ("we propose Mango, a novel framework that trains two models", "Mango"),
    ],
)
def test_the_short_form_of_the_phrase_an_abstract_introduces(abstract: str, expected: str) -> None:
    """A phrase then its short form in parentheses (or after ", or") is named by the short form."""
    assert short_name("Learning Things with Other Things", abstract) == expected
