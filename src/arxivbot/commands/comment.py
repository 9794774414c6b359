"""``arxivbot comment``: answer a PR comment addressed to the bot, at once (issue_comment)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import click

from arxivbot.commands.common import json_option, list_options, list_settings
from arxivbot.errors import ConfigError


@click.command(name="comment")
@list_options
@click.option("--pr", "number", type=click.IntRange(min=1), required=True,
              help="The pull request the comment is on.")
@json_option
def comment(
    config_path: Path | None,
    publisher: str | None,
    repository: str | None,
    list_path: str | None,
    base_branch: str | None,
    repo_dir: Path | None,
    number: int,
) -> dict[str, Any]:
    """Record `arxivbot accept|reject ID` from a collaborator's comment and reply to confirm.

    The comment's text and its author's association come from the environment
    (ARXIVBOT_COMMENT_BODY, ARXIVBOT_COMMENT_ASSOCIATION: the workflow passes them from the
    event, never spliced into a script). Comments not addressed to the bot, and commands
    from people without write access, are ignored; an unknown command gets a one-line help
    reply.

    Example (in the issue_comment workflow): arxivbot comment --publisher github --pr 12
    """
    from arxivbot.commands.common import make_publisher
    from arxivbot.feedback.collect import collect
    from arxivbot.feedback.comment_command import parse_comment, reply
    from arxivbot.feedback.decisions import append_decisions
    from arxivbot.publish.github import TRUSTED_COMMENTERS, GitHubPublisher

    settings = list_settings(config_path, list_path, repository, base_branch, publisher)
    command = parse_comment(os.environ.get("ARXIVBOT_COMMENT_BODY", ""))
    if command is None:
        click.echo("not addressed to arxivbot: nothing to do")
        return {"pr": number, "status": "not-addressed"}
    association = os.environ.get("ARXIVBOT_COMMENT_ASSOCIATION", "NONE").upper()
    if association not in TRUSTED_COMMENTERS:
        click.echo(f"ignored: the author's association is {association}, not a collaborator")
        return {"pr": number, "status": "ignored", "association": association}
    target = make_publisher(settings, repo_dir)
    if not isinstance(target, GitHubPublisher):
        raise ConfigError("arxivbot comment answers GitHub comments: use --publisher github")
    recorded = []
    if command.understood:
        report = collect(target)
        mine = [d for d in report.decisions if d.pr == f"#{number}"]
        append_decisions(Path(settings.feedback.decisions_path), report.decisions)
        recorded = [d for d in mine if d.id in command.verdicts]
    text = reply(command, recorded)
    target.reply(number, text)
    click.echo(text)
    return {"pr": number, "status": "answered", "recorded": [d.id for d in recorded],
            "reply": text}
