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
    # eval needs a model card to write its figures into: train one first.
    subprocess.run(train_argv(here / "m.json"), capture_output=True, cwd=here, check=True)
    done = subprocess.run(
        eval_argv(here / "m.json", here / "backtest.md"), capture_output=True, text=True,
        cwd=here, env=environment(GITHUB_ACTIONS="true"),
    )

    assert done.returncode == 0, done.stderr
    assert "backtest: started (1 cutoffs)" in done.stderr
    assert "backtest: done, 1 cutoffs in " in done.stderr


def test_on_a_terminal_progress_is_a_bar(here: Path) -> None:
    primary, secondary = pty.openpty()
    try:
        process = subprocess.Popen(
            train_argv(here / "m.json"), cwd=here, env=environment(),
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
    shown = b"".join(chunks).decode("utf-8", "replace")

    assert "fitting" in shown
    assert "[" in shown  # click's bar
    assert "]" in shown
    assert "fitting: started" not in shown  # not the plain lines of a log


def test_quiet_silences_progress(here: Path) -> None:
    done = subprocess.run(
        [train_argv(here / "m.json")[0], "-m", "arxivbot", "--quiet",
         *train_argv(here / "m.json")[3:]],
        capture_output=True, text=True, cwd=here, env=environment(ARXIVBOT_PROGRESS_SECONDS="0"),
    )

    assert done.returncode == 0, done.stderr
    assert "fitting" not in done.stderr
    assert "done in" not in done.stderr
    assert "wrote" in done.stdout
