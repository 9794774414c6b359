"""``arxivbot backfill``: fill a listings archive from the arXiv API, politely, resumably."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from arxivbot.commands.common import json_option
from arxivbot.config import load_settings
from arxivbot.errors import ConfigError

if TYPE_CHECKING:
    from arxivbot.sources.api_range import PageDone


@click.command(name="backfill")
@click.option(
    "--days", type=click.IntRange(min=1), default=30, show_default=True,
    help="How many days to fill, ending --until.",
)
@click.option("--until", metavar="YYYY-MM-DD", help="Last day (default: yesterday, UTC).")
@click.option(
    "--out", type=click.Path(path_type=Path), default=Path("listings"), show_default=True,
    help="Folder of daily files (YYYY-MM-DD.jsonl.gz); days already there are kept.",
)
@click.option(
    "--config", "config_path", type=click.Path(path_type=Path), help="Config file to use."
)
@json_option
def backfill(days: int, until: str | None, out: Path, config_path: Path | None) -> dict[str, Any]:
    """Write one listings file per day from the arXiv API, for training on day one.

    Each day holds the papers of arxiv.categories first submitted that day (UTC). Requests go
    one at a time, arxiv.delay_seconds apart, retried with backoff; every page is cached in
    arxiv.cache_dir, so an interrupted backfill resumes where it stopped when run again.

    Example: arxivbot backfill --days 90 --out listings/
    """
    # Imported here: the arXiv API client costs ~0.1 s, which every other command would pay.
    from arxivbot.sources.backfill import backfill as fill

    settings = load_settings(config_path)
    last = _day(until) if until else datetime.now(UTC).date() - timedelta(days=1)
    first = last - timedelta(days=days - 1)

    def progress(done: PageDone) -> None:
        source = "cache" if done.cached else "arXiv API"
        click.echo(
            f"[{done.day_index}/{done.days}] {done.day}: results {done.start}-"
            f"{done.start + done.papers} ({done.papers} from the {source})",
            err=True,
        )

    report = fill(out, first.isoformat(), last.isoformat(), settings.arxiv, progress=progress)
    click.echo(
        f"wrote {len(report.written)} day files ({report.papers} papers, "
        f"{report.requests} API requests) to {out}; {len(report.kept)} days were already there"
    )
    return {"out": str(out), "written": list(report.written), "kept": list(report.kept),
            "papers": report.papers, "requests": report.requests}


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"--until {text!r} is not a date; write it as YYYY-MM-DD") from None
