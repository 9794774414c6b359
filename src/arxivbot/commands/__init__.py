"""The CLI commands, one module each; ``cli.py`` registers everything listed here."""

from __future__ import annotations

import click

from arxivbot.commands.catalog import catalog

COMMANDS: list[click.Command] = [catalog]
