"""``arxivbot score``."""

from __future__ import annotations

import click


@click.command(name="score")
def score() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot score is not built yet")
