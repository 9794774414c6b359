"""The daily run end to end: a real git clone of a list, the local publisher, a tiny model.

Checks what a maintainer would: one branch whose diff only inserts entries in the list's own
style and sections, a rerun that changes nothing, a dry run that touches nothing, an empty
day that opens nothing, and the same through the `arxivbot run` command line.
"""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.run_data import DAY, FIXTURE_LIST, day_papers, listing, tiny_model

from arxivbot.catalog.parse import parse_catalog_bytes
from arxivbot.catalog.render import check_style
from arxivbot.config import Settings
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.model.store import save_model
from arxivbot.publish.dry_run import DryRunPublisher
from arxivbot.publish.local import LocalPublisher
from arxivbot.sources.day import DayListing
from arxivbot.sources.replay import write_papers

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


def git(repo: Path, *args: str) -> str:
    return subprocess.run(
        ["git", "-C", str(repo), *args], capture_output=True, text=True, check=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin"},
    ).stdout


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = tmp_path / "awesome"
    repo.mkdir()
    shutil.copyfile(FIXTURE_LIST, repo / "README.md")
    git(repo, "init", "-q", "--initial-branch=main")
    git(repo, "add", "README.md")
    git(repo, "commit", "-q", "-m", "list")
    return repo


def test_run_proposes_a_branch_that_only_inserts_entries(
    repo: Path, model: RelevanceModel
) -> None:
    """A local run makes one branch whose diff only inserts entries, placed in fitting sections."""
    original = (repo / "README.md").read_bytes()

    report = daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model,
                          Settings())

    assert report.status == daily.PROPOSED
    assert sorted(c.paper.id for c in report.candidates) == ["2505.10001", "2505.10002"]
    assert {c.paper.id: c.section for c in report.candidates} == {
        "2505.10001": "Image / Papers",
        "2505.10002": "Video / Papers",
    }
    # "Nearest on the list" means this list, whatever lists the model was trained on.
    nearest = {c.paper.id: [i for i, _ in c.scored.nearest] for c in report.candidates}
    assert nearest["2505.10002"][0] in {"2504.00021", "2503.00022"}
    assert nearest["2505.10001"][0] in {"2504.00011", "2503.00012", "2503.00013"}
    diff = git(repo, "diff", "--unified=0", "main", f"arxivbot/{DAY}", "--", "README.md")
    changed = [
        line for line in diff.splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert changed
    assert all(line.startswith("+") for line in changed)
    added = [line[1:] for line in changed if line.strip("+ ")]
    assert added == [
        "* [2505] [Seg-Zero2] [Seg-Zero2: Reasoning Segmentation of Images via Reinforcement "
        "Learning](https://arxiv.org/abs/2505.10001) [Code 💻](https://github.com/example/seg-zero2)",
        "* [2505] [LongVid-R1] [LongVid-R1: Reinforcing Long Video Reasoning in Multimodal "
        "LLMs](https://arxiv.org/abs/2505.10002)",
    ]
    # The working tree and the base branch are untouched; the new list reads back whole.
    assert (repo / "README.md").read_bytes() == original
    new = parse_catalog_bytes(git(repo, "show", f"arxivbot/{DAY}:README.md").encode(), "new")
    assert len(new.entries) == 7
    assert check_style(new).identical == 7
    assert report.result is not None
    pr_file = Path(report.result.url or "")
    assert pr_file.is_file()
    assert "2 candidate papers" in pr_file.read_text(encoding="utf-8")


def test_rerun_same_day_updates_in_place(repo: Path, model: RelevanceModel) -> None:
    """A same-day local rerun leaves the one branch where it was."""
    publisher = LocalPublisher(repo, "README.md")
    daily.run(listing(day_papers()), publisher, model, Settings())
    first = git(repo, "rev-parse", f"arxivbot/{DAY}")

    again = daily.run(listing(day_papers()), publisher, model, Settings())

    assert again.result is not None
    assert again.result.action == "unchanged"
    assert git(repo, "rev-parse", f"arxivbot/{DAY}") == first
    assert git(repo, "branch", "--list", "arxivbot/*").split() == [f"arxivbot/{DAY}"]


def test_next_day_skips_papers_of_the_open_proposal(repo: Path, model: RelevanceModel) -> None:
    """The next day counts the open proposal's papers as known and opens no second branch."""
    publisher = LocalPublisher(repo, "README.md")
    daily.run(listing(day_papers()), publisher, model, Settings())
    next_day = DayListing(date="2025-05-21", papers=tuple(day_papers()), skipped=0, source="t")

    report = daily.run(next_day, publisher, model, Settings())

    assert report.status == daily.NONE_ABOVE_THRESHOLD
    assert report.known >= 2
    assert "arxivbot/2025-05-21" not in git(repo, "branch", "--list", "arxivbot/*")


def test_dry_run_prints_the_pr_and_changes_nothing(repo: Path, model: RelevanceModel) -> None:
    """A dry run prints the PR and its diff and changes no ref."""
    refs_before = git(repo, "for-each-ref")
    out = io.StringIO()

    report = daily.run(
        listing(day_papers()), DryRunPublisher(LocalPublisher(repo, "README.md"), out), model,
        Settings(),
    )

    assert report.status == daily.PROPOSED
    printed = out.getvalue()
    assert "2 candidate papers" in printed
    assert "+* [2505] [LongVid-R1]" in printed
    assert git(repo, "for-each-ref") == refs_before


def test_rejected_and_ignored_papers_are_not_proposed(repo: Path, model: RelevanceModel) -> None:
    """Rejected and ignored papers are never proposed."""
    report = daily.run(
        listing(day_papers()), LocalPublisher(repo, "README.md"), model, Settings(),
        rejected=frozenset({"2505.10001"}),
    )

    assert [c.paper.id for c in report.candidates] == ["2505.10002"]


def test_empty_day_opens_nothing(repo: Path, model: RelevanceModel) -> None:
    """An empty day says so and makes no branch."""
    report = daily.run(listing([]), LocalPublisher(repo, "README.md"), model, Settings())

    assert report.status == daily.NO_ANNOUNCEMENTS
    assert report.message == f"no announcements for {DAY} (weekend or holiday)"
    assert git(repo, "branch", "--list", "arxivbot/*") == ""


def test_cli_run_in_the_list_clone(repo: Path, model: RelevanceModel, tmp_path: Path) -> None:
    """What a maintainer types: `arxivbot run --list README.md --listings DAY --publisher local`."""
    model_path = tmp_path / "model.json"
    save_model(model, model_path)
    day_file = tmp_path / f"{DAY}.jsonl"
    with open(day_file, "w", encoding="utf-8") as out:
        write_papers(day_papers(), out)
    summary = tmp_path / "summary.md"

    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "run", "--list", "README.md", "--listings",
         str(day_file), "--publisher", "local", "--model", str(model_path)],
        cwd=repo, capture_output=True, text=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)},
    )

    assert done.returncode == 0, done.stderr
    assert "2 candidates for 2025-05-20" in done.stdout
    assert "papers scanned: 34; already known: 0; candidates: 2" in done.stdout
    assert f"arxivbot/{DAY}" in git(repo, "branch", "--list", "arxivbot/*")
    table = summary.read_text(encoding="utf-8")
    assert "2 candidates for 2025-05-20" in table
    assert "| papers scanned | 34 |" in table  # a table a maintainer reads in seconds
    assert "| candidates | 2 |" in table
    assert "| model |" in table
    assert f"| pull request | arxivbot/{DAY} |" in table


def test_cli_errors_are_one_line_and_reach_the_job_summary(repo: Path, tmp_path: Path) -> None:
    """A CLI failure is one Error: line with its exit code, no traceback, and reaches the job
    summary."""
    bad_model = tmp_path / "model.json"
    bad_model.write_text(json.dumps({"hello": "world"}), encoding="utf-8")
    day_file = tmp_path / f"{DAY}.jsonl"
    with open(day_file, "w", encoding="utf-8") as out:
        write_papers(day_papers(), out)

    summary = tmp_path / "summary.md"
    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "run", "--listings", str(day_file),
         "--model", str(bad_model)],
        cwd=repo, capture_output=True, text=True,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin", "GITHUB_STEP_SUMMARY": str(summary)},
    )

    assert done.returncode == 5
    assert done.stderr.startswith("Error: ")
    assert "Traceback" not in done.stderr
    assert "not an arxivbot relevance model" in summary.read_text(encoding="utf-8")


def test_entry_template_override(repo: Path, model: RelevanceModel, tmp_path: Path) -> None:
    """A maintainer's jinja2 template decides how new entries look."""
    template = tmp_path / "entry.j2"
    template.write_text("* **{{ name }}** [{{ title }}]({{ paper_url }})\n", encoding="utf-8")

    report = daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model,
                          Settings(), template_override=template)

    entries = sorted(c.entry_text for c in report.candidates)
    assert entries[0] == (
        "* **LongVid-R1** [LongVid-R1: Reinforcing Long Video Reasoning in Multimodal LLMs]"
        "(https://arxiv.org/abs/2505.10002)"
    )


def test_an_unknown_section_name_says_which_sections_there_are(
    repo: Path, model: RelevanceModel
) -> None:
    """A list.sections name that is no section of the list is an error naming the near match."""
    import dataclasses

    from arxivbot.config import ListSettings
    from arxivbot.errors import ConfigError

    settings = dataclasses.replace(Settings(), list=ListSettings(sections=("Papres",)))
    with pytest.raises(ConfigError) as failure:
        daily.run(listing(day_papers()), LocalPublisher(repo, "README.md"), model, settings)

    message = str(failure.value)
    assert "list.sections names 'Papres', which is no section of" in message
    assert "add a papers section" not in message
    assert "did you mean" in message
