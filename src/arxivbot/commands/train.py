"""``arxivbot train``."""

from __future__ import annotations

import click


@click.command(name="train")
def train() -> None:
    """(not yet built)"""
    raise click.ClickException("arxivbot train is not built yet")
