"""The backtest: baselines, per-day figures, the time split, the report and the plot."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from arxivbot.catalog.parse import read_catalog
from arxivbot.model import evaluate, plots
from arxivbot.model.training_data import build_training_set
from arxivbot.records import Paper
from arxivbot.sources.replay import read_papers


@pytest.mark.parametrize(
    ("text", "hits"),
    [
        ("GRPO for vision-language models", 2),
        ("Reward models for images and video with reinforcement learning", 4),
        ("RL for robot arms", 0),  # RL, no multimodal term
        ("Video generation with diffusion", 0),  # multimodal, no RL term
        ("Rewarding images", 0),  # "rewarding" is not the whole word "reward"
    ],
)
def test_keyword_filter_needs_both_kinds_of_term(text: str, hits: int) -> None:
    """A paper passes only with an RL term AND a multimodal term, matched as whole words."""
    assert evaluate.keyword_hits(text) == hits


def test_full_days_need_every_category() -> None:
    """A day without cs.CV is not a full day."""
    papers = [Paper(id="1", title="t", abstract="", categories=("cs.CV",), date="d1"),
              Paper(id="2", title="t", abstract="", categories=("cs.CL",), date="d1"),
              Paper(id="3", title="t", abstract="", categories=("cs.CL",), date="d2")]

    assert evaluate.full_days(papers, ("cs.CV", "cs.CL")) == {"d1"}


def test_figures_per_day_and_overall() -> None:
    """AP, recall at threshold, recall@k and candidates per day, checked by hand."""
    scores = np.array([0.9, 0.1, 0.8, 0.7, 0.2, 0.6])
    selected = np.array([True, False, True, False, False, True])
    labels = np.array([True, False, False, True, True, False])
    days = ["d1", "d1", "d1", "d2", "d2", "d2"]

    result = evaluate._figures("m", scores, selected, labels, days)

    assert result.recall_at_threshold == pytest.approx(1 / 3)
    assert result.candidates_per_day == 1.5
    assert result.recall_at[10] == 1.0
    assert result.per_day[0] == {
        "day": "d1", "papers": 3, "positives": 1, "candidates": 2, "selected_positives": 1,
        "top10": 1, "top25": 1, "average_precision": 1.0}
    assert result.per_day[1]["candidates"] == 1
    # overall ranking: 0.9+, 0.8-, 0.7+, 0.6-, 0.2+, 0.1- → AP = (1 + 2/3 + 3/5) / 3
    assert result.average_precision == pytest.approx((1 + 2 / 3 + 3 / 5) / 3)


@pytest.fixture(scope="module")
def backtest() -> evaluate.Backtest:
    fixtures = Path(__file__).parents[1] / "fixtures" / "model"
    lists = {"list.md": read_catalog(fixtures / "list.md").entries}
    papers = read_papers([fixtures / "days"])
    abstracts = {p.id: p for p in read_papers([fixtures / "abstracts.jsonl"])}
    data = build_training_set(lists, papers, abstracts=abstracts)
    return evaluate.run_backtest(data, papers, ["2025-04-02"], max_per_day=2)


def test_backtest_trains_before_and_tests_after_the_cutoff(
    backtest: evaluate.Backtest,
) -> None:
    """Only list papers known by the cutoff train; the later ones are the test positives."""
    (cut,) = backtest.cutoffs

    assert cut.train_positives == 7
    assert (cut.first_test_day, cut.last_test_day, cut.test_days) == (
        "2025-04-03", "2025-04-04", 2)
    assert cut.test_positives == 3
    assert cut.test_papers == 51


def test_backtest_reports_the_model_and_both_baselines(backtest: evaluate.Backtest) -> None:
    """Every method gets figures; the cap holds; the model finds the planted topic."""
    (cut,) = backtest.cutoffs

    assert set(cut.methods) == set(evaluate.METHODS)
    assert cut.methods["model"].average_precision == 1.0
    assert cut.methods["model"].candidates_per_day <= 2
    assert cut.methods["similarity"].candidates_per_day <= 2
    assert cut.methods["keyword"].recall_at_threshold == 1.0  # all fixture positives say GRPO
    summary = backtest.summary()
    assert summary["average_precision"] == 1.0
    assert set(summary["keyword"]) >= {"average_precision", "recall_at_10", "candidates_per_day"}


def test_report_and_plot(backtest: evaluate.Backtest) -> None:
    """The Markdown report has the summary, the cutoff and a row per day; the plot is a PNG."""
    text = evaluate.render_markdown(backtest, command="arxivbot eval …")

    assert "| model | 1.000 |" in text
    assert "## Cutoff 2025-04-02" in text
    assert "| 2025-04-03 | 26 | 2 |" in text
    assert "| 2025-04-04 | 25 | 1 |" in text
    assert plots.backtest_png(backtest)[:4] == b"\x89PNG"


def test_a_cutoff_with_no_later_full_day_is_refused() -> None:
    """Nothing to test on after the cutoff: a clear error, not an empty report."""
    fixtures = Path(__file__).parents[1] / "fixtures" / "model"
    papers = read_papers([fixtures / "days"])
    data = build_training_set({"list.md": read_catalog(fixtures / "list.md").entries}, papers)

    with pytest.raises(ValueError, match="no full listing day after it"):
        evaluate.run_backtest(data, papers, ["2025-04-04"])
