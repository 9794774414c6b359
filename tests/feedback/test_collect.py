"""feedback: one decision per proposed paper, read back from the bot's PRs as the maintainers left
them — through the real PyGithub code path against a local GitHub, and through real git."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner
from tests.github_server import FakeGitHub

from arxivbot.cli import cli
from arxivbot.feedback.collect import collect, comment_commands, decide, edits
from arxivbot.feedback.decisions import Decision, append_decisions, read_decisions, rejected_ids
from arxivbot.proposal import prmeta
from arxivbot.publish import BotPullRequest, Publisher
from arxivbot.publish.github import GitHubPublisher
from arxivbot.publish.local import LocalPublisher
from arxivbot.records import PullRequestDraft

LIST = Path(__file__).parents[1] / "fixtures" / "feedback" / "list.md"
REASONING = "Papers / Reasoning"
PERCEPTION = "Papers / Perception"

# Three proposals: (id, section, the entry line the bot renders).
A = ("2505.00011", REASONING,
     "* [2505] [ThinkRL] [Thinking with images through reinforcement learning]"
     "(https://arxiv.org/abs/2505.00011)")
B = ("2505.00012", REASONING,
     "* [2505] [Vrm] [Verifiable reward models for video question answering]"
     "(https://arxiv.org/abs/2505.00012)")
C = ("2505.00013", PERCEPTION,
     "* [2505] [SegZero] [Segmentation by zero-shot policy optimization]"
     "(https://arxiv.org/abs/2505.00013)")


def propose(publisher: Publisher, day: str, papers: Sequence[tuple[str, str, str]]) -> None:
    """Publish a proposal as the daily run does: entries appended to their sections, and the
    hidden block with each entry's digest in the body."""
    snapshot = publisher.read_list()
    text = snapshot.content.decode()
    for _, section, line in papers:
        anchor = {REASONING: "(https://arxiv.org/abs/2503.00002)\n",
                  PERCEPTION: "(https://arxiv.org/abs/2503.00003)\n"}[section]
        text = text.replace(anchor, anchor + line + "\n", 1)
    meta = prmeta.ProposalMeta(
        day=day, model="test", list_path=snapshot.path,
        papers=tuple(prmeta.ProposedPaper(id=i, score=0.9, section=s,
                                          entry_sha1=prmeta.entry_digest(line))
                     for i, s, line in papers),
    )
    publisher.publish(PullRequestDraft(
        branch=f"arxivbot/{day}", title=f"arxivbot: {len(papers)} candidate papers, {day}",
        body="Proposed papers.\n\n" + prmeta.embed(meta), list_path=snapshot.path,
        new_content=text.encode(), base_revision=snapshot.revision,
        commit_message=f"Propose papers for {day}", paper_ids=tuple(p[0] for p in papers),
    ))


def delete_a_and_move_b(content: bytes) -> bytes:
    """The maintainer's edit: drop A's line; rename B and move it to Perception."""
    text = content.decode().replace(A[2] + "\n", "").replace(B[2] + "\n", "")
    edited = B[2].replace("[Vrm]", "[VRM-Video]")
    anchor = "(https://arxiv.org/abs/2505.00013)\n"
    return text.replace(anchor, anchor + edited + "\n").encode()


@pytest.fixture
def github(tmp_path: Path) -> Iterator[tuple[FakeGitHub, GitHubPublisher]]:
    with FakeGitHub(tmp_path, {"README.md": LIST.read_bytes()}) as server:
        publisher = GitHubPublisher(
            server.full_name, "README.md", "main", token=server.token,
            base_url=server.base_url, retries=0, seconds_between_writes=None,
        )
        yield server, publisher


def by_id(decisions: Sequence[Decision]) -> dict[str, Decision]:
    return {d.id: d for d in decisions}


def test_merged_after_edits_one_rejected_the_rest_accepted_where_they_ended(
    github: tuple[FakeGitHub, GitHubPublisher],
) -> None:
    """A PR merged after edits: the deleted paper is rejected, the rest accepted in the section
    where they ended."""
    server, publisher = github
    propose(publisher, "2025-05-20", [A, B, C])
    (number,) = server.pulls
    server.merge_pull(number, edit=delete_a_and_move_b, path="README.md")

    report = collect(publisher)

    got = by_id(report.decisions)
    assert report.pulls_read == 1
    assert report.skipped == ()
    assert (got[A[0]].decision, got[A[0]].how) == ("rejected", "deleted-before-merge")
    assert (got[B[0]].decision, got[B[0]].how) == ("accepted", "merged")
    assert got[B[0]].section == PERCEPTION
    assert got[B[0]].proposed_section == REASONING
    assert "[VRM-Video]" in got[B[0]].line
    assert (got[C[0]].decision, got[C[0]].section, got[C[0]].line) == ("accepted", PERCEPTION, "")
    assert {d.day for d in report.decisions} == {"2025-05-20"}
    assert {d.pr for d in report.decisions} == {f"#{number}"}
    assert [d.id for d in edits(report.decisions)] == [B[0]]


def test_closed_unmerged_rejects_every_paper(github: tuple[FakeGitHub, GitHubPublisher]) -> None:
    """A PR closed without merging rejects every paper it proposed."""
    server, publisher = github
    propose(publisher, "2025-05-21", [A, C])
    (number,) = server.pulls
    server.close_pull(number)

    report = collect(publisher)

    assert [(d.id, d.decision, d.how) for d in report.decisions] == [
        (A[0], "rejected", "closed-unmerged"), (C[0], "rejected", "closed-unmerged")]


def test_comment_commands_override_and_the_latest_wins(
    github: tuple[FakeGitHub, GitHubPublisher],
) -> None:
    """Comment commands override what the merge says, and the latest command for a paper wins."""
    server, publisher = github
    propose(publisher, "2025-05-20", [A, B, C])
    (number,) = server.pulls
    server.add_comment(number, "Looks good.\narxivbot reject 2505.00013v2\n")
    server.add_comment(number, "> arxivbot accept 2505.00013\nOn second thought, keep A:\n"
                               "`arxivbot accept 2505.00011`")
    server.merge_pull(number, edit=delete_a_and_move_b, path="README.md")

    got = by_id(collect(publisher).decisions)

    # A's line was deleted, but the comment accepts it; C stays rejected (a quote is no command).
    assert (got[A[0]].decision, got[A[0]].how) == ("accepted", "comment")
    assert (got[C[0]].decision, got[C[0]].how) == ("rejected", "comment")
    assert (got[B[0]].decision, got[B[0]].how) == ("accepted", "merged")


def test_commands_from_people_without_write_access_are_ignored(
    github: tuple[FakeGitHub, GitHubPublisher],
) -> None:
    """On a public repository anyone can comment; only collaborators steer the model."""
    server, publisher = github
    propose(publisher, "2025-05-20", [A, B])
    (number,) = server.pulls
    server.add_comment(number, "arxivbot reject 2505.00011", user="drive-by",
                       association="NONE")
    server.add_comment(number, "arxivbot reject 2505.00012", user="helper",
                       association="COLLABORATOR")
    server.merge_pull(number)

    got = by_id(collect(publisher).decisions)

    assert (got[A[0]].decision, got[A[0]].how) == ("accepted", "merged")
    assert (got[B[0]].decision, got[B[0]].how) == ("rejected", "comment")


def test_reading_the_same_prs_twice_adds_nothing(
    github: tuple[FakeGitHub, GitHubPublisher], tmp_path: Path,
) -> None:
    """Reading the same PRs again appends no decision; a state change appends only the new ones."""
    server, publisher = github
    decisions = tmp_path / "models" / "decisions.jsonl"
    propose(publisher, "2025-05-20", [A, B])
    first = append_decisions(decisions, collect(publisher).decisions)
    assert [(d.decision, d.how) for d in first] == [("pending", "open")] * 2

    assert append_decisions(decisions, collect(publisher).decisions) == []
    (number,) = server.pulls
    server.merge_pull(number)
    merged = append_decisions(decisions, collect(publisher).decisions)
    again = append_decisions(decisions, collect(publisher).decisions)

    assert [(d.id, d.decision) for d in merged] == [(A[0], "accepted"), (B[0], "accepted")]
    assert again == []
    assert len(decisions.read_text(encoding="utf-8").splitlines()) == 4
    assert rejected_ids(read_decisions(decisions)) == frozenset()


def test_the_feedback_command_records_decisions_through_github(
    github: tuple[FakeGitHub, GitHubPublisher], tmp_path: Path,
) -> None:
    """The feedback command records decisions through GitHub and reports the counts; a second run
    adds none."""
    server, publisher = github
    propose(publisher, "2025-05-20", [A, B, C])
    (number,) = server.pulls
    server.merge_pull(number, edit=delete_a_and_move_b, path="README.md")
    config = tmp_path / "arxivbot.yaml"
    config.write_text(f"publish:\n  api_url: {server.base_url}\n", encoding="utf-8")
    decisions = tmp_path / "decisions.jsonl"
    args = ["feedback", "--config", str(config), "--publisher", "github", "--repository",
            server.full_name, "--list", "README.md", "--decisions", str(decisions)]
    runner = CliRunner()
    env = {"GITHUB_TOKEN": server.token}

    first = runner.invoke(cli, args, env=env)
    second = runner.invoke(cli, args, env=env)

    assert first.exit_code == 0, first.output
    assert "2 accepted, 1 rejected, 0 pending" in first.output
    assert "3 new decisions" in first.output
    assert "0 new decisions" in second.output
    assert rejected_ids(read_decisions(decisions)) == {A[0]}


# ---- the local publisher, over a real git repository ----------------------------------------


def git(repo: Path, *args: str) -> str:
    env = {**os.environ, "GIT_AUTHOR_NAME": "m", "GIT_AUTHOR_EMAIL": "m@x.invalid",
           "GIT_COMMITTER_NAME": "m", "GIT_COMMITTER_EMAIL": "m@x.invalid"}
    return subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True,
                          text=True, env=env).stdout


def test_local_proposal_merged_with_edits(tmp_path: Path) -> None:
    """A local proposal merged with edits gives the same decisions, with the edited line kept."""
    repo = tmp_path / "list"
    repo.mkdir()
    (repo / "README.md").write_bytes(LIST.read_bytes())
    git(repo, "init", "--quiet", "--initial-branch=main")
    git(repo, "add", "README.md")
    git(repo, "commit", "--quiet", "-m", "list")
    publisher = LocalPublisher(repo, "README.md", "main")
    propose(publisher, "2025-05-22", [A, B, C])
    # The maintainer edits the proposal on its branch, then merges it.
    git(repo, "checkout", "--quiet", "arxivbot/2025-05-22")
    readme = repo / "README.md"
    readme.write_bytes(delete_a_and_move_b(readme.read_bytes()))
    git(repo, "commit", "--quiet", "-am", "edit")
    git(repo, "checkout", "--quiet", "main")
    git(repo, "merge", "--quiet", "--no-ff", "-m", "merge", "arxivbot/2025-05-22")

    got = by_id(collect(publisher).decisions)

    assert got[A[0]].decision == "rejected"
    assert got[A[0]].how == "deleted-before-merge"
    assert got[B[0]].section == PERCEPTION
    assert "[VRM-Video]" in got[B[0]].line
    assert got[C[0]].decision == "accepted"
    assert got[C[0]].pr == "arxivbot/2025-05-22"


# ---- pure rules -------------------------------------------------------------------------------


def test_comment_commands_read_one_per_line_and_ignore_the_rest() -> None:
    """Commands are read one per line (several ids, versions tolerated); quoted lines and prose are
    ignored."""
    comments = [
        "arxivbot reject 2505.00001\n  arxivbot ACCEPT 2505.00002v3, 2505.00003\n",
        "please arxivbot reject 2505.00004 (not at line start)\n> arxivbot reject 2505.00002",
        "arxivbot reject not-an-id",
        "arxivbot accept 2505.00001",
    ]

    assert comment_commands(comments) == {
        "2505.00001": "accepted", "2505.00002": "accepted", "2505.00003": "accepted"}


def test_a_pr_without_a_proposal_block_gives_no_decisions() -> None:
    """A PR without a proposal block gives no decisions."""
    pr = BotPullRequest(number=3, branch="arxivbot/x", title="t", body="no block", state="closed",
                        head_sha="0" * 40, merge_sha=None, base_sha=None)

    assert decide(pr) == []
