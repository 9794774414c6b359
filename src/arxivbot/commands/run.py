"""``arxivbot run``: the daily job. The composition root: it builds the real collaborators."""

from __future__ import annotations

import dataclasses
import json
import logging
import os
import shutil
import subprocess
import sys
import urllib.parse
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from arxivbot.commands.common import (
    list_options,
    list_settings,
    summary_table,
    write_job_summary,
)
from arxivbot.config import Settings, override
from arxivbot.errors import ArxivBotError, ConfigError, SourceError
from arxivbot.resources import package_path

if TYPE_CHECKING:
    from arxivbot.publish import Publisher
    from arxivbot.records import Paper
    from arxivbot.sources.day import DayListing

log = logging.getLogger(__name__)

DEMO_DIR = Path("arxivbot-demo")
# One real announcement day shipped in the package (provenance beside it), so the demo works
# on a machine without network.
RECORDED_DAY = "examples/recorded-day-2025-05-30.jsonl.gz"
# The demo only probes the live feed: a dead or firewalled network must cost seconds.
DEMO_PROBE_TIMEOUT = 4.0


@click.command(name="run")
@list_options
@click.option(
    "--listings",
    "replay",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Replay a day from JSONL listings (a file or a folder) instead of the live feed.",
)
@click.option("--date", help="Announcement day (YYYY-MM-DD) to take from a --listings folder.")
@click.option("--dry-run", is_flag=True, help="Print the PR and the diff; change nothing.")
@click.option("--model", "model_path", type=click.Path(path_type=Path), help="Model file.")
@click.option("--threshold", type=float, help="Propose papers scoring at least this.")
@click.option("--max-candidates", type=int, help="At most this many papers a day.")
@click.option(
    "--demo",
    is_flag=True,
    help=f"Run on the bundled example list, in a fresh local repository ./{DEMO_DIR}; "
    "uses the live feed when it answers, else a recorded day shipped with arxivbot.",
)
@click.option(
    "--keep-trained",
    type=click.Path(path_type=Path),
    help="When this run trains the list's first model: also keep it (and its card) in this "
    "folder at its repository path (the action's archive branch), until its PR is merged.",
)
@click.option(
    "--first-model",
    "first_model_path",
    help="When the config names no model.path and the shipped model was not trained on this "
    "list: the list's own model goes at this path, trained on the first run (the action's "
    "first-model input).",
)
@click.option("--json", "as_json", is_flag=True, help="Print the run's report as one JSON object.")
@click.option(
    "--offline",
    is_flag=True,
    help="Never reach arXiv: with --demo use the recorded day; otherwise --listings is needed.",
)
def run(
    list_path: str | None,
    replay: tuple[Path, ...],
    date: str | None,
    publisher: str | None,
    dry_run: bool,
    repository: str | None,
    base_branch: str | None,
    repo_dir: Path | None,
    model_path: Path | None,
    threshold: float | None,
    max_candidates: int | None,
    config_path: Path | None,
    demo: bool,
    offline: bool,
    as_json: bool,
    keep_trained: Path | None = None,
    first_model_path: str | None = None,
) -> None:
    """Propose the day's relevant new arXiv papers to the list as one pull request.

    \b
    Examples:
      arxivbot run --demo                       # the bundled example list, live arXiv
      arxivbot run --demo --offline             # ... on the recorded day shipped with it
      arxivbot run --list README.md --listings day.jsonl.gz --publisher local
      arxivbot run --publisher github --dry-run # what today's PR would be
    """
    settings = list_settings(
        config_path, list_path, repository, base_branch, publisher,
        model__path=str(model_path) if model_path else None,
        model__threshold=threshold,
        model__max_candidates=max_candidates,
    )
    # Imported here, not at the top: every command module loads with the CLI, and a run
    # needs the whole pipeline while `arxivbot score` should start fast.
    from arxivbot.commands.common import make_publisher
    from arxivbot.commands.retrain import daily_model, own_model
    from arxivbot.feedback.decisions import read_decisions, rejected_ids
    from arxivbot.jobs import daily
    from arxivbot.publish.dry_run import DryRunPublisher
    from arxivbot.sources.day import load_day

    if demo:
        repo_dir = _demo_repository(DEMO_DIR)
        settings = override(settings, list__path="README.md", publish__publisher="local")
    settings, implicit = own_model(settings, first_model_path, repo_dir)

    if offline and not demo and not replay:
        raise ConfigError(
            "--offline needs a day to replay: pass --listings PATH, or --demo for the recorded "
            "day shipped with arxivbot"
        )
    try:
        if demo and not replay:
            listing = _demo_listing(settings, date, offline)
        else:
            listing = load_day(settings.arxiv, date=date, replay=replay or None)
        target: Publisher = make_publisher(settings, repo_dir)
        if dry_run:
            target = DryRunPublisher(target, sys.stdout)
        # The list's own model: trained and proposed on a first run, put back from the
        # archive while its PR is open, declined once that PR was closed unmerged.
        chosen = daily_model(target, settings, repo_dir, replay, listing.date,
                             keep_dir=None if dry_run else keep_trained,
                             restore_from=keep_trained, implicit=implicit)
        model, first_model = chosen.model, chosen.trained
        decisions = Path(settings.feedback.decisions_path)
        rejected = rejected_ids(read_decisions(decisions)) if decisions.is_file() else frozenset()
        template = Path(settings.list.template) if settings.list.template else None
        backlog = _backlog(target, replay)
        report = daily.run(
            listing,
            target,
            model,
            settings,
            rejected=rejected,
            template_override=template,
            backlog=backlog,
            offered_again=bool(replay),  # the next run's backlog comes from the archive
        )
    except ArxivBotError as exc:
        write_job_summary("arxivbot failed", summary_table([("error", str(exc))]))
        raise
    if as_json:
        click.echo(json.dumps(_report_json(report), ensure_ascii=False))
    else:
        click.echo(report.summary())
    if demo and report.result is not None and not dry_run and not as_json:
        base = settings.list.base_branch or "main"
        click.echo(
            f"Review the proposal: git -C {repo_dir} diff {base}...{report.result.branch}"
        )
    write_job_summary(f"arxivbot {report.day}",
                      _summary_rows(report, model, listing, first_model, chosen.note))


def _report_json(report: Any) -> dict[str, Any]:
    result = report.result
    return {
        "status": report.status, "day": report.day, "message": report.message,
        "scanned": report.scanned, "known": report.known,
        "above_threshold": report.above_threshold, "waiting": len(report.waiting),
        "budget_note": report.budget_note,
        "candidates": [{"id": c.paper.id, "score": round(c.scored.score, 4),
                        "section": c.section, "entry": c.entry_text} for c in report.candidates],
        "pull_request": None if result is None else {
            "action": result.action, "branch": result.branch, "url": result.url},
    }


def _summary_rows(report: Any, model: Any, listing: Any, first_model: str = "",
                  model_note: str = "") -> str:
    """The job summary a maintainer reads in ten seconds: figures, the PR, the model."""
    rows = [("result", report.message), ("papers scanned", str(report.scanned)),
            ("already known", str(report.known)), ("candidates", str(len(report.candidates)))]
    if report.above_threshold:
        rows.append(("above threshold", str(report.above_threshold)))
    if report.budget_note:
        rows.append(("today's volume", report.budget_note))
    if report.result is not None:
        url = report.result.url
        # Our own PR's address, from GitHub's answer: the one link in the table.
        rows.append(("pull request", f"[{url}]({url})" if url and url.startswith(
            "https://") else report.result.branch))
    out_ap = model.card.out_of_list_ap
    ap = f", out-of-list AP {out_ap:.2f}" if out_ap is not None else ""
    if model.backtest_ap is not None:
        ap += f", own lists' backtest AP {model.backtest_ap:.2f}"
    rows.append(("model", f"{model.version}{ap}"))
    if first_model:
        rows.append(("model trained", first_model))
    if model_note:
        rows.append(("model note", model_note))
    if listing.skipped:
        rows.append(("warnings", f"{listing.skipped} listing records skipped"))
    return summary_table(rows)


def _backlog(target: Publisher, replay: tuple[Path, ...]) -> list[Paper]:
    """Papers over an earlier day's cap, still waiting in an open bot PR, from the archive.

    They are looked up in the replayed listings (the folder of a replayed file too); with
    the live feed and no archive they stay listed as waiting in the open PR.
    """
    from arxivbot.jobs.daily import waiting_ids
    from arxivbot.sources.replay import read_papers

    waiting = waiting_ids(target)
    if not waiting or not replay:
        return []
    folders = {path if path.is_dir() else path.parent for path in replay}
    return [paper for paper in read_papers(sorted(folders)) if paper.id in waiting]


def _demo_listing(settings: Settings, date: str | None, offline: bool) -> DayListing:
    """The live feed when it answers with papers, else the recorded day (one line says so)."""
    from arxivbot.sources.day import load_day

    recorded = package_path(RECORDED_DAY)
    if not offline:
        probe = dataclasses.replace(
            settings.arxiv,
            timeout_seconds=min(settings.arxiv.timeout_seconds, DEMO_PROBE_TIMEOUT),
            retries=0,
        )
        try:
            live = load_day(probe, date=date, replay=None)
        except SourceError as exc:
            log.info("live feed: %s", exc)  # the whole cause, with -v
            host = urllib.parse.urlsplit(settings.arxiv.feed_url).hostname or "arXiv"
            click.echo(
                f"The live arXiv feed ({host}) did not answer: the demo uses the recorded "
                "day 2025-05-30 shipped with arxivbot instead (--offline skips the check)."
            )
        else:
            if live.papers:
                return live
            click.echo(
                f"The live arXiv feed has no announcements for {live.date}: the demo uses the "
                "recorded day 2025-05-30 shipped with arxivbot instead."
            )
    return load_day(settings.arxiv, date=None, replay=[recorded])


def _demo_repository(folder: Path) -> Path:
    """A git repository holding the bundled example list, made once and then reused."""
    if (folder / ".git").is_dir():
        return folder
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(package_path("examples/awesome-example.md"), folder / "README.md")
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "arxivbot demo", "GIT_AUTHOR_EMAIL": "demo@arxivbot.invalid",
        "GIT_COMMITTER_NAME": "arxivbot demo", "GIT_COMMITTER_EMAIL": "demo@arxivbot.invalid",
    }
    for args in (
        ["init", "--quiet", "--initial-branch=main"],
        ["add", "README.md"],
        ["commit", "--quiet", "-m", "Example awesome-list"],
    ):
        subprocess.run(["git", "-C", str(folder), *args], check=True, env=env)
    click.echo(f"Made {folder}/ with the bundled example list (README.md) on branch main.")
    return folder
