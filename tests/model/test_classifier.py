"""The relevance model itself: vectors, training, calibration, threshold, explanations."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.feature_extraction.text import TfidfVectorizer

from arxivbot.model import classifier
from arxivbot.model.classifier import ListEntry, ModelParams, TextVectorizer, TrainingError, train
from arxivbot.model.store import model_to_text
from arxivbot.records import Paper

RL_MM = (
    "We train a vision-language model with GRPO and rule-based rewards; zorbnet rewards make "
    "Qwen2.5-VL reason step by step about images and video."
)
TOPICS = (
    "protein folding with graph networks", "machine translation for low-resource languages",
    "speech recognition with streaming decoders", "3D reconstruction from multi-view stereo",
    "legal summarization with long-context transformers", "object detection on COCO",
)


def paper(paper_id: str, title: str, abstract: str, day: str = "2025-04-01") -> Paper:
    return Paper(id=paper_id, title=title, abstract=abstract, date=day)


def positives(n: int = 8) -> list[Paper]:
    return [paper(f"2504.{i:05d}", f"Reinforcing Visual Reasoning {i}", RL_MM) for i in range(n)]


def negatives(n: int = 60) -> list[Paper]:
    return [
        paper(f"2504.{900 + i:05d}", f"A study of {TOPICS[i % len(TOPICS)]}",
              f"We improve {TOPICS[i % len(TOPICS)]} and {TOPICS[(i * 5 + 1) % len(TOPICS)]}.")
        for i in range(n)
    ]


def entries(papers: list[Paper]) -> list[ListEntry]:
    return [ListEntry(id=p.id, name=f"Name-{p.id}", section="Papers", list="list.md")
            for p in papers]


@pytest.fixture(scope="module")
def model() -> classifier.RelevanceModel:
    pos = positives()
    # No daily budget: these fixture days are too few and too small to measure one on; the
    # title read once: the fixture's titles are near copies of each other.
    return train(pos, negatives(), entries=entries(pos),
                 params=ModelParams(daily_budget=0.0, title_weight=1))


def test_token_pattern_keeps_model_names_whole() -> None:
    """qwen2.5-vl, r1-zero and grpo survive tokenisation as single terms."""
    vectorizer = TextVectorizer((), np.zeros(0), ModelParams())

    grams = vectorizer.analyze("Qwen2.5-VL meets R1-Zero: GRPO for MLLMs.")

    assert {"qwen2.5-vl", "r1-zero", "grpo", "mllms", "qwen2.5-vl meets"} <= set(grams)


def test_vectors_equal_scikit_learns_tfidf() -> None:
    """Our transform is TfidfVectorizer's arithmetic: same vocabulary and idf, same matrix."""
    texts = [p.text for p in positives(3) + negatives(12)]
    params = ModelParams()
    reference = TfidfVectorizer(
        token_pattern=params.token_pattern, ngram_range=(1, 2), sublinear_tf=True
    ).fit(texts)
    terms = list(reference.get_feature_names_out())

    ours = TextVectorizer(terms, reference.idf_, params).transform(texts)

    np.testing.assert_allclose(ours.toarray(), reference.transform(texts).toarray(), rtol=1e-12)


def test_training_separates_the_classes(model: classifier.RelevanceModel) -> None:
    """A new on-topic paper scores high and is selected; an off-topic one does not."""
    new = [paper("2505.00001", "Reinforcing Video Reasoning", RL_MM),
           paper("2505.00002", "A study of protein folding", "Graph networks fold proteins.")]

    on_topic, off_topic = model.score(new)

    assert on_topic.score > 0.5 > off_topic.score
    assert on_topic.selected
    assert not off_topic.selected


def test_top_terms_name_the_planted_term(model: classifier.RelevanceModel) -> None:
    """The discriminative word every positive shares is among a new paper's top terms."""
    new = paper("2505.00003", "A zorbnet study", "Zorbnet rewards for a model of images.")

    (scored,) = model.score([new])

    assert "zorbnet" in scored.top_terms
    assert len(scored.top_terms) <= model.params.top_terms


def test_nearest_names_the_most_similar_list_entries() -> None:
    """nearest gives two distinct list entries, by id and the list's name, closest first."""
    pos = [paper(f"2504.{i:05d}", f"Reinforcing {word} reasoning", RL_MM)
           for i, word in enumerate(("chart", "video", "spatial", "medical", "gui"))]
    pos.append(paper("2504.00009", "Reinforcing video reasoning again", RL_MM))  # repeat of 1
    trained = train(pos, negatives(), entries=[*entries(pos), *entries(pos[1:2])],
                    params=ModelParams(min_df=1, min_positive_df=1))
    target = paper("2505.00001", "Reinforcing video reasoning", RL_MM)

    (scored,) = trained.score([target])

    assert scored.nearest == (("2504.00001", "Name-2504.00001"),
                              ("2504.00009", "Name-2504.00009"))


def test_score_keeps_input_order_and_uses_the_given_threshold(
    model: classifier.RelevanceModel,
) -> None:
    """Output order is input order; a threshold of 1.01 selects nothing."""
    papers = [*negatives(3), *positives(2)]

    scored = model.score(papers, threshold=1.01)

    assert [s.paper.id for s in scored] == [p.id for p in papers]
    assert not any(s.selected for s in scored)


def test_select_caps_each_day_at_its_best() -> None:
    """Above the threshold, only the day's max_per_day highest scores are selected."""
    scores = np.array([0.9, 0.8, 0.7, 0.95, 0.2, 0.6])
    days = ["d1", "d1", "d1", "d2", "d2", "d1"]

    selected = classifier.select(scores, days, threshold=0.5, max_per_day=2)

    assert selected.tolist() == [True, True, False, True, False, False]


def test_threshold_keeps_the_recall_target() -> None:
    """With ten held-out positives and a 0.9 target, the threshold is the ninth best score."""
    scores = [0.95, 0.9, 0.85, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.01]

    threshold = classifier.threshold_for_recall(scores, 0.9)

    assert threshold == 0.3
    assert sum(s >= threshold for s in scores) / len(scores) >= 0.9


def test_trained_threshold_meets_recall_on_held_out_positives(
    model: classifier.RelevanceModel,
) -> None:
    """The out-of-fold recall at the chosen threshold reaches the target."""
    held_out = dataclasses.asdict(model.card.out_of_fold)

    assert held_out["folds"] == 5
    assert held_out["recall_at_threshold"] >= model.params.recall_target
    assert 0.0 < model.threshold < 1.0


def test_training_is_deterministic() -> None:
    """Same inputs, same model file, byte for byte."""
    pos, neg = positives(), negatives()

    first = model_to_text(train(pos, neg, entries=entries(pos)))[0]
    second = model_to_text(train(pos, neg, entries=entries(pos)))[0]

    assert first == second


def test_hard_negatives_weigh_more_than_ordinary_ones() -> None:
    """A rejected look-alike pulls similar papers down more as its weight grows."""
    pos = positives()
    rejected = [paper("2504.08888", "Reinforcing Visual Reasoning for chess engines",
                      "GRPO rewards for chess engines with images of boards.")]
    probe = [paper("2505.00009", "Chess engines with GRPO", "GRPO rewards for chess engines.")]

    def score(weight: float) -> float:
        params = ModelParams(hard_negative_weight=weight)
        trained = train(pos, negatives(), hard_negatives=rejected, params=params)
        return trained.score(probe)[0].score

    assert score(20.0) < score(1.0)


def test_one_positive_is_enough_to_train() -> None:
    """Too few positives for cross-validation still give a usable model."""
    trained = train(positives(1), negatives(20))

    assert trained.card.out_of_fold.folds == 1
    assert trained.score(positives(1))[0].selected


@pytest.mark.parametrize(
    ("pos", "neg", "message"),
    [
        ([], negatives(5), "no positives"),
        (positives(2), [], "no negatives"),
        ([paper("1", "!", "?")], [paper("2", "...", "")], "no usable words"),
    ],
    ids=["no-positives", "no-negatives", "empty-vocabulary"],
)
def test_unusable_inputs_say_why(pos: list[Paper], neg: list[Paper], message: str) -> None:
    """Training refuses inputs it cannot learn from, with the reason."""
    with pytest.raises(TrainingError, match=message):
        train(pos, neg)


def test_vectorize_rows_are_unit_length(model: classifier.RelevanceModel) -> None:
    """vectorize returns L2-normalised rows (what section placement relies on)."""
    matrix = model.vectorize([RL_MM, "protein folding with graph networks", ""])

    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())

    np.testing.assert_allclose(norms, [1.0, 1.0, 0.0])


def test_the_daily_budget_bounds_recent_candidates() -> None:
    """With a budget, the threshold rises until recent days give at most that many a day."""
    pos = positives()
    loose = train(pos, negatives(), params=ModelParams(daily_budget=0.0, recall_target=1.0))
    tight = train(pos, negatives(), params=ModelParams(daily_budget=0.5, recall_target=1.0))

    rule = dataclasses.asdict(tight.card.threshold_rule)
    assert rule["recent_candidates_per_day"] <= 0.5
    assert tight.threshold >= loose.threshold
    assert rule["threshold_for_recall"] == loose.card.threshold_rule.threshold_for_recall
