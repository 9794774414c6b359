"""``arxivbot catalog LIST.md``: what a list holds, and how it writes an entry."""

from __future__ import annotations

from pathlib import Path

import click


@click.command()
@click.argument("list_path", type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry.")
@click.option("--check-style", is_flag=True, help="Re-render every entry and compare.")
def catalog(list_path: Path, as_json: bool, check_style: bool) -> None:
    """Summarise an awesome-list: sections, entries, arXiv links, duplicates."""
    raise NotImplementedError
