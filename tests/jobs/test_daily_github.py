"""The daily run on the GitHub path: real PyGithub against a local GitHub over real git.

The scenarios of the daily-run issue, through the whole pipeline: first run, same-day rerun,
next day beside an open PR, empty day, a 5xx part-way, the list changed on the base branch,
and the command line with the token from the environment.
"""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub
from tests.run_data import DAY, FIXTURE_LIST, RL, day_papers, listing, paper, tiny_model

from arxivbot.config import PublishSettings, Settings
from arxivbot.errors import PublishError
from arxivbot.jobs import daily
from arxivbot.model.classifier import RelevanceModel
from arxivbot.model.store import save_model
from arxivbot.proposal import prmeta
from arxivbot.publish.github import GitHubPublisher
from arxivbot.sources.replay import write_papers

TOKEN = "ghs_runTestToken0123456789abcdef"


@pytest.fixture(scope="module")
def model() -> RelevanceModel:
    return tiny_model()


@pytest.fixture
def server(tmp_path: Path) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": FIXTURE_LIST.read_bytes()}, token=TOKEN) as fake:
        yield fake


def publisher(server: FakeGitHub) -> GitHubPublisher:
    return GitHubPublisher(
        server.full_name, "README.md", None, token=TOKEN, base_url=server.base_url,
        backoff_factor=0.0, seconds_between_writes=None,
    )


def writes(server: FakeGitHub) -> list[str]:
    return [f"{r.method} {r.path}" for r in server.requests if r.method != "GET"]


def bodies(server: FakeGitHub) -> list[str]:
    """The PRs' bodies, oldest first."""
    return [pr.body for _, pr in sorted(server.pulls.items())]


def list_on(server: FakeGitHub, branch: str) -> str:
    return server.git("show", f"{branch}:README.md").decode()


def test_first_run_opens_one_pr(server: FakeGitHub, model: RelevanceModel) -> None:
    """The first run on GitHub opens one PR whose block and branch hold the day's candidates."""
    report = daily.run(listing(day_papers()), publisher(server), model, Settings())

    assert report.result is not None
    assert report.result.action == "created"
    assert len(server.pulls) == 1
    meta = prmeta.extract(bodies(server)[0])
    assert meta is not None
    assert sorted(meta.ids) == ["2505.10001", "2505.10002"]
    new_text = list_on(server, f"arxivbot/{DAY}")
    assert "[LongVid-R1]" in new_text
    assert new_text.startswith(FIXTURE_LIST.read_text(encoding="utf-8")[:40])


def test_rerun_same_day_updates_the_same_pr(server: FakeGitHub, model: RelevanceModel) -> None:
    """A same-day rerun on GitHub leaves the one PR unchanged and writes nothing."""
    daily.run(listing(day_papers()), publisher(server), model, Settings())
    writes_before = len(writes(server))

    again = daily.run(listing(day_papers()), publisher(server), model, Settings())

    assert again.result is not None
    assert again.result.action == "unchanged"
    assert len(server.pulls) == 1
    assert len(writes(server)) == writes_before  # nothing written the second time


PER_DAY = dataclasses.replace(Settings(), publish=PublishSettings(rolling=False))
NEWCOMER = paper("2505.20003", "Chart-GRPO: Reinforcement Learning for Chart Image Reasoning "
                 "in MLLMs\n" + RL + "chart image question answering rewards.", "2025-05-21")


def test_next_day_joins_the_open_rolling_pr(server: FakeGitHub, model: RelevanceModel) -> None:
    """The next day's papers join the open rolling PR, grouped by day, instead of a second PR."""
    first = daily.run(listing(day_papers()), publisher(server), model, Settings())

    report = daily.run(
        listing([*day_papers(), NEWCOMER], "2025-05-21"), publisher(server), model, Settings()
    )

    assert len(server.pulls) == 1  # one rolling PR, not a second one
    assert report.result is not None
    assert report.result.action == "updated"
    meta = prmeta.extract(bodies(server)[0])
    assert meta is not None
    assert set(meta.ids) == {c.paper.id for c in first.candidates} | {"2505.20003"}
    assert {p.id: p.day for p in meta.papers}["2505.20003"] == "2025-05-21"
    assert "#### From 2025-05-21" in bodies(server)[0]
    assert "2025-05-20 to 2025-05-21" in report.title


def test_next_day_repeats_none_of_the_open_prs_papers(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """With per-day PRs, the next day proposes none of the open PR's papers again."""
    daily.run(listing(day_papers()), publisher(server), model, PER_DAY)

    report = daily.run(
        listing([*day_papers(), NEWCOMER], "2025-05-21"), publisher(server), model, PER_DAY
    )

    assert [c.paper.id for c in report.candidates] == ["2505.20003"]
    assert len(server.pulls) == 2
    second = prmeta.extract(bodies(server)[1])
    assert second is not None
    assert second.ids == ("2505.20003",)


def test_empty_day_opens_nothing(server: FakeGitHub, model: RelevanceModel) -> None:
    """An empty day opens nothing and does not even read GitHub."""
    report = daily.run(listing([]), publisher(server), model, Settings())

    assert report.status == daily.NO_ANNOUNCEMENTS
    assert server.requests == []  # not even a read: the day was empty before anything else
    assert server.pulls == {}


def test_5xx_part_way_leaves_nothing_and_a_rerun_completes(
    server: FakeGitHub, model: RelevanceModel
) -> None:
    """A 5xx part-way leaves no PR or branch, and a rerun completes."""
    server.fail("POST", r"/pulls$", kind="500", times=10)

    with pytest.raises(PublishError):
        daily.run(listing(day_papers()), publisher(server), model, Settings())

    assert server.pulls == {}
    assert server.branch_sha(f"arxivbot/{DAY}") is None
    server.clear_faults()
    report = daily.run(listing(day_papers()), publisher(server), model, Settings())
    assert report.result is not None
    assert report.result.action == "created"
    assert len(server.pulls) == 1


def test_list_changed_on_the_base_between_runs(server: FakeGitHub, model: RelevanceModel) -> None:
    """When the list changed on main, the rerun proposes on the new main and keeps the maintainer's
    text."""
    daily.run(listing(day_papers()), publisher(server), model, Settings())
    edited = list_on(server, "main").replace(
        "## Video", "## Video\n\nA note the maintainer added.", 1
    )
    server.commit_file("main", "README.md", edited.encode(), "Maintainer edit")

    daily.run(listing(day_papers()), publisher(server), model, Settings())

    proposal = list_on(server, f"arxivbot/{DAY}")
    assert "A note the maintainer added." in proposal
    assert "[LongVid-R1]" in proposal
    head = server.branch_sha(f"arxivbot/{DAY}")
    assert head is not None
    assert server.parents(head) == [server.branch_sha("main")]
    assert len(server.pulls) == 1


def test_cli_on_github_reads_the_token_from_the_environment(
    server: FakeGitHub, model: RelevanceModel, tmp_path: Path
) -> None:
    """The CLI reads the token from the environment and says which variable is missing."""
    model_path = tmp_path / "model.json"
    save_model(model, model_path)
    day_file = tmp_path / f"{DAY}.jsonl"
    with open(day_file, "w", encoding="utf-8") as out:
        write_papers(day_papers(), out)
    config = tmp_path / "arxivbot.yaml"
    config.write_text(f"publish:\n  api_url: {server.base_url}\n", encoding="utf-8")
    args = [sys.executable, "-m", "arxivbot", "-v", "run", "--publisher", "github",
            "--repository", server.full_name, "--listings", str(day_file),
            "--model", str(model_path), "--config", str(config)]

    missing = subprocess.run(args, capture_output=True, text=True, env={"PATH": "/usr/bin:/bin"})
    done = subprocess.run(args, capture_output=True, text=True,
                          env={"PATH": "/usr/bin:/bin", "GITHUB_TOKEN": TOKEN})

    assert missing.returncode == 2
    assert "GITHUB_TOKEN" in missing.stderr
    assert done.returncode == 0, done.stderr
    assert "created" in done.stdout
    assert TOKEN not in done.stdout + done.stderr
    assert len(server.pulls) == 1
