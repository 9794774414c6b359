"""`arxivbot comment`: a collaborator's command on the bot's PR is recorded and answered at
once; an unknown one gets a help line; others' comments are ignored. Local GitHub server."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import FakeGitHub
from tests.run_data import FIXTURE_LIST, day_papers, listing, tiny_model

from arxivbot.cli import cli
from arxivbot.config import Settings
from arxivbot.feedback.comment_command import HELP, parse_comment
from arxivbot.jobs import daily
from arxivbot.publish.github import GitHubPublisher

TOKEN = "ghs_commentTestToken0123456789abcdef"


@pytest.fixture
def proposed(tmp_path: Path) -> Iterator[tuple[FakeGitHub, str]]:
    with FakeGitHub(tmp_path, {"README.md": FIXTURE_LIST.read_bytes()}, token=TOKEN) as hub:
        publisher = GitHubPublisher(hub.full_name, "README.md", None, token=TOKEN,
                                    base_url=hub.base_url, backoff_factor=0.0,
                                    seconds_between_writes=None)
        report = daily.run(listing(day_papers()), publisher, tiny_model(), Settings())
        assert report.result is not None
        hub.pr_number = report.result.number  # type: ignore[attr-defined]
        yield hub, report.candidates[0].paper.id


def answer(hub: FakeGitHub, tmp_path: Path, body: str, association: str = "OWNER"):  # type: ignore[no-untyped-def]
    config = tmp_path / "arxivbot.yaml"
    config.write_text(
        f"publish:\n  publisher: github\n  api_url: {hub.base_url}\n"
        f"list:\n  repository: {hub.full_name}\n"
        f"feedback:\n  decisions_path: {tmp_path / 'decisions.jsonl'}\n",
        encoding="utf-8",
    )
    number = hub.pr_number  # type: ignore[attr-defined]
    hub.add_comment(number, body, association=association)
    return CliRunner().invoke(
        cli, ["comment", "--config", str(config), "--pr", str(number)],
        env={"GITHUB_TOKEN": TOKEN, "ARXIVBOT_COMMENT_BODY": body,
             "ARXIVBOT_COMMENT_ASSOCIATION": association},
    )


def bot_replies(hub: FakeGitHub) -> list[str]:
    number = hub.pr_number  # type: ignore[attr-defined]
    return [c["body"] for c in hub.comments.get(number, [])
            if c["user"]["login"] != "maintainer"]


def test_a_reject_is_recorded_and_confirmed_at_once(
    proposed: tuple[FakeGitHub, str], tmp_path: Path
) -> None:
    """A collaborator's reject comment is recorded at once and confirmed in a reply."""
    hub, paper_id = proposed
    result = answer(hub, tmp_path, f"arxivbot reject {paper_id}")

    assert result.exit_code == 0, result.output
    lines = (tmp_path / "decisions.jsonl").read_text(encoding="utf-8").splitlines()
    decided = {json.loads(line)["id"]: json.loads(line)["decision"] for line in lines}
    assert decided[paper_id] == "rejected"
    assert bot_replies(hub) == [f"Recorded: `{paper_id}` rejected."]


def test_an_unknown_command_gets_one_line_of_help(
    proposed: tuple[FakeGitHub, str], tmp_path: Path
) -> None:
    """An unknown command gets one line of help and records nothing."""
    hub, _ = proposed
    result = answer(hub, tmp_path, "arxivbot please retrain")

    assert result.exit_code == 0, result.output
    assert bot_replies(hub) == [f"Sorry, I did not understand that. {HELP}"]
    assert not (tmp_path / "decisions.jsonl").exists()


def test_a_stranger_is_ignored(proposed: tuple[FakeGitHub, str], tmp_path: Path) -> None:
    """A comment from someone without write access is ignored without a reply."""
    hub, paper_id = proposed
    result = answer(hub, tmp_path, f"arxivbot accept {paper_id}", association="NONE")

    assert result.exit_code == 0
    assert "ignored" in result.output
    assert bot_replies(hub) == []


def test_comments_not_for_the_bot_are_not_commands() -> None:
    """Comments that merely mention the bot are not commands; a real one is parsed."""
    assert parse_comment("LGTM, thanks arxivbot!") is None
    command = parse_comment("`arxivbot accept 2505.00001`")
    assert command is not None
    assert command.verdicts == {"2505.00001": "accepted"}
