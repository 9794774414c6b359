"""Shared data of the run tests: a small list, a day of papers, and a tiny trained model."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from arxivbot.model.classifier import ListEntry, RelevanceModel, train
from arxivbot.records import Paper
from arxivbot.sources.day import DayListing

FIXTURE_LIST = Path(__file__).parent / "fixtures" / "run" / "list.md"
DAY = "2025-05-20"
RL = "We train a multimodal large language model with reinforcement learning (GRPO) and "
ON_LIST = {
    "2504.00011": "Seg-RL: Reinforcement Learning for Reasoning Segmentation in Vision-Language "
    "Models\n" + RL + "rule-based rewards for reasoning segmentation of images.",
    "2503.00012": "Vision-GRPO: Group Relative Policy Optimization for Visual Reasoning in "
    "MLLMs\n" + RL + "verifiable rewards for visual math and image reasoning.",
    "2503.00013": "Chart-R1: Rule-Based Reinforcement Learning for Chart Reasoning with "
    "Multimodal LLMs\n" + RL + "chart image question answering rewards.",
    "2504.00021": "Video-RL: Reinforcing Temporal Reasoning in Video Multimodal Large Language "
    "Models\n" + RL + "temporal rewards for long video reasoning and video question answering.",
    "2503.00022": "Time-R1: Temporal Video Grounding with Reinforcement Learning Rewards\n"
    + RL + "temporal grounding rewards on video benchmarks.",
}
OTHER_TOPICS = [
    "machine translation for low-resource languages with pretrained transformers",
    "named entity recognition in clinical notes using domain adaptation",
    "3D point cloud registration with geometric features",
    "image denoising with diffusion priors and wavelets",
    "speech recognition for accented English using self-supervision",
    "sentiment analysis of product reviews with lexicons",
    "object detection in aerial images with rotated boxes",
    "summarization of legal documents with long-context models",
    "face anti-spoofing with frequency cues",
    "question answering over tables with retrieval",
    "depth estimation from monocular video with self-supervision",
    "topic models for historical newspapers",
    "semantic segmentation of urban scenes with transformers",
    "hate speech detection across platforms",
    "optical flow estimation with recurrent refinement",
    "dialogue state tracking with schema descriptions",
]


def paper(paper_id: str, text: str, day: str = DAY) -> Paper:
    title, _, abstract = text.partition("\n")
    return Paper(id=paper_id, title=title, abstract=abstract, categories=("cs.CV",), date=day)



# Two later announcement days, each with one relevant newcomer (tests of reruns and rolling PRs).
DAY2, DAY3 = "2025-05-21", "2025-05-22"
CHART = paper("2505.20003", "Chart-GRPO: Reinforcement Learning for Chart Image Reasoning in "
              "MLLMs\n" + RL + "chart image question answering rewards.", DAY2)
TABLE = paper("2505.30004", "Table-R1: Reinforcement Learning for Table Reasoning in MLLMs\n"
              + RL + "table image question answering rewards.", DAY3)

def negatives(prefix: str, day: str) -> list[Paper]:
    return [
        paper(f"{prefix}.{i:05d}", f"A study of {topic}\nWe address {topic}. Experiments on "
              "standard datasets show gains over strong baselines.", day)
        for i, topic in enumerate(OTHER_TOPICS * 2)
    ]


def day_papers() -> list[Paper]:
    relevant = [
        paper("2505.10001", "Seg-Zero2: Reasoning Segmentation of Images via Reinforcement "
              "Learning\n" + RL + "rewards for image segmentation reasoning. Code: "
              "https://github.com/example/seg-zero2"),
        paper("2505.10002", "LongVid-R1: Reinforcing Long Video Reasoning in Multimodal LLMs\n"
              + RL + "temporal rewards for long video question answering and video grounding."),
    ]
    return relevant + negatives("2505", DAY)


def tiny_model() -> RelevanceModel:
    positives = [paper(i, text, "2025-04-01") for i, text in ON_LIST.items()]
    entries = [ListEntry(id=i, name=i, section="", list="list.md") for i in ON_LIST]
    model = train(positives, negatives("2504", "2025-04-01"), entries=entries)
    # Its card names the list it learnt from, as `arxivbot train --list README.md` records it
    # (the run tests keep the fixture list at README.md).
    return dataclasses.replace(model, card=model.card.but(lists=("README.md",)))


def listing(papers: list[Paper], day: str = DAY) -> DayListing:
    return DayListing(date=day, papers=tuple(papers), skipped=0, source="test")
