"""Long commands show progress: a bar on a terminal, plain lines in a log, nothing with -q."""

from __future__ import annotations

import os
import pty
import subprocess
import sys
from pathlib import Path

import pytest

MODEL_FIXTURES = Path(__file__).parent / "fixtures" / "model"


def train_argv(out: Path) -> list[str]:
    return [
        sys.executable, "-m", "arxivbot", "train", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"),
        "--abstracts", str(MODEL_FIXTURES / "abstracts.jsonl"), "--no-api", "--out", str(out),
    ]


def eval_argv(model: Path, report: Path) -> list[str]:
    return [
        sys.executable, "-m", "arxivbot", "eval", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"),
        "--abstracts", str(MODEL_FIXTURES / "abstracts.jsonl"),
        "--cutoff", "2025-04-02", "--report", str(report), "--card", str(model), "--no-api",
    ]


def environment(**extra: str) -> dict[str, str]:
    """The caller's environment without CI markers (a person at a terminal), plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "GITHUB_ACTIONS"}}
    return {**env, **extra}


@pytest.fixture
def here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_without_a_terminal_progress_is_plain_lines_and_a_summary(here: Path) -> None:
    """train in a log: plain start, periodic and done lines, then a summary table, all on stderr."""
    done = subprocess.run(
        train_argv(here / "m.json"), capture_output=True, text=True, cwd=here,
        env=environment(ARXIVBOT_PROGRESS_SECONDS="0"),
    )

    assert done.returncode == 0, done.stderr
    lines = done.stderr.splitlines()
    assert any(line.startswith("reading listings: started (") for line in lines)
    assert any(line.startswith("fitting: started (") for line in lines)
    assert any(line.startswith("fitting: done, ") and " fits in " in line for line in lines)
    assert "\r" not in done.stderr  # no bar redrawing in a log
    summary = lines.index(next(line for line in lines if line.startswith("done in ")))
    assert any("fitting" in line for line in lines[summary:])
    assert "fitting" not in done.stdout  # stdout stays the command's own output


def test_github_actions_gets_plain_lines_too(here: Path) -> None:
    """eval on GitHub Actions prints plain lines, not a bar."""
    # eval needs a model card to write its figures into: train one first.
    subprocess.run(train_argv(here / "m.json"), capture_output=True, cwd=here, check=True)
    done = subprocess.run(
        eval_argv(here / "m.json", here / "backtest.md"), capture_output=True, text=True,
        cwd=here, env=environment(GITHUB_ACTIONS="true"),
    )

    assert done.returncode == 0, done.stderr
    assert "backtest: started (1 cutoffs)" in done.stderr
    assert "backtest: done, 1 cutoffs in " in done.stderr


def on_a_terminal(argv: list[str], cwd: Path) -> str:
    """What ``argv`` shows on stderr when stderr is a (pseudo-)terminal."""
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            argv, cwd=cwd, env=environment(),
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=secondary,
        )
        os.close(secondary)
        chunks = []
        while True:
            try:
                chunk = os.read(primary, 4096)
            except OSError:  # the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 0
    finally:
        os.close(primary)
    return b"".join(chunks).decode("utf-8", "replace")


def test_on_a_terminal_progress_is_a_bar(here: Path) -> None:
    """train on a terminal: click's bar with counts, not the plain lines of a log."""
    shown = on_a_terminal(train_argv(here / "m.json"), here)

    assert "fitting" in shown
    assert "[" in shown  # click's bar
    assert "]" in shown
    assert "fitting: started" not in shown  # not the plain lines of a log


def test_eval_on_a_terminal_shows_a_bar(here: Path) -> None:
    """eval's backtest cutoffs are a bar on a terminal too."""
    subprocess.run(train_argv(here / "m.json"), capture_output=True, cwd=here, check=True)
    shown = on_a_terminal(eval_argv(here / "m.json", here / "backtest.md"), here)

    assert "backtest" in shown
    assert "1/1" in shown  # the bar's count
    assert "backtest: started" not in shown


FEEDBACK = Path(__file__).parent / "fixtures" / "feedback"


def retrain_argv(here: Path) -> list[str]:
    """``arxivbot retrain --dry-run`` on the feedback fixtures, in a fresh local clone."""
    repo = here / "list"
    if not repo.is_dir():
        repo.mkdir()
        (repo / "README.md").write_bytes((FEEDBACK / "list.md").read_bytes())
        env = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@x.invalid",
               "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@x.invalid"}
        for args in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                     ["commit", "-q", "-m", "list"]):
            subprocess.run(["git", "-C", str(repo), *args], check=True, env=env)
        subprocess.run(
            [sys.executable, "-m", "arxivbot", "train", "--list", str(FEEDBACK / "list.md"),
             "--listings", str(FEEDBACK / "days"), "--abstracts",
             str(FEEDBACK / "abstracts.jsonl"), "--no-api", "--out", str(here / "f.json")],
            capture_output=True, cwd=here, check=True,
        )
    return [
        sys.executable, "-m", "arxivbot", "retrain", "--repo-dir", str(repo), "--list",
        "README.md", "--decisions", str(here / "none.jsonl"), "--listings",
        str(FEEDBACK / "days"), "--abstracts", str(FEEDBACK / "abstracts.jsonl"), "--model",
        str(here / "f.json"), "--cutoff", "2025-05-20", "--no-api", "--dry-run",
    ]


def test_retrain_shows_plain_lines_in_a_log_and_a_bar_on_a_terminal(here: Path) -> None:
    """retrain fits twice and backtests: plain lines and a summary without a terminal, a bar
    with one."""
    argv = retrain_argv(here)
    done = subprocess.run(argv, capture_output=True, text=True, cwd=here,
                          env=environment(ARXIVBOT_PROGRESS_SECONDS="0"))
    assert done.returncode == 0, done.stderr
    assert "fitting: started (" in done.stderr
    assert "\r" not in done.stderr
    assert any(line.startswith("done in ") for line in done.stderr.splitlines())

    shown = on_a_terminal(argv, here)
    assert "fitting" in shown
    assert "fitting: started" not in shown


def test_quiet_silences_progress(here: Path) -> None:
    """--quiet silences progress and the summary; the command's own output stays."""
    done = subprocess.run(
        [train_argv(here / "m.json")[0], "-m", "arxivbot", "--quiet",
         *train_argv(here / "m.json")[3:]],
        capture_output=True, text=True, cwd=here, env=environment(ARXIVBOT_PROGRESS_SECONDS="0"),
    )

    assert done.returncode == 0, done.stderr
    assert "fitting" not in done.stderr
    assert "done in" not in done.stderr
    assert "wrote" in done.stdout
