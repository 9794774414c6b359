"""The out-of-list, out-of-time backtest: the split leaks nothing, the figures add up."""

from __future__ import annotations

import numpy as np
import pytest

from arxivbot.model import classifier, generalisation
from arxivbot.model.training_data import TrainingSet
from arxivbot.records import Paper

ON = "reinforcement learning grpo reward for multimodal vision-language reasoning models"
OFF = "a survey of convolutional segmentation for medical scans and transformers"


def _paper(i: int, day: str, topic: str, cat: str = "cs.CV") -> Paper:
    return Paper(id=f"2505.{i:05d}", title=f"paper {i} {topic[:30]}", abstract=f"{topic} {i}",
                 categories=(cat,), date=day)


def _world() -> tuple[TrainingSet, list[Paper]]:
    days = [f"2025-05-{d:02d}" for d in range(1, 21)]
    listings: list[Paper] = []
    n = 0
    for day in days:
        for j in range(8):
            n += 1
            topic = ON if j < 2 else OFF
            listings.append(_paper(n, day, topic, "cs.CV" if j % 2 else "cs.CL"))
    on_topic = [p for p in listings if p.abstract.startswith("reinforcement")]
    # List a takes the even on-topic papers, list b the odd ones, and they share one paper.
    a = [classifier.ListEntry(p.id, p.title, "S", "a") for p in on_topic[0::2]]
    b = [classifier.ListEntry(p.id, p.title, "S", "b") for p in on_topic[1::2]]
    b.append(classifier.ListEntry(on_topic[-2].id, on_topic[-2].title, "S", "b"))
    positives = tuple(p for p in on_topic)
    data = TrainingSet(positives=positives, entries=tuple(a + b),
                       negatives=tuple(p for p in listings if p not in on_topic))
    return data, listings


def test_split_never_puts_a_test_positive_into_training() -> None:
    """Held out list a: its later papers are in no training row, as positive or negative."""
    data, listings = _world()
    training, train_ids, held_ids = generalisation.split(data, listings, "a", "2025-05-10")

    trained = {p.id for p in training.positives} | {p.id for p in training.negatives}
    later_held = {i for i in held_ids if i > "2505.00080"}  # ids grow with the days
    assert later_held
    assert not later_held & trained
    assert not held_ids & train_ids  # the shared paper is a training-list paper, not a test one
    assert all(p.date <= "2025-05-10" for p in training.negatives)
    assert {e.list for e in training.entries} == {"b"}
    # The held-out list's papers up to the cutoff are ordinary negatives: nothing is learned
    # from the list under test.
    early_held = {i for i in held_ids if i <= "2505.00080"}
    assert early_held <= {p.id for p in training.negatives}


def test_out_of_list_backtest_on_a_tiny_world() -> None:
    """Each list held out in turn; an easy topic ranks its papers first; nothing leaks."""
    data, listings = _world()
    wider = {listings[5].id}  # an off-topic paper some other list holds
    result = generalisation.run_out_of_list(
        data, listings, "2025-05-10", label_ids=wider, min_positives=3,
        params=classifier.ModelParams(min_df=1, cv_folds=3),
    )

    assert [h.list for h in result.held_out] == ["a", "b"]
    for held in result.held_out:
        assert held.leaked == 0
        assert held.first_test_day > "2025-05-10"
        model = held.figures[generalisation.LIST_LABELS][generalisation.MODEL]
        assert model.average_precision > 0.9
        assert model.positives == 10 - (1 if held.list == "a" else 0)
    summary = result.summary()
    assert set(summary) >= {"list", "wider"}
    assert set(summary["list"]) == set(generalisation.METHODS)
    assert "Out of list" in generalisation.render_markdown(result)
    assert summary["daily_budget"] == classifier.ModelParams().daily_budget
    assert 0.0 <= summary["list"][generalisation.MODEL]["recall_at_budget"] <= 1.0


def test_operating_point_at_recall_point() -> None:
    """Candidates a day and precision at recall 0.9, recall@3 per day, by hand."""
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([True, False, True, False, False, True])
    selected = scores >= 0.75
    figures = generalisation.figures_for(scores, selected, labels, ["d1"] * 3 + ["d2"] * 3)

    # Recall 0.9 of 3 positives needs all 3: everything down to 0.4, 6 papers over 2 days.
    assert figures.candidates_per_day_at_recall == 3.0
    assert figures.precision_at_recall == pytest.approx(0.5)
    assert figures.recall_at_threshold == pytest.approx(1 / 3)
    assert figures.recall_at[3] == 1.0
    assert figures.candidates_per_day == 1.0


def test_curve_gives_precision_and_candidates_a_day_at_each_positive() -> None:
    """The plot's curve, by hand: one point per positive, one threshold over all days."""
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([True, False, True, False, False, True])
    figures = generalisation.figures_for(scores, scores >= 0.75, labels, ["d1"] * 3 + ["d2"] * 3)

    recall, precision, per_day = figures.curve
    assert recall == pytest.approx([1 / 3, 2 / 3, 1.0])
    assert precision == pytest.approx([1.0, 2 / 3, 0.5])
    assert per_day == pytest.approx([0.5, 1.5, 3.0])
    assert "curve" not in figures.to_dict()


def test_out_of_list_plot_and_its_link() -> None:
    """One PNG for the protocol (every held-out list and label set), linked from the report
    when it is drawn and not otherwise."""
    from arxivbot.model import plots

    data, listings = _world()
    result = generalisation.run_out_of_list(
        data, listings, "2025-05-10", label_ids={listings[5].id}, min_positives=3,
        params=classifier.ModelParams(min_df=1, cv_folds=3),
    )

    assert plots.out_of_list_png(result)[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](report-out-of-list.png)" in generalisation.render_markdown(
        result, plot="report-out-of-list.png")
    assert ".png" not in generalisation.render_markdown(result)


def test_best_recall_within_a_daily_budget() -> None:
    """The ceiling a budget puts on recall, by hand: one threshold, ties never past the limit."""
    scores = np.array([0.9, 0.8, 0.7, 0.6, 0.5, 0.4])
    labels = np.array([True, False, True, False, False, True])
    days = ["d1"] * 3 + ["d2"] * 3

    # 1 a day over 2 days: the 2 best papers, one of the 3 positives.
    one = generalisation.figures_for(scores, scores >= 0.75, labels, days, budget=1.0)
    assert one.recall_at_budget == pytest.approx(1 / 3)
    # 1.5 a day: the 3 best, two positives.
    assert generalisation.recall_within(scores, labels, 3.0) == pytest.approx(2 / 3)
    assert generalisation.recall_within(scores, labels, 6.0) == 1.0
    assert generalisation.recall_within(scores, labels, 0.5) == 0.0
    # A tie at the limit would propose 3 papers for a limit of 2: the threshold steps up.
    tied = np.array([0.9, 0.7, 0.7, 0.1])
    assert generalisation.recall_within(tied, np.array([False, True, True, False]), 2.0) == 0.0
    assert "recall_at_budget" in one.to_dict()
    assert np.isnan(generalisation.figures_for(scores, scores >= 0.75, labels, days)
                    .recall_at_budget)


def test_own_list_later_months_trains_on_the_list_alone_up_to_the_cutoff() -> None:
    """The product scenario: one list, its papers by the cutoff train, its later ones test."""
    data, listings = _world()
    entries = tuple(classifier.ListEntry(p.id, p.title, "S", "mine") for p in data.positives)
    early = {p.id for p in data.positives if p.date <= "2025-05-10"}
    one = TrainingSet(positives=data.positives, entries=entries, negatives=data.negatives,
                      text_sources={p.id: "abstracts" if p.id in early and p.id != min(early)
                                    else "title only" for p in data.positives})
    seen: list[set[str]] = []

    def trainer(part: TrainingSet, params: classifier.ModelParams
                ) -> classifier.RelevanceModel:
        seen.append({p.id for p in part.positives} | {p.id for p in part.negatives})
        assert all(p.date <= "2025-05-10" for p in part.negatives)
        return generalisation.default_trainer(part, params)

    result = generalisation.run_own_list(
        one, listings, "2025-05-10", name="mine", trainer=trainer,
        params=classifier.ModelParams(min_df=1, cv_folds=3))

    assert result.train_positives == len(early)
    assert result.train_title_only == 1  # only the cutoff's positives are counted
    assert result.first_test_day == "2025-05-11"
    assert result.test_days == 10
    model = result.figures[generalisation.MODEL]
    assert model.positives == 20  # two on-topic papers a day after the cutoff
    assert model.average_precision > 0.9
    assert not seen[0] & {p.id for p in listings if p.date > "2025-05-10"}
    assert set(result.figures) == set(generalisation.METHODS)
    summary = generalisation.own_list_summary([result, result])
    assert summary["mean"][generalisation.MODEL]["positives"] == 40
    assert summary["mean"][generalisation.MODEL]["average_precision"] == pytest.approx(
        model.average_precision)
    table = generalisation.render_own_list([result])
    assert "| mine | 20 (1) | 10 | 20 |" in table
    assert "mean of 1" in table


def test_own_list_refuses_a_list_with_nothing_after_the_cutoff() -> None:
    data, listings = _world()
    with pytest.raises(ValueError, match="no paper in the listings after"):
        generalisation.run_own_list(data, listings, "2025-05-20", name="late")
