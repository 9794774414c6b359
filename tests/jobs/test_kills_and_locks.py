"""State that cannot lie, one run at a time (local publisher), with real kills.

A git ``reference-transaction`` hook kills the running ``arxivbot run`` (SIGKILL, no clean-up
possible) at the moment git is about to move, or has just moved, the proposal's branch. Then
``feedback`` must record nothing as rejected (no maintainer saw anything), and a rerun must
propose the papers, saying what it cleaned up. Two runs at once: both finish, one proposal.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from tests.run_data import DAY, FIXTURE_LIST, day_papers, tiny_model

from arxivbot.errors import PublishError
from arxivbot.model.store import save_model
from arxivbot.publish.local import LocalPublisher
from arxivbot.sources.replay import write_papers

GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "PATH": "/usr/bin:/bin",
}
# Kills the arxivbot process (the hook's grandparent: hook <- git <- python) at one step;
# at "prepared" git then aborts the update (the branch never moves), at "committed" it has
# already moved.
HOOK = """#!/bin/sh
state="$1"
grep -q "refs/heads/arxivbot/" || exit 0
[ "$state" = "{step}" ] || exit 0
[ -e "{armed}" ] || exit 0
rm -f "{armed}"
python_pid=$(awk '{{print $4}}' /proc/$PPID/stat)
kill -9 "$python_pid"
exit 1
"""


@pytest.fixture
def setup(tmp_path: Path) -> tuple[Path, list[str]]:
    repo = tmp_path / "awesome"
    repo.mkdir()
    (repo / "README.md").write_bytes(FIXTURE_LIST.read_bytes())
    for args in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                 ["commit", "-q", "-m", "list"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=GIT_ENV)
    save_model(tiny_model(), tmp_path / "model.json")
    with open(tmp_path / f"{DAY}.jsonl", "w", encoding="utf-8") as out:
        write_papers(day_papers(), out)
    run = [sys.executable, "-m", "arxivbot", "run", "--list", "README.md", "--listings",
           str(tmp_path / f"{DAY}.jsonl"), "--publisher", "local",
           "--model", str(tmp_path / "model.json")]
    return repo, run


def arxivbot(repo: Path, args: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=repo, capture_output=True, text=True, timeout=60,
                          env=GIT_ENV)


def feedback(repo: Path) -> list[dict[str, object]]:
    decisions = repo / "decisions.jsonl"
    done = arxivbot(repo, [sys.executable, "-m", "arxivbot", "feedback", "--list", "README.md",
                           "--publisher", "local", "--decisions", str(decisions)])
    assert done.returncode == 0, done.stderr
    if not decisions.exists():
        return []
    return [json.loads(line) for line in decisions.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("step", ["prepared", "committed"])
def test_a_run_killed_while_moving_the_branch_leaves_no_false_rejection(
    setup: tuple[Path, list[str]], step: str
) -> None:
    """A run killed while publishing leaves no false rejection, and the rerun proposes."""
    repo, run = setup
    armed = repo / ".git" / "kill-armed"
    armed.touch()
    hook = repo / ".git" / "hooks" / "reference-transaction"
    hook.write_text(HOOK.format(step=step, armed=armed), encoding="utf-8")
    hook.chmod(0o755)

    killed = arxivbot(repo, run)
    assert killed.returncode == -9

    rejected = [d for d in feedback(repo) if d.get("decision") == "rejected"]
    assert rejected == []

    again = arxivbot(repo, run)
    assert again.returncode == 0, again.stderr
    assert "2 candidates" in again.stdout
    branches = subprocess.run(["git", "-C", str(repo), "branch", "--list", "arxivbot/*"],
                              capture_output=True, text=True, check=True).stdout.split()
    assert branches == [f"arxivbot/{DAY}"]
    records = list((repo / ".git" / "arxivbot").glob("*.md"))
    assert len(records) == 1
    assert "state: open" in records[0].read_text(encoding="utf-8")


def test_a_second_run_waits_for_the_lock_then_says_so(setup: tuple[Path, list[str]]) -> None:
    """A second run waits for the lock and then stops with a message naming the holder."""
    repo, _ = setup
    publisher = LocalPublisher(repo, "README.md")
    with publisher.lock():
        other = LocalPublisher(repo, "README.md")
        with pytest.raises(PublishError, match=r"another arxivbot run \(pid \d+\) is publishing"), \
                other.lock(wait_seconds=0.2):
            pass
    with LocalPublisher(repo, "README.md").lock(wait_seconds=0.2):
        pass  # released


def test_two_runs_at_once_give_one_proposal(setup: tuple[Path, list[str]]) -> None:
    """Two runs at once on one repository give one proposal with one open record and its branch."""
    repo, run = setup
    for _ in range(1):
        procs = [subprocess.Popen(run, cwd=repo, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE, text=True, env=GIT_ENV)
                 for _ in range(2)]
        outcomes = [(*p.communicate(timeout=60), p.returncode) for p in procs]
        for _out, err, code in outcomes:
            assert code == 0, err
    records = list((repo / ".git" / "arxivbot").glob("*.md"))
    assert len(records) == 1
    assert "state: open" in records[0].read_text(encoding="utf-8")
    assert subprocess.run(["git", "-C", str(repo), "rev-parse", f"arxivbot/{DAY}"],
                          capture_output=True).returncode == 0
