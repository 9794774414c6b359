"""``arxivbot feedback``: record what the maintainers decided on every paper the bot proposed."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from arxivbot.commands.common import (
    json_option,
    list_options,
    list_settings,
    make_publisher,
    summary_table,
    write_job_summary,
)
from arxivbot.feedback.collect import FeedbackReport, collect, edits
from arxivbot.feedback.decisions import append_decisions


@click.command(name="feedback")
@list_options
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path),
              help="The decisions file (default: feedback.decisions_path, models/decisions.jsonl).")
@click.option("--dry-run", is_flag=True, help="Print the decisions; write nothing.")
@json_option
def feedback(
    config_path: Path | None,
    publisher: str | None,
    repository: str | None,
    list_path: str | None,
    base_branch: str | None,
    repo_dir: Path | None,
    decisions_path: Path | None,
    dry_run: bool,
) -> dict[str, Any]:
    """Read the bot's merged, closed and open PRs; append one decision per proposed paper.

    \b
    Merged with the paper's line kept (even edited or moved): accepted, with the section it
    ended in. Line deleted before merging, or PR closed unmerged: rejected. PR still open:
    pending. A comment line `arxivbot reject ID` / `arxivbot accept ID` overrides.
    Reading the same PRs again appends nothing.

    \b
    Examples:
      arxivbot feedback --publisher github --repository owner/awesome-list
      arxivbot feedback --repo-dir ../awesome-list --list README.md --dry-run
    """
    settings = list_settings(
        config_path, list_path, repository, base_branch, publisher,
        feedback__decisions_path=str(decisions_path) if decisions_path else None,
    )
    report = collect(make_publisher(settings, repo_dir))
    path = Path(settings.feedback.decisions_path)
    figures = {"pulls_read": report.pulls_read, **report.counts(), "decisions_path": str(path),
               "dry_run": dry_run, "skipped": list(report.skipped)}
    if dry_run:
        click.echo(_summary(report))
        for d in report.decisions:
            where = f" -> {d.section}" if d.section else ""
            click.echo(f"  {d.id} {d.decision} ({d.how}, {d.pr}){where}")
        click.echo(f"dry run: {path} left unchanged")
        return {**figures, "decisions": [dataclasses.asdict(d) for d in report.decisions]}
    added = append_decisions(path, report.decisions)
    click.echo(_summary(report))
    counts = report.counts()
    write_job_summary("arxivbot feedback", summary_table([
        ("bot pull requests read", str(report.pulls_read)),
        ("accepted", str(counts["accepted"])), ("rejected", str(counts["rejected"])),
        ("pending", str(counts["pending"])), ("new decisions", str(len(added))),
    ]))
    click.echo(f"{len(added)} new decision{'s' if len(added) != 1 else ''} appended to {path}")
    for d in added:
        click.echo(f"  {d.id} {d.decision} ({d.how}, {d.pr})")
    return {**figures, "new_decisions": [dataclasses.asdict(d) for d in added]}


def _summary(report: FeedbackReport) -> str:
    counts = report.counts()
    lines = [
        f"{report.pulls_read} bot pull request{'s' if report.pulls_read != 1 else ''} read: "
        f"{counts['accepted']} accepted, {counts['rejected']} rejected, "
        f"{counts['pending']} pending"
    ]
    for d in edits(report.decisions):
        moved = f"moved {d.proposed_section} -> {d.section}" if d.section != d.proposed_section \
            else "kept in its section"
        lines.append(f"  edited by a maintainer: {d.id} ({moved}{', reworded' if d.line else ''})")
    lines += [f"  skipped {line}" for line in report.skipped]
    return "\n".join(lines)
