"""``arxivbot fetch``."""

from __future__ import annotations

import click


@click.command(name="fetch")
def fetch() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot fetch is not built yet")
