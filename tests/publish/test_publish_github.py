"""The GitHub publisher through real PyGithub against a local GitHub over a real git repository.

Each scenario checks what the server saw and what git holds afterwards.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from pathlib import Path

import pytest
from tests.github_server import FakeGitHub

from arxivbot.errors import ConfigError, PublishError
from arxivbot.proposal import prmeta
from arxivbot.publish import proposed_ids
from arxivbot.publish.github import GitHubPublisher
from arxivbot.records import PullRequestDraft

TOKEN = "ghs_sEcReT0123456789abcdefTOKEN"
LIST = (
    b"# Awesome Things\n\n## Papers\n\n"
    b"- **Alpha**: first. [arXiv](https://arxiv.org/abs/2501.00001)\n"
)


@pytest.fixture
def server(tmp_path: Path, request: pytest.FixtureRequest) -> Iterator[FakeGitHub]:
    with FakeGitHub(tmp_path, {"README.md": LIST}, token=TOKEN) as fake:
        yield fake
        # What the server saw, per endpoint (shown with `pytest -s`; quoted in the PR note).
        print(f"\n[{request.node.name}] {len(fake.requests)} requests: {fake.summary()}")


def make_publisher(server: FakeGitHub, base_branch: str | None = "main",
                   **kwargs: object) -> GitHubPublisher:
    options: dict[str, object] = {
        "token": TOKEN,
        "base_url": server.base_url,
        "backoff_factor": 0.0,  # retries stay real, only without sleeping
        "seconds_between_writes": None,
        **kwargs,
    }
    return GitHubPublisher(server.full_name, "README.md", base_branch, **options)  # type: ignore[arg-type]


def make_draft(publisher: GitHubPublisher, day: str, ids: Sequence[str]) -> PullRequestDraft:
    """A proposal computed the way the run does: from the list as it is on the base now."""
    snapshot = publisher.read_list()
    entries = "".join(f"- **P{i}**: new. [arXiv](https://arxiv.org/abs/{i})\n" for i in ids)
    meta = prmeta.ProposalMeta(
        day=day, model="m1", papers=tuple(prmeta.ProposedPaper(i, 0.9, "Papers") for i in ids)
    )
    return PullRequestDraft(
        branch=f"arxivbot/{day}",
        title=f"arXiv {day}: {len(ids)} candidates",
        body=f"Candidates for {day}.\n\n{prmeta.embed(meta)}",
        list_path="README.md",
        new_content=snapshot.content + entries.encode(),
        base_revision=snapshot.revision,
        commit_message=f"Propose {len(ids)} papers from arXiv {day}",
        labels=("arxivbot",),
        paper_ids=tuple(ids),
    )


def test_first_run_opens_one_pr_with_one_commit_on_main(server: FakeGitHub) -> None:
    """The first publish opens one PR whose branch is exactly one commit on main holding the new
    list."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"])
    main_before = server.branch_sha("main")

    result = publisher.publish(draft)

    assert (result.action, result.number) == ("created", 2)
    assert result.url
    assert result.url.endswith("/pull/2")
    head = server.branch_sha("arxivbot/2025-05-20")
    assert head is not None
    assert server.parents(head) == [main_before]  # one commit, directly on main
    assert server.file_at(head, "README.md") == draft.new_content
    assert server.branch_sha("main") == main_before  # the base is untouched
    diff = server.git("diff", "main", head).decode()
    added = [ln for ln in diff.splitlines() if ln.startswith("+") and not ln.startswith("+++")]
    assert added == ["+- **P2505.00001**: new. [arXiv](https://arxiv.org/abs/2505.00001)",
                     "+- **P2505.00002**: new. [arXiv](https://arxiv.org/abs/2505.00002)"]
    assert not [ln for ln in diff.splitlines() if ln.startswith("-") and not ln.startswith("---")]
    (pr,) = server.pulls.values()
    assert (pr.head, pr.base, pr.title, pr.labels) == (
        "arxivbot/2025-05-20", "main", draft.title, ["arxivbot"])
    assert server.labels["arxivbot"]["description"]  # created by us, not implicitly
    assert server.count("POST", r"/pulls$") == 1
    assert server.count("POST", r"/awesome-list/labels$") == 1
    assert server.count("POST", r"/issues/2/labels$") == 1
    assert all(r.authorized for r in server.requests)


def test_rerun_same_day_updates_the_same_pr_and_opens_nothing(server: FakeGitHub) -> None:
    """A same-day rerun updates the same PR and moves its branch to one fresh commit on main, never
    opening a second PR."""
    publisher = make_publisher(server)
    first = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    seen = len(server.requests)

    second_draft = make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00003"])
    second = publisher.publish(second_draft)

    assert (second.action, second.number) == ("updated", first.number)
    assert len(server.pulls) == 1
    assert server.count("POST", r"/pulls$") == 1
    head = server.branch_sha("arxivbot/2025-05-20")
    assert head is not None
    assert server.parents(head) == [server.branch_sha("main")]  # still one commit, not stacked
    assert server.file_at(head, "README.md") == second_draft.new_content
    assert server.pulls[first.number or 0].title == second_draft.title
    assert server.count("PATCH", r"/git/refs/heads/") == 1  # one atomic move of the branch
    print("rerun:", _summary_since(server, seen))

    # The same proposal once more: nothing to write at all.
    seen = len(server.requests)
    third = publisher.publish(second_draft)
    assert third.action == "unchanged"
    assert [r for r in server.requests[seen:] if r.method != "GET"] == []


def test_next_day_sees_yesterdays_open_pr_and_its_papers(server: FakeGitHub) -> None:
    """The next day reads yesterday's open PR and its proposed papers with only three GETs."""
    publisher = make_publisher(server)
    publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"]))

    seen = len(server.requests)
    tomorrow = make_publisher(server)  # a new process the next day
    open_prs = tomorrow.open_proposals()

    assert [pr.branch for pr in open_prs] == ["arxivbot/2025-05-20"]
    assert proposed_ids(open_prs) == {"2505.00001", "2505.00002"}
    assert open_prs[0].state == "open"
    assert [r.method for r in server.requests[seen:]] == ["GET"] * 3  # repo, pulls, comments

    result = tomorrow.publish(make_draft(tomorrow, "2025-05-21", ["2505.00009"]))
    assert result.action == "created"
    assert sorted(pr.head for pr in server.pulls.values()) == [
        "arxivbot/2025-05-20", "arxivbot/2025-05-21"]
    assert [pr.branch for pr in tomorrow.open_proposals()] == [
        "arxivbot/2025-05-21", "arxivbot/2025-05-20"]  # newest first


def test_actions_not_allowed_to_open_prs_names_the_settings_toggle(server: FakeGitHub) -> None:
    """GitHub's 'Actions may not create pull requests' refusal names the settings toggle, does not
    suggest a rerun, and leaves no branch."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001"])
    server.fail("POST", r"/pulls$", kind="actions-may-not", times=10)

    with pytest.raises(PublishError) as failure:
        publisher.publish(draft)

    message = str(failure.value)
    assert "Allow GitHub Actions to create and approve pull requests" in message
    assert "Settings → Actions → General" in message
    assert "rerun" not in message  # a rerun fails the same way until a person changes it
    assert server.branches() == ["main"]
    assert server.count("POST", r"/pulls$") == 1  # not retried


@pytest.mark.parametrize("kind", ["500", "rate-limit", "disconnect"])
def test_failure_at_pr_creation_leaves_no_branch_and_a_rerun_completes(
    server: FakeGitHub, kind: str
) -> None:
    """A failure while opening the PR deletes the branch just made, and a rerun completes."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001"])
    server.fail("POST", r"/pulls$", kind=kind, times=10)  # more than the retries

    with pytest.raises(PublishError) as failure:
        publisher.publish(draft)

    message = str(failure.value)
    assert "opening the pull request" in message
    assert "rerun" in message
    assert server.branches() == ["main"]  # the branch made by this call was deleted again
    assert server.pulls == {}
    assert server.count("DELETE", r"/git/refs/heads/arxivbot/2025-05-20") == 1
    # Rate limits with a distant reset fail at once; 5xx and dropped connections are retried.
    attempts = server.count("POST", r"/pulls$")
    assert attempts == (1 if kind == "rate-limit" else 4)

    server.clear_faults()
    result = publisher.publish(draft)
    assert result.action == "created"
    assert len(server.pulls) == 1
    assert server.branches() == ["arxivbot/2025-05-20", "main"]


@pytest.mark.parametrize("kind", ["500", "rate-limit"])
def test_failure_after_the_branch_moved_restores_it(server: FakeGitHub, kind: str) -> None:
    """A failure after the branch moved puts it back where it was and leaves the PR's text
    unchanged."""
    publisher = make_publisher(server)
    first = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    before = server.branch_sha("arxivbot/2025-05-20")
    body_before = server.pulls[first.number or 0].body
    server.fail("PATCH", r"/pulls/\d+$", kind=kind, times=10)

    with pytest.raises(PublishError, match="rerun"):
        publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"]))

    assert server.branch_sha("arxivbot/2025-05-20") == before  # moved back
    assert server.count("PATCH", r"/pulls/\d+$") == (1 if kind == "rate-limit" else 4)
    assert server.pulls[first.number or 0].body == body_before
    assert server.pulls[first.number or 0].state == "open"
    assert len(server.pulls) == 1

    server.clear_faults()
    again = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"]))
    assert (again.action, again.number) == ("updated", first.number)
    assert "2505.00002" in server.pulls[first.number or 0].body


def test_failure_while_writing_the_commit_creates_nothing(server: FakeGitHub) -> None:
    """A failure while writing the commit happens before any ref or PR exists, so nothing is
    created."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001"])
    server.fail("POST", r"/git/commits$", kind="500", times=10)

    with pytest.raises(PublishError, match="writing the commit"):
        publisher.publish(draft)

    assert server.branches() == ["main"]
    assert server.count("POST", r"/git/refs$") == 0
    assert server.pulls == {}


def test_a_retried_pr_creation_that_had_succeeded_is_adopted(server: FakeGitHub) -> None:
    """A retried PR creation that had in fact succeeded adopts that PR instead of opening a second
    one."""
    publisher = make_publisher(server)
    server.fail("POST", r"/pulls$", kind="500-after", times=1)

    result = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))

    assert result.action == "created"
    assert len(server.pulls) == 1  # the retry met "already exists"; no second PR
    assert server.count("POST", r"/pulls$", status=422) == 1
    assert server.pulls[result.number or 0].labels == ["arxivbot"]


def test_labels_failing_after_the_pr_opened_cost_only_the_labels(server: FakeGitHub) -> None:
    """Failing labels cost only the labels (said in the details), and a rerun adds them."""
    publisher = make_publisher(server)
    draft = make_draft(publisher, "2025-05-20", ["2505.00001"])
    server.fail("POST", r"/issues/\d+/labels$", kind="500", times=10)

    result = publisher.publish(draft)

    assert result.action == "created"
    assert any("labels not added" in line for line in result.details)
    assert server.pulls[result.number or 0].labels == []
    server.clear_faults()
    again = publisher.publish(draft)
    assert (again.action, again.details) == ("unchanged", ())
    assert server.pulls[result.number or 0].labels == ["arxivbot"]


def test_the_list_changed_on_the_base_between_runs(server: FakeGitHub) -> None:
    """When main moved between runs, the rerun's commit sits on the new main and keeps the
    maintainer's edit."""
    publisher = make_publisher(server)
    publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    edited = LIST + b"- **Beta**: added by hand. [arXiv](https://arxiv.org/abs/2502.00002)\n"
    new_main = server.commit_file("main", "README.md", edited, "Add Beta")

    rerun = make_draft(publisher, "2025-05-20", ["2505.00001"])  # the same day, new base
    assert rerun.base_revision == new_main
    assert publisher.publish(rerun).action == "updated"
    head = server.branch_sha("arxivbot/2025-05-20")
    assert head is not None
    assert server.parents(head) == [new_main]
    assert (server.file_at(head, "README.md") or b"").startswith(edited)

    tomorrow = make_draft(publisher, "2025-05-21", ["2505.00007"])
    publisher.publish(tomorrow)
    head = server.branch_sha("arxivbot/2025-05-21")
    assert head is not None
    assert server.parents(head) == [new_main]
    diff = server.git("diff", "main", head).decode().splitlines()
    removed = [ln for ln in diff if ln.startswith("-") and not ln.startswith("---")]
    assert removed == []  # the hand-made line is kept, not reverted by the proposal


def test_the_cap_on_open_bot_prs(server: FakeGitHub) -> None:
    """Past max_open_prs no new PR or branch is made, while an existing PR can still be updated."""
    publisher = make_publisher(server, max_open_prs=2)
    publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    publisher.publish(make_draft(publisher, "2025-05-21", ["2505.00002"]))

    with pytest.raises(PublishError, match=r"2 arxivbot pull requests are already open"):
        publisher.publish(make_draft(publisher, "2025-05-22", ["2505.00003"]))

    assert "arxivbot/2025-05-22" not in server.branches()
    assert len(server.pulls) == 2
    # Updating a PR that is already open is not blocked by the cap.
    update = publisher.publish(make_draft(publisher, "2025-05-21", ["2505.00002", "2505.00004"]))
    assert update.action == "updated"
    # A PR that is not the bot's does not count.
    server.commit_file("feature/x", "NOTES.md", b"x\n")
    server.pulls[99] = type(server.pulls[2])(99, "t", "", "feature/x", "main", "", "")
    assert len(publisher.open_proposals()) == 2


def test_a_proposal_closed_today_is_not_reopened(server: FakeGitHub) -> None:
    """A proposal closed without merging today is not reopened by a rerun."""
    publisher = make_publisher(server)
    first = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    server.close_pull(first.number or 0)

    with pytest.raises(PublishError, match="closed without merging"):
        publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    assert len(server.pulls) == 1


def test_bot_pull_requests_reports_merged_closed_and_open(server: FakeGitHub) -> None:
    """bot_pull_requests reports each bot PR as merged, closed or open, with merge sha, trusted
    comments and block."""
    publisher = make_publisher(server)
    merged = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"]))
    closed = publisher.publish(make_draft(publisher, "2025-05-21", ["2505.00003"]))
    server.add_comment(merged.number or 0, "arxivbot reject 2505.00002")
    merge_sha = server.merge_pull(
        merged.number or 0, path="README.md",
        edit=lambda text: text.replace(b"- **P2505.00002**: new. [arXiv](https://arxiv.org/abs/"
                                       b"2505.00002)\n", b""),
    )
    server.close_pull(closed.number or 0)
    opened = publisher.publish(make_draft(publisher, "2025-05-22", ["2505.00004"]))

    seen = len(server.requests)
    pulls = publisher.bot_pull_requests()

    assert [(pr.number, pr.state) for pr in pulls] == [
        (opened.number, "open"), (closed.number, "closed"), (merged.number, "merged")]
    done = pulls[2]
    assert done.merge_sha == merge_sha
    assert done.comments == ("arxivbot reject 2505.00002",)
    assert done.meta is not None
    assert done.meta.ids == ("2505.00001", "2505.00002")
    assert b"2505.00002" not in (server.file_at(done.head_sha, "README.md") or b"")
    assert pulls[1].merge_sha is None
    assert [pr.number for pr in publisher.bot_pull_requests("merged")] == [merged.number]
    assert [pr.number for pr in publisher.bot_pull_requests("closed")] == [closed.number]
    # One list request plus one comments request per PR; no per-PR `merged` look-ups.
    assert server.count("GET", r"/pulls/\d+$") == 0
    print("bot_pull_requests:", _summary_since(server, seen))


def test_read_list_is_byte_exact_and_falls_back_to_the_blob_api(tmp_path: Path) -> None:
    """read_list returns the exact bytes (through the blob API for big files) and names a missing
    list clearly."""
    odd = b"# L\r\n\r\n- caf\xc3\xa9 \xff\xfe not utf-8\r\n" * 20
    with FakeGitHub(tmp_path, {"docs/README.md": odd}, token=TOKEN,
                    content_size_limit=100) as fake:
        publisher = GitHubPublisher(fake.full_name, "docs/README.md", "main", token=TOKEN,
                                    base_url=fake.base_url, seconds_between_writes=None)
        snapshot = publisher.read_list()
        assert snapshot.content == odd
        assert snapshot.revision == fake.branch_sha("main")
        assert fake.count("GET", r"/git/blobs/") == 1  # the big-file path was taken
        assert publisher.read_list(snapshot.revision).content == odd

        missing = GitHubPublisher(fake.full_name, "README.md", "main", token=TOKEN,
                                  base_url=fake.base_url)
        with pytest.raises(ConfigError, match=r"README.md is not in"):
            missing.read_list()
        with pytest.raises(ConfigError, match="branch 'nope' does not exist"):
            publisher.read_list("nope")


def test_the_token_never_appears_in_errors_or_logs(
    server: FakeGitHub, caplog: pytest.LogCaptureFixture
) -> None:
    """The token appears in no repr, error message or log line, even when GitHub rejects it."""
    caplog.set_level(logging.DEBUG)
    publisher = make_publisher(server)
    assert TOKEN not in repr(publisher)
    server.fail("POST", r"/pulls$", kind="500", times=10)
    with pytest.raises(PublishError) as failed:
        publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    server.clear_faults()

    wrong = GitHubPublisher(server.full_name, "README.md", "main", token=TOKEN[::-1],
                            base_url=server.base_url)
    with pytest.raises(ConfigError, match="rejected the token") as rejected:
        wrong.read_list()

    for text in (str(failed.value), repr(failed.value), str(rejected.value), caplog.text):
        assert TOKEN not in text
        assert TOKEN[::-1] not in text
    assert caplog.text  # PyGithub did log the requests
    assert all(TOKEN not in str(r.headers) for r in server.requests)


def test_commits_a_maintainer_pushed_are_never_overwritten(server: FakeGitHub) -> None:
    """A commit a maintainer pushed to the bot's branch is never overwritten; the publisher refuses
    and says why."""
    publisher = make_publisher(server)
    first = publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    edited = server.commit_file("arxivbot/2025-05-20", "README.md", LIST + b"- by hand\n")

    with pytest.raises(PublishError, match=r"#2 has 1 commit\(s\) arxivbot did not make"):
        publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001", "2505.00002"]))

    assert server.branch_sha("arxivbot/2025-05-20") == edited
    assert server.pulls[first.number or 0].state == "open"


def test_a_fork_pr_with_a_forged_block_is_not_the_bots(server: FakeGitHub) -> None:
    """A fork's PR carrying a forged proposal block is not taken for one of the bot's own."""
    publisher = make_publisher(server, base_branch=None)  # None: the default branch
    publisher.publish(make_draft(publisher, "2025-05-20", ["2505.00001"]))
    forged = make_draft(publisher, "2025-05-21", ["2505.09999"])
    server.commit_file("arxivbot/2025-05-21", "README.md", forged.new_content)
    server.pulls[50] = type(server.pulls[2])(
        50, forged.title, forged.body, "arxivbot/2025-05-21", "main", "", "",
        head_repo="mallory/awesome-list")
    server.close_pull(50)  # a "rejection" feedback must not learn from

    assert publisher.base_branch == "main"
    assert [pr.number for pr in publisher.bot_pull_requests()] == [2]
    assert proposed_ids(publisher.open_proposals()) == {"2505.00001"}


def _summary_since(server: FakeGitHub, start: int) -> dict[str, int]:
    kept = server.requests
    server.requests = kept[start:]
    try:
        return server.summary()
    finally:
        server.requests = kept
