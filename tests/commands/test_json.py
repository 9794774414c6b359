"""``--json``: every command that reports prints exactly one JSON object on stdout."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from arxivbot.cli import cli
from arxivbot.commands import COMMANDS

FIXTURES = Path(__file__).parents[1] / "fixtures"
FEEDBACK = FIXTURES / "feedback"
# Commands whose whole output already is JSON (one line per paper): no --json to add.
JSON_BY_NATURE = {"score"}


def invoke(*args: str, env: dict[str, str] | None = None) -> dict[str, Any]:
    """Run ``arxivbot ARGS --json``: stdout must be one JSON object and nothing else."""
    result = CliRunner().invoke(cli, [*args, "--json"], env=env)
    assert result.exit_code == 0, (result.output, result.exception)
    lines = result.stdout.splitlines()
    assert len(lines) == 1, result.stdout
    report = json.loads(lines[0])
    assert isinstance(report, dict)
    return report


def git(repo: Path, *args: str) -> None:
    env = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@x.invalid",
           "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@x.invalid"}
    subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True, env=env)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A local clone holding the feedback fixtures' list as README.md, on main."""
    folder = tmp_path / "list"
    folder.mkdir()
    (folder / "README.md").write_bytes((FEEDBACK / "list.md").read_bytes())
    git(folder, "init", "--quiet", "--initial-branch=main")
    git(folder, "add", "README.md")
    git(folder, "commit", "--quiet", "-m", "list")
    return folder


@pytest.fixture
def model(tmp_path: Path) -> Path:
    """A model trained by ``arxivbot train --json`` on the feedback fixtures."""
    out = tmp_path / "model.json"
    report = invoke("train", "--list", str(FEEDBACK / "list.md"), "--listings",
                    str(FEEDBACK / "days"), "--abstracts", str(FEEDBACK / "abstracts.jsonl"),
                    "--no-api", "--out", str(out))
    assert report["model"] == str(out)
    assert report["model_version"]
    assert 0 < report["threshold"] < 1
    assert out.is_file()
    return out


def test_every_command_that_reports_has_json() -> None:
    """A script can read any command's result without parsing its sentences."""
    lacking = [c.name for c in COMMANDS if c.name not in JSON_BY_NATURE
               and not any("--json" in p.opts for p in c.params)]
    assert not lacking, lacking


def test_train_and_eval_report_as_json(tmp_path: Path) -> None:
    """train says which model it wrote; eval's figures (model and baselines) come as data."""
    fixtures = FIXTURES / "model"
    data = ["--list", str(fixtures / "list.md"), "--listings", str(fixtures / "days"),
            "--abstracts", str(fixtures / "abstracts.jsonl"), "--no-api"]
    trained = invoke("train", *data, "--out", str(tmp_path / "m.json"))
    assert trained["model"] == str(tmp_path / "m.json")

    report = invoke("eval", *data, "--cutoff", "2025-04-02", "--report",
                    str(tmp_path / "backtest.md"), "--card", str(tmp_path / "m.json"))
    assert report["report"] == str(tmp_path / "backtest.md")
    assert "average_precision" in report["backtest"]


def test_feedback_reports_as_json(repo: Path) -> None:
    """No bot PR yet: nothing decided, and the figures say so."""
    report = invoke("feedback", "--repo-dir", str(repo), "--list", "README.md", "--dry-run")
    assert report["pulls_read"] == 0
    assert (report["accepted"], report["rejected"], report["pending"]) == (0, 0, 0)
    assert report["dry_run"] is True
    assert report["decisions"] == []


def test_retrain_reports_as_json(repo: Path, model: Path, tmp_path: Path) -> None:
    """The comparison and the decision to keep the model are data, not only a sentence."""
    report = invoke("retrain", "--repo-dir", str(repo), "--list", "README.md", "--decisions",
                    str(tmp_path / "none.jsonl"), "--listings", str(FEEDBACK / "days"),
                    "--abstracts", str(FEEDBACK / "abstracts.jsonl"), "--model", str(model),
                    "--cutoff", "2025-05-20", "--no-api", "--dry-run")
    assert report["title"].startswith("Retrain: ")
    assert isinstance(report["keep"], bool)
    assert set(report["comparison"]) >= {"metric", "before", "after"}
    assert report["dry_run"] is True
    assert report["pull_request"] is None


def test_comment_reports_as_json() -> None:
    """A comment not addressed to the bot: the report says so, and nothing is touched."""
    report = invoke("comment", "--pr", "3", env={"ARXIVBOT_COMMENT_BODY": "Thanks, merging."})
    assert report == {"pr": 3, "status": "not-addressed"}


def test_without_json_the_output_is_unchanged(repo: Path) -> None:
    """--json only adds: without it a command prints its sentences on stdout, as before."""
    result = CliRunner().invoke(cli, ["feedback", "--repo-dir", str(repo), "--list",
                                      "README.md", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "0 bot pull requests read" in result.stdout
    assert not result.stdout.lstrip().startswith("{")
