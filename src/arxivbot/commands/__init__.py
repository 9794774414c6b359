"""The CLI commands, one module each; ``cli.py`` registers everything listed here."""

from __future__ import annotations

import click

from arxivbot.commands.backfill import backfill
from arxivbot.commands.catalog import catalog
from arxivbot.commands.comment import comment
from arxivbot.commands.eval import eval_
from arxivbot.commands.feedback import feedback
from arxivbot.commands.fetch import fetch
from arxivbot.commands.retrain import retrain
from arxivbot.commands.run import run
from arxivbot.commands.score import score
from arxivbot.commands.train import train

COMMANDS: list[click.Command] = [
    catalog, fetch, train, score, eval_, run, feedback, retrain, backfill, comment
]
