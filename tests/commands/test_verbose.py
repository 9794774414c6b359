"""``-v`` says what long work reads and from where, on stderr; without it those lines stay out."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

MODEL = Path(__file__).parents[1] / "fixtures" / "model"


def train(tmp_path: Path, *flags: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "arxivbot", *flags, "-q", "train", "--list", str(MODEL / "list.md"),
         "--listings", str(MODEL / "days"), "--abstracts", str(MODEL / "abstracts.jsonl"),
         "--no-api", "--out", str(tmp_path / "m.json")],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )


def test_verbose_train_says_what_it_read(tmp_path: Path) -> None:
    """train -v logs the listings it read (papers, files, days) and where abstracts come from."""
    done = train(tmp_path, "-v")

    assert done.returncode == 0, done.stderr
    info = [line for line in done.stderr.splitlines() if line.startswith("INFO: ")]
    assert any(line.startswith("INFO: listings: ") and " papers from " in line for line in info)
    assert any("abstracts: " in line and "no API (--no-api)" in line for line in info)
    assert "INFO" not in done.stdout


def test_without_verbose_no_info_lines(tmp_path: Path) -> None:
    """Without -v the same run logs no INFO lines."""
    done = train(tmp_path)

    assert done.returncode == 0, done.stderr
    assert "INFO" not in done.stderr
