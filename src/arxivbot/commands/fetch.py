"""``arxivbot fetch``: the day's papers, live from arXiv or replayed from an archive."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from arxivbot.config import load_settings
from arxivbot.records import Paper
from arxivbot.sources.day import DayListing, load_day
from arxivbot.sources.replay import write_papers

TITLE_WIDTH = 80


@click.command(name="fetch")
@click.option("--date", "date", metavar="YYYY-MM-DD", help="Announcement day (default: latest).")
@click.option(
    "--from",
    "replay",
    multiple=True,
    type=click.Path(path_type=Path),
    help="Replay a JSONL listing (gzip or not) or a folder of daily files instead of arXiv.",
)
@click.option("--json", "as_json", is_flag=True, help="JSONL in the listings format on stdout.")
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Config file to use."
)
def fetch(
    date: str | None, replay: tuple[Path, ...], as_json: bool, config_path: Path | None
) -> None:
    """Print the day's new and cross-listed papers and a one-line summary.

    A day without announcements (weekends, arXiv holidays) prints "no announcements for DATE"
    and exits 0; a failure to read arXiv or the replay exits non-zero with the reason.

    The summary goes to stdout after the table, or to stderr with --json (stdout stays JSONL).

    Example: arxivbot fetch --from listings/2025-05-20.jsonl.gz
    """
    settings = load_settings(config_path)
    day = load_day(settings.arxiv, date=date, replay=list(replay) or None)
    if as_json:
        write_papers(day.papers, sys.stdout)
        click.echo(_closing_line(day), err=True)
        return
    if day.papers:
        click.echo(format_table(day.papers))
    click.echo(_closing_line(day))


def _closing_line(day: DayListing) -> str:
    if day.empty:
        note = f" ({day.skipped} replacements or other entries skipped)" if day.skipped else ""
        return f"no announcements for {day.date}{note}"
    return day.summary()


def format_table(papers: tuple[Paper, ...]) -> str:
    """One line per paper: id, announce type, primary category, title (shortened)."""
    rows = [("id", "type", "primary", "title")]
    for paper in papers:
        title = paper.title
        if len(title) > TITLE_WIDTH:
            title = title[: TITLE_WIDTH - 1].rstrip() + "…"
        rows.append((paper.id, paper.announce_type, paper.primary_category or "-", title))
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True))
        + "  "
        + row[3]
        for row in rows
    )
