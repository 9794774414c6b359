"""``arxivbot feedback``."""

from __future__ import annotations

import click


@click.command(name="feedback")
def feedback() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot feedback is not built yet")
