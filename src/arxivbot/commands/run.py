"""``arxivbot run``."""

from __future__ import annotations

import click


@click.command(name="run")
def run() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot run is not built yet")
