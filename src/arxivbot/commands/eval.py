"""``arxivbot eval``."""

from __future__ import annotations

import click


@click.command(name="eval")
def eval_() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot eval is not built yet")
