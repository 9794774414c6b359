"""A day that passes more papers than the model's daily budget (or than the cap) is reported
where a maintainer looks: `run`'s output, the job summary and the PR body say how many scored
above the threshold, the budget and what the threshold let through when it was chosen, how
many are proposed and how many wait, and what to do about it. Nothing is dropped silently."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub
from tests.run_data import DAY, FIXTURE_LIST, RL, listing, negatives, paper, tiny_model

from arxivbot.config import ModelSettings, Settings
from arxivbot.jobs import daily
from arxivbot.jobs.daily import DayLoad, budget_note
from arxivbot.model.card import ThresholdRule
from arxivbot.model.classifier import RelevanceModel
from arxivbot.model.store import save_model
from arxivbot.proposal import prmeta
from arxivbot.publish.memory import MemoryPublisher
from arxivbot.records import Paper
from arxivbot.sources.replay import write_papers

TOKEN = "ghs_budgetTestToken0123456789abcd"
TOPICS = ["chart", "table", "geometry", "math", "video", "document", "map", "medical image",
          "remote sensing", "GUI", "robot manipulation", "3D scene", "meme", "infographic"]
# What the shipped card records: the budget, and the candidates/day on its last 20 days.
RULE = ThresholdRule(daily_budget=5.0, recent_days=20, recent_candidates_per_day=3.3)


def busy_day() -> list[Paper]:
    """Fourteen papers on the list's topic, and the usual unrelated ones."""
    relevant = [
        paper(f"2505.2{n:04d}", f"{topic.title()}-R1: Reinforcement Learning for {topic} "
              f"Reasoning in Multimodal LLMs\n{RL}verifiable rewards for {topic} image "
              "reasoning and visual question answering.")
        for n, topic in enumerate(TOPICS)
    ]
    return relevant + negatives("2505", DAY)


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    trained = tiny_model()
    # The card as `arxivbot train` writes it for a model trained on README.md.
    return dataclasses.replace(trained, card=trained.card.but(
        threshold_rule=dataclasses.replace(trained.card.threshold_rule or RULE, daily_budget=5.0,
                                           recent_days=20, recent_candidates_per_day=3.3),
        lists=("README.md",)))


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": FIXTURE_LIST.read_bytes()}, token=TOKEN) as fake:
        yield fake


EXPECTED = (
    "14 papers scored above the threshold today, above the model's budget of 5/day (its "
    "threshold let through 3.3/day on the last 20 days it was trained on): the 10 best are "
    "proposed, 4 wait for the next run (listed in the pull request; they compete again with "
    "the next day's papers). To act on it: raise model.max_candidates (now 10) in "
    "arxivbot.yaml to see more a day, or retrain (arxivbot retrain; the Action runs it "
    "weekly) so the threshold is chosen again, within the budget, on the latest days it "
    "trains on."
)


def test_a_busy_day_is_reported_in_the_output_the_job_summary_and_the_pr(
    server: FakeGitHub, model: RelevanceModel, tmp_path: Path
) -> None:
    """`arxivbot run` on GitHub (the local server, real PyGithub) with a day of 14 papers above
    the threshold: the same sentence, with the card's figures, in all three places; the 4 over
    the cap are in the PR's block as waiting and come back on the next run."""
    model_path = tmp_path / "models" / "model.json"
    save_model(model, model_path, model.card)
    archive = tmp_path / "listings"
    archive.mkdir()
    day_file = archive / f"{DAY}.jsonl"
    with open(day_file, "w", encoding="utf-8") as out:
        write_papers(busy_day(), out)
    config = tmp_path / "arxivbot.yaml"
    config.write_text(f"publish:\n  api_url: {server.base_url}\n", encoding="utf-8")
    summary = tmp_path / "summary.md"
    env = {"PATH": "/usr/bin:/bin", "GITHUB_TOKEN": TOKEN, "GITHUB_STEP_SUMMARY": str(summary)}
    args = [sys.executable, "-m", "arxivbot", "run", "--publisher", "github",
            "--repository", server.full_name, "--listings", str(day_file),
            "--model", str(model_path), "--config", str(config)]

    done = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path)

    assert done.returncode == 0, done.stderr
    assert "10 candidates for 2025-05-20 (10 shown of 14 above threshold)" in done.stdout
    assert EXPECTED in done.stdout
    assert EXPECTED in summary.read_text(encoding="utf-8")
    (pr,) = server.pulls.values()
    assert f"**{EXPECTED}**" in pr.body
    assert pr.body.index(EXPECTED) < pr.body.index("| score |")  # above the table
    meta = prmeta.extract(pr.body)
    assert meta is not None
    assert len(meta.ids) == 10
    assert len(meta.waiting) == 4

    # The next day (nothing of its own on the topic): the waiting four are proposed, from the
    # archive, and the day is within the budget, so nothing is reported.
    next_day = archive / "2025-05-21.jsonl"
    with open(next_day, "w", encoding="utf-8") as out:
        write_papers(negatives("2506", "2025-05-21"), out)
    args[args.index(str(day_file))] = str(next_day)
    later = subprocess.run(args, capture_output=True, text=True, env=env, cwd=tmp_path)

    assert later.returncode == 0, later.stderr
    assert "14 candidates for 2025-05-21" in later.stdout
    assert "budget" not in later.stdout
    assert set(meta.waiting) <= set(prmeta.extract(pr.body).ids)  # type: ignore[union-attr]


def test_within_the_budget_and_the_cap_nothing_is_said(model: RelevanceModel) -> None:
    """An ordinary day (2 papers above the threshold) reports no budget line anywhere."""
    from tests.run_data import day_papers

    publisher = MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes()})
    report = daily.run(listing(day_papers()), publisher, model, Settings())

    assert report.status == daily.PROPOSED
    assert report.budget_note == ""
    assert "budget" not in report.summary()
    assert "budget" not in report.body


def test_over_the_budget_but_within_the_cap_all_are_proposed(model: RelevanceModel) -> None:
    """Seven papers, budget 5, cap 10: all seven are proposed, and the advice is to retrain."""
    papers = busy_day()[:7] + negatives("2505", DAY)
    publisher = MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes()})
    report = daily.run(listing(papers), publisher, model, Settings())

    assert report.budget_note.startswith(
        "7 papers scored above the threshold today, above the model's budget of 5/day")
    assert ": all 7 are proposed. To act on it: retrain (arxivbot retrain" in report.budget_note
    assert "max_candidates" not in report.budget_note
    assert report.budget_note in report.summary()


def test_over_the_cap_within_the_budget_says_the_cap() -> None:
    """A cap below the budget: the cap is what holds papers back, and raising it is the advice."""
    note = budget_note(DayLoad(above_today=4, above_earlier=0, proposed=3, waiting=1, cap=3,
                               budget=5.0, recent_per_day=3.3, recent_days=20,
                               offered_again=True))
    assert note.startswith("4 papers scored above the threshold today, more than "
                           "model.max_candidates (3): the 3 best are proposed, 1 wait")
    assert "raise model.max_candidates (now 3)" in note
    assert "retrain" not in note


def test_without_an_archive_the_waiting_papers_are_not_promised_a_later_run(
    model: RelevanceModel,
) -> None:
    """Read from the live feed with no listings archive, nothing brings the waiting papers back:
    the report says so instead of promising the next run."""
    publisher = MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes()})
    report = daily.run(listing(busy_day()), publisher, model, Settings(), offered_again=False)

    assert ("4 wait (listed in the pull request, but this run read no listings archive, so no "
            "later run offers them again") in report.budget_note
    assert "for the next run" not in report.budget_note
    assert "over today's cap: not offered again (this run read no listings archive)" in report.body
    assert "offered again on a later day" not in report.body


def test_a_threshold_set_in_the_config_is_not_held_to_the_models_budget(
    model: RelevanceModel,
) -> None:
    """The budget belongs to the model's own threshold: with model.threshold set, only the cap
    is reported."""
    settings = dataclasses.replace(
        Settings(), model=ModelSettings(threshold=model.threshold, max_candidates=10))
    publisher = MemoryPublisher({"README.md": FIXTURE_LIST.read_bytes()})
    report = daily.run(listing(busy_day()), publisher, model, settings)

    assert "budget" not in report.budget_note
    assert report.budget_note.startswith(
        "14 papers scored above the threshold today, more than model.max_candidates (10)")


def test_waiting_papers_of_earlier_runs_are_counted_apart() -> None:
    note = budget_note(DayLoad(above_today=6, above_earlier=2, proposed=8, waiting=0, cap=10,
                               budget=5.0, recent_per_day=3.3, recent_days=1,
                               offered_again=True))
    assert note.startswith("6 papers scored above the threshold today (and 2 still waiting "
                           "from earlier runs), above the model's budget of 5/day (its "
                           "threshold let through 3.3/day on the last day it was trained on)")
