"""Short names and links are taken from the metadata, never invented."""

from __future__ import annotations

import pytest

from arxivbot.proposal.paper_facts import code_url, project_url, short_name
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
    assert short_name(title) == expected


def paper(abstract: str, comment: str | None = None) -> Paper:
    return Paper(id="2505.00001", title="T", abstract=abstract, comment=comment)


def test_code_link_from_comment_or_abstract() -> None:
    found = code_url(paper("Code: https://github.com/foo/bar-baz."))
    assert found == "https://github.com/foo/bar-baz"
    assert code_url(paper("x", comment="https://github.com/a/b.git")) == "https://github.com/a/b"
    assert code_url(paper("Code is at this https URL")) is None


def test_project_page() -> None:
    assert project_url(paper("Page: https://tiger-ai-lab.github.io/VL-Rethinker/.")) == (
        "https://tiger-ai-lab.github.io/VL-Rethinker/"
    )
    assert project_url(paper("none here")) is None
