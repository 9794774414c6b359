"""The adopt path, run as GitHub would run it: the composite action's own shell steps.

A list repository that copies only the README's workflow runs ``action.yml`` with
``list: README.md`` and a mode. This test reads ``action.yml`` with PyYAML, keeps the steps
whose ``if:`` holds for the mode, and executes each ``run:`` script with bash and exactly the
environment its ``env:`` block gives it, in a checkout of the list's repository, against the
project's local arXiv server and local GitHub (the archive branch is pushed to the same
repository). Only the two steps that need the network are left out: ``setup-python`` and the
``pip install`` of the action (the test's environment already has arxivbot on PATH).

It shows: daily runs propose, each day's listing lands in the ``arxivbot-data`` branch and
survives the loss of everything on the runner (a fresh checkout clones it back), and the
weekly retrain opens the retrain pull request from the archive; on a list whose ``model.path``
names no file yet, the first daily run trains the model and proposes it as its own pull
request, and the next runner restores it from the archive instead of training again.
"""

from __future__ import annotations

import gzip
import html
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest
import yaml
from tests.arxiv_server import ArxivServer, Reply, Seen, serving
from tests.github_server import FakeGitHub, PullState
from tests.model.test_train_from_api import FakeApi

from arxivbot.publish import RETRAIN_BRANCH
from arxivbot.records import Paper
from arxivbot.sources import replay

ROOT = Path(__file__).parents[2]
FIXTURES = ROOT / "tests" / "fixtures" / "feedback"
ARCHIVE = "arxivbot-data"
SKIPPED = {"Install arxivbot"}  # needs the network; arxivbot is installed in this environment


def expression(text: str, context: Mapping[str, Any]) -> Any:
    """A GitHub expression of the kinds action.yml uses: names, 'strings', ==, !=, ||, &&."""
    tokens = re.findall(r"'[^']*'|\|\||&&|[!=]=|[()]|[A-Za-z_][\w.\-]*", text)
    if "".join(tokens).replace(" ", "") != re.sub(r"\s", "", text):
        raise ValueError(f"unsupported expression: {text}")
    python = []
    for token in tokens:
        if token.startswith("'") or token in ("==", "!=", "(", ")"):
            python.append(token)
        elif token in ("||", "&&"):
            python.append(" or " if token == "||" else " and ")
        else:
            python.append(f"_({token!r})")

    def lookup(name: str) -> Any:
        value: Any = context
        for part in name.split("."):
            value = value.get(part, "") if isinstance(value, dict) else ""
        return value

    # Only our own action.yml and README reach this, tokenised above to names and literals.
    return eval("".join(python), {"__builtins__": {}, "_": lookup})


def substitute(text: str, context: Mapping[str, Any]) -> str:
    return re.sub(r"\$\{\{\s*(.*?)\s*\}\}", lambda m: str(expression(m.group(1), context)), text)


def run_action(workspace: Path, context: dict[str, Any], env: Mapping[str, str],
               logs: list[str] | None = None, *, fails: bool = False) -> list[str]:
    """Run the action's shell steps for the inputs ``context["with"]`` gives, in
    ``workspace``; the names of the steps run (their output appended to ``logs``).
    ``fails``: a step is meant to fail; the run stops there, as GitHub stops a job, and the
    failed step is the last name."""
    action = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    inputs = {name: str(spec.get("default", "")) for name, spec in action["inputs"].items()}
    inputs.update(context.get("with", {}))
    ctx = {**context, "inputs": inputs}
    ran = []
    for step in action["runs"]["steps"]:
        if "run" not in step or step.get("name") in SKIPPED:
            continue
        if "if" in step and not expression(step["if"], ctx):
            continue
        step_env = {**env, **{k: substitute(str(v), ctx) for k, v in step.get("env", {}).items()}}
        script = substitute(step["run"], ctx)
        done = subprocess.run(["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", script],
                              cwd=workspace, env=step_env, capture_output=True, text=True,
                              timeout=240, check=False)
        ran.append(step["name"])
        if logs is not None:
            logs.append(done.stdout + done.stderr)
        if fails and done.returncode != 0:
            return ran
        assert done.returncode == 0, f"{step['name']}:\n{done.stdout}\n{done.stderr}"
    assert not fails, "no step failed"
    return ran


def atom(papers: list[Paper], day: str) -> bytes:
    entries = "".join(
        f"""  <entry>
    <id>oai:arXiv.org:{p.id}v1</id>
    <title>{html.escape(p.title)}</title>
    <link href="https://arxiv.org/abs/{p.id}" rel="alternate" type="text/html"/>
    <summary>arXiv:{p.id}v1 Announce Type: new
Abstract: {html.escape(p.abstract)}</summary>
    <category term="{p.primary_category or 'cs.CV'}"/>
    <published>{day}T00:00:00-04:00</published>
    <arxiv:announce_type>new</arxiv:announce_type>
    <dc:creator>{html.escape(", ".join(p.authors) or "A. Author")}</dc:creator>
  </entry>
""" for p in papers)
    return f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns:dc="http://purl.org/dc/elements/1.1/"
  xmlns="http://www.w3.org/2005/Atom" xml:lang="en-us">
  <id>http://rss.arxiv.org/atom/cs.CV+cs.CL</id>
  <title>cs.CV+cs.CL updates on arXiv.org</title>
  <updated>{day}T04:00:02+00:00</updated>
{entries}</feed>
""".encode()


def api_lookup(abstracts: dict[str, Paper]) -> Any:
    """The API's id look-ups, answered from the fixtures' abstracts."""
    def answer(seen: Seen) -> Reply:
        ids = [i for i in seen.query.get("id_list", [""])[0].split(",") if i]
        entries = "".join(
            f"""<entry><id>http://arxiv.org/abs/{i}v1</id>
<title>{html.escape(abstracts[i].title if i in abstracts else i)}</title>
<summary>{html.escape(abstracts[i].abstract if i in abstracts else "")}</summary>
<updated>2025-04-01T10:00:00Z</updated><published>2025-04-01T10:00:00Z</published>
<link href="https://arxiv.org/abs/{i}v1" rel="alternate" type="text/html"/>
<category term="cs.CV" scheme="http://arxiv.org/schemas/atom"/>
<arxiv:primary_category term="cs.CV"/><author><name>A. Author</name></author></entry>
""" for i in ids)
        body = f"""<?xml version='1.0' encoding='UTF-8'?>
<feed xmlns:opensearch="http://a9.com/-/spec/opensearch/1.1/"
  xmlns:arxiv="http://arxiv.org/schemas/atom" xmlns="http://www.w3.org/2005/Atom">
<id>https://arxiv.org/api/test</id><title>arXiv Query</title>
<updated>2025-04-11T00:00:00Z</updated>
<opensearch:itemsPerPage>{len(ids)}</opensearch:itemsPerPage>
<opensearch:totalResults>{len(ids)}</opensearch:totalResults>
<opensearch:startIndex>0</opensearch:startIndex>
{entries}</feed>
"""
        return Reply(body=body.encode())
    return answer


@pytest.fixture
def arxiv() -> Iterator[ArxivServer]:
    with serving() as server:
        yield server


@pytest.fixture
def github(tmp_path: Path, arxiv: ArxivServer) -> Iterator[FakeGitHub]:
    config = "\n".join([
        "arxiv:",
        f"  feed_url: {json.dumps(arxiv.url('/atom/{categories}'))}",
        f"  api_url: {json.dumps(arxiv.url('/api/query'))}",
        "  delay_seconds: 0.01", "  backoff_seconds: 0.01", "  retries: 1",
        "  timeout_seconds: 5",
        "model: {threshold: 0.2}",
    ]) + "\n"
    with FakeGitHub(tmp_path / "forge", {"README.md": (FIXTURES / "list.md").read_bytes()}
                    ) as fake:
        # The list's own config: the local servers stand in for arXiv and api.github.com.
        config += f"publish: {{api_url: {json.dumps(fake.base_url)}}}\n"
        fake.commit_file("main", "arxivbot.yaml", config.encode(), "arxivbot config")
        # The server's repository, also reachable as a git remote at SERVER/owner/name.git.
        (tmp_path / "forge" / fake.owner).mkdir()
        (tmp_path / "forge" / fake.owner / f"{fake.name}.git").symlink_to(fake.git_dir)
        yield fake


def fresh_runner(tmp_path: Path, github: FakeGitHub, day: str) -> tuple[Path, dict[str, str]]:
    """A new runner: nothing kept from earlier runs but the repository; ``date`` says ``day``."""
    runner = tmp_path / f"runner-{day}"
    shutil.rmtree(runner, ignore_errors=True)
    bin_dir = runner / "bin"
    bin_dir.mkdir(parents=True)
    fake_date = bin_dir / "date"
    fake_date.write_text(f'#!/bin/sh\ncase "$*" in *%F*) echo {day};; *) exec /bin/date "$@";; '
                         "esac\n", encoding="utf-8")
    fake_date.chmod(0o755)
    workspace = runner / "checkout"
    subprocess.run(["git", "clone", "--quiet", str(github.git_dir), str(workspace)], check=True)
    path = os.pathsep.join([str(bin_dir), str(Path(sys.executable).parent),
                            os.environ.get("PATH", "")])
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GITHUB_", "ARXIVBOT_"))}
    env.update(PATH=path, GITHUB_STEP_SUMMARY=str(runner / "summary.md"),
               HOME=str(runner))
    return workspace, env


def readme_step() -> dict[str, Any]:
    """The arxivbot step of the workflow the README tells adopters to copy."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Adopt arxivbot for your list"):]
    block = re.search(r"```yaml\n(.*?)```", section, re.DOTALL)
    assert block is not None
    workflow = yaml.safe_load(re.sub(r"^   ", "", block.group(1), flags=re.MULTILINE))
    (step,) = [s for s in workflow["jobs"]["arxivbot"]["steps"]
               if "/arxivbot@" in s.get("uses", "")]
    return dict(step)


def context(tmp_path: Path, github: FakeGitHub, schedule: str) -> dict[str, Any]:
    """What the README's step gives the action on the run of the cron line ``schedule``."""
    ctx: dict[str, Any] = {
        "github": {"repository": github.full_name, "server_url": f"file://{tmp_path / 'forge'}",
                   "action_path": str(ROOT), "event_name": "schedule",
                   "event": {"schedule": schedule}},
        "secrets": {"GITHUB_TOKEN": github.token},
        "inputs": {},
    }
    given = {k: substitute(str(v), ctx) for k, v in readme_step()["with"].items()}
    return {**ctx, "with": given}


def archived(github: FakeGitHub) -> list[str]:
    out = github.git("ls-tree", "-r", "--name-only", ARCHIVE, "--", "listings").decode()
    return out.split()


def test_the_readme_workflow_proposes_archives_and_retrains(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub
) -> None:
    """The README's workflow as an adopter copies it, with no model of the list's own: the
    first daily run trains one from the list and arXiv (the shipped model was not trained on
    this list), proposes it as its own PR and says so in the job summary; daily runs propose
    in one rolling PR and archive each day's listing in the data branch (kept across
    runners); once both PRs are merged, the weekly run retrains that model from the archive."""
    papers = replay.read_papers([FIXTURES / "days"])
    days = sorted({p.date for p in papers})
    api = FakeApi()
    arxiv.script("/api/query", api)
    daily = context(tmp_path, github, "23 6 * * 1-5")
    weekly = context(tmp_path, github, "41 7 * * 6")
    assert (daily["with"]["mode"], weekly["with"]["mode"]) == ("daily", "retrain")
    assert "model" not in (github.file_at("main", "arxivbot.yaml") or b"").decode().replace(
        "model: {threshold: 0.2}", "")  # no model.path: the list has no model of its own

    summaries = []
    for day in days[:2]:
        arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom([p for p in papers if p.date == day],
                                                           day)))
        workspace, env = fresh_runner(tmp_path, github, day)
        ran = run_action(workspace, daily, env)
        assert "Propose today's papers" in ran
        summaries.append(Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"))

    # The first run trained the list's own model (negatives from the API), the second did not.
    assert "model trained" in summaries[0]
    assert "proposed models/arxivbot.card.json, models/arxivbot.json" in summaries[0]
    assert "model trained" not in summaries[1]
    assert len(api.day_requests) == 42
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    assert model_pr.title == "Model: first model for README.md"
    assert "was not trained on this list" in model_pr.body
    first = github.file_at(RETRAIN_BRANCH, "models/arxivbot.json")
    assert first
    card = json.loads(github.file_at(RETRAIN_BRANCH, "models/arxivbot.card.json") or b"{}")
    assert list(card["list_digests"]) == card["lists"]
    assert [Path(p).name for p in card["lists"]] == ["README.md"]
    version = json.loads(first)["digest"][:12]
    assert version in summaries[0]
    assert version in summaries[1]  # restored from the archive, proposing with it

    assert archived(github) == [f"listings/{d}.jsonl.gz" for d in days[:2]]
    first_day = gzip.decompress(github.git("show", f"{ARCHIVE}:listings/{days[0]}.jsonl.gz"))
    assert {json.loads(line)["id"] for line in first_day.splitlines()} == {
        p.id for p in papers if p.date == days[0]}
    bot_pulls = [pr for pr in github.pulls.values() if pr.head.startswith("arxivbot/")]
    assert [pr.state for pr in bot_pulls] == ["open"]  # one rolling PR for both days
    assert f"#### From {days[1]}" in bot_pulls[0].body or days[1] in bot_pulls[0].title
    assert f"Model `{version}`" in bot_pulls[0].body
    assert "It was trained on this list" in bot_pulls[0].body

    # The maintainer merges both; the later days reach the archive (earlier runs of the week).
    github.merge_pull(bot_pulls[0].number, path="README.md")
    github.merge_pull(model_pr.number, path="models/arxivbot.json")
    backfill(github, papers, days[2:])

    workspace, env = fresh_runner(tmp_path, github, "2025-05-31")
    logs: list[str] = []
    ran = run_action(workspace, weekly, env, logs)

    assert "Retrain and open the retrain pull request" in ran
    assert "restored" not in "".join(logs)
    retrain_pulls = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH
                     and pr.state == "open"]
    assert len(retrain_pulls) == 1
    assert retrain_pulls[0].title.startswith("Retrain: ")
    assert github.file_at(RETRAIN_BRANCH, "models/arxivbot.json") not in (None, first)
    assert github.file_at(RETRAIN_BRANCH, "models/decisions.jsonl")


@pytest.mark.parametrize("backfilled", [True, False], ids=["backfilled", "no-backfill"])
def test_a_first_model_is_trained_once_proposed_and_kept_until_merged(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub, backfilled: bool
) -> None:
    """A list whose model.path names no file: the first daily run trains the model (on the
    backfilled archive, else from the arXiv API), proposes it (model and card, list file
    untouched) on the retrain branch, keeps it in the archive; the next day's fresh runner
    restores it and does not train; after the merge the repository's own file is used and
    the archive's copy is not put over it."""
    papers = replay.read_papers([FIXTURES / "days"])
    abstracts = {p.id: p for p in replay.read_papers([FIXTURES / "abstracts.jsonl"])}
    days = sorted({p.date for p in papers})
    api = FakeApi()
    arxiv.script("/api/query", api_lookup(abstracts) if backfilled else api)
    config = (github.file_at("main", "arxivbot.yaml") or b"").decode()
    assert "model: {threshold: 0.2}" in config
    github.commit_file("main", "arxivbot.yaml", config.replace(
        "model: {threshold: 0.2}", "model: {threshold: 0.2, path: models/list.json}").encode(),
        "a model of the list's own")
    # The archive as the README's one-off backfill leaves it: the days before the first run.
    for day in days[:3] if backfilled else []:
        data = b"".join(json.dumps(replay.paper_to_record(p)).encode() + b"\n"
                        for p in papers if p.date == day)
        github.commit_files(ARCHIVE, {f"listings/{day}.jsonl.gz": gzip.compress(data)},
                            f"listings: {day}")
    daily = context(tmp_path, github, "23 6 * * 1-5")
    list_before = github.file_at("main", "README.md")

    summaries, outputs, day_searches = [], [], []
    for day in days[3:5]:
        arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom([p for p in papers if p.date == day],
                                                           day)))
        workspace, env = fresh_runner(tmp_path, github, day)
        logs: list[str] = []
        ran = run_action(workspace, daily, env, logs)
        assert "Propose today's papers" in ran
        summaries.append(Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8"))
        outputs.append("".join(logs))
        day_searches.append(len(api.day_requests))

    # Trained once: on the first day, not on the second, which restored the kept model.
    assert "model trained" in summaries[0]
    assert "proposed models/list.card.json, models/list.json" in summaries[0]
    assert "model trained" not in summaries[1]
    assert "no model for this list yet" in outputs[0]
    assert "no model for this list yet" not in outputs[1]
    assert "restored models/list.json, models/list.card.json from the archive" in outputs[1]
    # Without a backfill the first run asks the API for its negatives; the second asks none.
    assert day_searches[0] == (0 if backfilled else 42)
    assert day_searches[1] == day_searches[0]
    kept = github.git("show", f"{ARCHIVE}:trained/models/list.json")
    assert github.git("show", f"{ARCHIVE}:trained/models/list.card.json")

    # Proposed once, as its own pull request: the model and its card; the list untouched.
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    assert model_pr.state == "open"
    assert model_pr.title == "Model: first model for README.md"
    assert github.file_at(RETRAIN_BRANCH, "models/list.json") == kept
    assert github.file_at(RETRAIN_BRANCH, "models/list.card.json")
    assert github.file_at(RETRAIN_BRANCH, "README.md") == list_before
    papers_prs = [pr for pr in github.pulls.values() if pr.head.startswith("arxivbot/")]
    assert [pr.state for pr in papers_prs] == ["open"]

    # Merged: the repository's file is the model; the archive's copy never goes over it.
    github.merge_pull(model_pr.number, path="models/list.json")
    merged = github.file_at("main", "models/list.json")
    workspace, env = fresh_runner(tmp_path, github, days[5])
    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[5]], days[5])))
    logs = []
    run_action(workspace, daily, env, logs)
    assert "restored" not in "".join(logs)
    assert "no model for this list yet" not in "".join(logs)
    assert (workspace / "models" / "list.json").read_bytes() == merged


def own_model_path(github: FakeGitHub) -> None:
    """The list's config names a model of its own, ``models/list.json``, not there yet."""
    config = (github.file_at("main", "arxivbot.yaml") or b"").decode()
    assert "model: {threshold: 0.2}" in config
    github.commit_file("main", "arxivbot.yaml", config.replace(
        "model: {threshold: 0.2}", "model: {threshold: 0.2, path: models/list.json}").encode(),
        "a model of the list's own")


def backfill(github: FakeGitHub, papers: list[Paper], days: list[str]) -> None:
    """The archive as the README's one-off backfill leaves it."""
    for day in days:
        data = b"".join(json.dumps(replay.paper_to_record(p)).encode() + b"\n"
                        for p in papers if p.date == day)
        github.commit_files(ARCHIVE, {f"listings/{day}.jsonl.gz": gzip.compress(data)},
                            f"listings: {day}")


def test_a_weekly_retrain_before_any_daily_run_trains_and_proposes_the_first_model(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub
) -> None:
    """The retrain workflow runs before any daily run has trained the list's first model
    (model.path names no file, the archive holds the backfill): it trains that model on the
    list and the archive, proposes it as the first model's pull request, says so in the job
    summary and keeps it in the archive; the next daily run proposes with it, training
    nothing."""
    papers = replay.read_papers([FIXTURES / "days"])
    abstracts = {p.id: p for p in replay.read_papers([FIXTURES / "abstracts.jsonl"])}
    days = sorted({p.date for p in papers})
    arxiv.script("/api/query", api_lookup(abstracts))
    own_model_path(github)
    backfill(github, papers, days[:4])
    list_before = github.file_at("main", "README.md")

    workspace, env = fresh_runner(tmp_path, github, days[4])
    logs: list[str] = []
    ran = run_action(workspace, context(tmp_path, github, "41 7 * * 6"), env, logs)

    assert "Retrain and open the retrain pull request" in ran
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert "first model" in summary
    assert "models/list.json" in summary
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    assert model_pr.state == "open"
    assert model_pr.title == "Model: first model for README.md"
    assert "weekly retrain" in model_pr.body
    proposed = github.file_at(RETRAIN_BRANCH, "models/list.json")
    assert proposed
    assert github.file_at(RETRAIN_BRANCH, "models/list.card.json")
    assert github.file_at(RETRAIN_BRANCH, "README.md") == list_before
    assert github.git("show", f"{ARCHIVE}:trained/models/list.json") == proposed
    card = json.loads(github.file_at(RETRAIN_BRANCH, "models/list.card.json") or b"{}")
    assert [Path(p).name for p in card["lists"]] == ["README.md"]

    # The next daily run proposes with that model: restored, not trained again.
    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[4]], days[4])))
    workspace, env = fresh_runner(tmp_path, github, days[4])
    logs = []
    run_action(workspace, context(tmp_path, github, "23 6 * * 1-5"), env, logs)
    assert "no model for this list yet" not in "".join(logs)
    assert (workspace / "models" / "list.json").read_bytes() == proposed
    daily_summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    version = json.loads(proposed)["digest"][:12]
    assert version in daily_summary
    assert [pr.state for pr in github.pulls.values() if pr.head.startswith("arxivbot/")] == [
        "open"]


@pytest.mark.parametrize("configured", [True, False], ids=["model.path", "default"])
def test_a_closed_first_model_is_not_used_again_nor_proposed_again(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub, configured: bool
) -> None:
    """The maintainer closes the first model's pull request without merging: the next daily
    run does not put the archived copy back, trains nothing and proposes no model; it
    proposes with the shipped model and says why in its output, the job summary and the PR
    body. The weekly retrain proposes no first model either, and says how to get one. The
    same for a model.path the config names and for the action's default (models/arxivbot.json,
    no model.path)."""
    papers = replay.read_papers([FIXTURES / "days"])
    abstracts = {p.id: p for p in replay.read_papers([FIXTURES / "abstracts.jsonl"])}
    days = sorted({p.date for p in papers})
    arxiv.script("/api/query", api_lookup(abstracts))
    if configured:
        own_model_path(github)
    name = "list" if configured else "arxivbot"
    backfill(github, papers, days[:3])
    daily = context(tmp_path, github, "23 6 * * 1-5")

    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[3]], days[3])))
    workspace, env = fresh_runner(tmp_path, github, days[3])
    run_action(workspace, daily, env)
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    assert github.git("show", f"{ARCHIVE}:trained/models/{name}.json")
    github.close_pull(model_pr.number)
    model_branch = github.branch_sha(RETRAIN_BRANCH)

    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[4]], days[4])))
    workspace, env = fresh_runner(tmp_path, github, days[4])
    logs: list[str] = []
    run_action(workspace, daily, env, logs)
    output = "".join(logs)
    # The summary shows a PR number as code (`#2`), so that it links to nothing unasked.
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8").replace("`", "")

    assert not (workspace / "models" / f"{name}.json").exists()
    assert "restored" not in output
    assert "no model for this list yet" not in output  # not trained again
    assert f"#{model_pr.number} was closed without merging" in output
    assert f"#{model_pr.number} was closed without merging" in summary
    assert "shipped model" in summary
    assert [pr.state for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH] == ["closed"]
    assert github.branch_sha(RETRAIN_BRANCH) == model_branch
    (papers_pr,) = [pr for pr in github.pulls.values() if pr.head.startswith("arxivbot/")]
    assert "not on this one" in papers_pr.body

    # The weekly retrain respects the same "no": no model PR, and it says how to get one.
    workspace, env = fresh_runner(tmp_path, github, "2025-05-31")
    logs = []
    ran = run_action(workspace, context(tmp_path, github, "41 7 * * 6"), env, logs)
    assert "Retrain and open the retrain pull request" in ran
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8").replace("`", "")
    assert f"#{model_pr.number} was closed without merging" in summary
    assert "--force" in summary
    assert "trained/ is deleted from the archive branch" in summary
    assert [pr.state for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH] == ["closed"]
    assert github.branch_sha(RETRAIN_BRANCH) == model_branch

    # The maintainer asks for a new one, as the note says: trained/ deleted from the archive.
    github.commit_files(ARCHIVE, {f"trained/models/{name}.json": None,
                                  f"trained/models/{name}.card.json": None}, "a new model, please")
    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[5]], days[5])))
    workspace, env = fresh_runner(tmp_path, github, days[5])
    logs = []
    run_action(workspace, daily, env, logs)
    assert "no model for this list yet" in "".join(logs)
    assert [pr.state for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH] == [
        "closed", "open"]
    assert github.git("show", f"{ARCHIVE}:trained/models/{name}.json")


@pytest.mark.parametrize("mode", ["daily", "retrain"])
def test_a_first_model_whose_pull_request_cannot_open_leaves_nothing_half_made(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub, mode: str
) -> None:
    """GitHub refuses the first model's pull request (Actions may not open PRs, the default
    of a new repository): the run fails with GitHub's reason, no traceback; the model branch
    is put back (here: never left), no PR is open, the archive keeps no model and the daily
    run proposed no papers with it; the next run, once allowed, trains and proposes it."""
    papers = replay.read_papers([FIXTURES / "days"])
    abstracts = {p.id: p for p in replay.read_papers([FIXTURES / "abstracts.jsonl"])}
    days = sorted({p.date for p in papers})
    arxiv.script("/api/query", api_lookup(abstracts))
    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[4]], days[4])))
    own_model_path(github)
    backfill(github, papers, days[:4])
    archive_before = github.branch_sha(ARCHIVE)
    schedule = "23 6 * * 1-5" if mode == "daily" else "41 7 * * 6"
    github.fail("POST", r"/pulls$", kind="actions-may-not")

    workspace, env = fresh_runner(tmp_path, github, days[4])
    logs: list[str] = []
    ran = run_action(workspace, context(tmp_path, github, schedule), env, logs, fails=True)

    step = "Propose today's papers" if mode == "daily" else \
        "Retrain and open the retrain pull request"
    assert ran[-1] == step
    assert "Allow GitHub Actions to create and approve pull requests" in logs[-1]
    assert "the branch was put back as it was" in logs[-1]
    assert "Traceback" not in logs[-1]
    assert "failed" in Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8")
    assert github.branch_sha(RETRAIN_BRANCH) is None
    assert github.pulls == {}
    assert github.file_at(ARCHIVE, "trained/models/list.json") is None
    if mode == "retrain":
        assert github.branch_sha(ARCHIVE) == archive_before

    github.clear_faults()
    workspace, env = fresh_runner(tmp_path, github, days[4])
    run_action(workspace, context(tmp_path, github, schedule), env)
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    assert model_pr.state == "open"
    assert github.file_at(ARCHIVE, "trained/models/list.json") == github.file_at(
        RETRAIN_BRANCH, "models/list.json")


def first_model_proposed(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub
) -> tuple[list[Paper], list[str], PullState]:
    """Three archived days, then the fourth day's run trains the list's first model and opens
    its pull request: the papers, the days and that pull request."""
    papers = replay.read_papers([FIXTURES / "days"])
    abstracts = {p.id: p for p in replay.read_papers([FIXTURES / "abstracts.jsonl"])}
    days = sorted({p.date for p in papers})
    arxiv.script("/api/query", api_lookup(abstracts))
    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[3]], days[3])))
    own_model_path(github)
    backfill(github, papers, days[:3])
    workspace, env = fresh_runner(tmp_path, github, days[3])
    run_action(workspace, context(tmp_path, github, "23 6 * * 1-5"), env)
    (model_pr,) = [pr for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH]
    return papers, days, model_pr


def test_a_retrain_never_rewrites_a_maintainers_commit_on_the_first_models_pull_request(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub
) -> None:
    """A maintainer commits to the open first model's pull request; the weekly retrain (forced,
    so that it has a model to propose) leaves that commit and the archive's copy as they are,
    and says why in its output and the job summary, naming the pull request."""
    papers, days, model_pr = first_model_proposed(tmp_path, arxiv, github)
    backfill(github, papers, days[3:])
    card = github.file_at(RETRAIN_BRANCH, "models/list.card.json") or b""
    theirs = github.commit_file(RETRAIN_BRANCH, "models/list.card.json",
                                card.replace(b"{", b'{"reviewed": "by me",', 1), "my note")
    kept = github.git("show", f"{ARCHIVE}:trained/models/list.json")

    weekly = context(tmp_path, github, "41 7 * * 6")
    weekly["with"]["force"] = "true"
    workspace, env = fresh_runner(tmp_path, github, "2025-05-31")
    logs: list[str] = []
    ran = run_action(workspace, weekly, env, logs, fails=True)

    assert ran[-1] == "Retrain and open the retrain pull request"
    assert f"pull request #{model_pr.number} has 1 commit(s) arxivbot did not make" in logs[-1]
    assert "Traceback" not in logs[-1]
    summary = Path(env["GITHUB_STEP_SUMMARY"]).read_text(encoding="utf-8").replace("`", "")
    assert "arxivbot retrain failed" in summary
    assert f"#{model_pr.number} has 1 commit(s) arxivbot did not make" in summary
    assert github.branch_sha(RETRAIN_BRANCH) == theirs
    assert github.pulls[model_pr.number].state == "open"
    assert github.git("show", f"{ARCHIVE}:trained/models/list.json") == kept


def test_the_retrain_takes_over_an_open_first_model_and_the_archive_follows(
    tmp_path: Path, arxiv: ArxivServer, github: FakeGitHub
) -> None:
    """The first model's pull request is still open on Saturday: the retrain starts from that
    model (put back from the archive), proposes its successor in the same pull request, and
    the archive's copy becomes the successor, which the next daily run proposes with."""
    papers, days, model_pr = first_model_proposed(tmp_path, arxiv, github)
    first = github.file_at(RETRAIN_BRANCH, "models/list.json")
    backfill(github, papers, days[4:])

    weekly = context(tmp_path, github, "41 7 * * 6")
    weekly["with"]["force"] = "true"  # tiny data: keep the successor whatever the figures
    workspace, env = fresh_runner(tmp_path, github, "2025-05-31")
    logs: list[str] = []
    run_action(workspace, weekly, env, logs)

    assert "restored models/list.json, models/list.card.json from the archive" in logs[-2]
    assert [pr.number for pr in github.pulls.values() if pr.head == RETRAIN_BRANCH] == [
        model_pr.number]
    assert github.pulls[model_pr.number].title.startswith("Retrain: ")
    successor = github.file_at(RETRAIN_BRANCH, "models/list.json")
    assert successor
    assert successor != first
    assert github.git("show", f"{ARCHIVE}:trained/models/list.json") == successor
    card = json.loads(github.file_at(RETRAIN_BRANCH, "models/list.card.json") or b"{}")
    assert card["retrain"]["previous_model"] == json.loads(first or b"{}")["digest"][:12]

    arxiv.script("/atom/cs.CV+cs.CL", Reply(body=atom(
        [p for p in papers if p.date == days[5]], days[5])))
    workspace, env = fresh_runner(tmp_path, github, days[5])
    run_action(workspace, context(tmp_path, github, "23 6 * * 1-5"), env)
    assert (workspace / "models" / "list.json").read_bytes() == successor
