"""``arxivbot retrain``."""

from __future__ import annotations

import click


@click.command(name="retrain")
def retrain() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot retrain is not built yet")
