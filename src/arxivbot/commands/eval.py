"""``arxivbot eval``: the backtest over time, against the keyword and similarity baselines."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import click

from arxivbot.commands.common import check_day, model_params, require_extra, text_sources
from arxivbot.config import load_settings


@click.command(name="eval")
@click.option("--list", "list_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="An awesome-list (repeatable).")
@click.option("--listings", "listing_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="JSONL listings, a file or a folder "
              "(repeatable).")
@click.option("--abstracts", "abstracts_path", type=click.Path(path_type=Path),
              help="JSONL of the list papers' abstracts, looked at first.")
@click.option("--cutoff", "cutoffs", multiple=True, required=True,
              help="Train on what was known on this day (YYYY-MM-DD), test on the full days "
              "after it (repeatable).")
@click.option("--end", help="Last test day (default: the day of the lists' latest paper).")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              default=Path("docs/backtest.md"), show_default=True,
              help="Markdown report; the precision-recall plot goes beside it as "
              "<name>-pr.png.")
@click.option("--card", "card_model", type=click.Path(path_type=Path),
              help="Also record the summary figures in this model's card.")
@click.option("--no-api", is_flag=True, help="Never call the arXiv API.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="arxivbot.yaml.")
def eval_(
    list_paths: tuple[Path, ...],
    listing_paths: tuple[Path, ...],
    abstracts_path: Path | None,
    cutoffs: tuple[str, ...],
    end: str | None,
    report_path: Path,
    card_model: Path | None,
    no_api: bool,
    config_path: Path | None,
) -> None:
    """Backtest the model over time against the keyword and similarity baselines.

    \b
    Example:
      arxivbot eval --list README.md --listings listings/ --cutoff 2025-04-01
    """
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.model import classifier, evaluate
    from arxivbot.model.store import update_card, write_file
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    require_extra("matplotlib", "eval", "arxivbot eval draws its precision-recall plot with it")
    settings = load_settings(config_path)
    for cutoff in cutoffs:
        check_day(cutoff, "--cutoff")
    check_day(end, "--end")
    lists = {path.name: read_catalog(path).entries for path in list_paths}
    papers = replay.read_papers(listing_paths)
    data = build_training_set(
        lists,
        papers,
        **text_sources(settings, abstracts_path, no_api),
    )
    list_ids = {entry.arxiv_id for entries in lists.values() for entry in entries
                if entry.arxiv_id}
    params = model_params(settings)
    try:
        result = evaluate.run_backtest(
            data, papers, cutoffs, list_ids=list_ids, end=end,
            categories=settings.arxiv.categories, max_per_day=settings.model.max_candidates,
            params=params,
        )
    except (ValueError, classifier.TrainingError) as exc:
        from arxivbot.errors import ModelError

        raise ModelError(f"cannot backtest: {exc}") from exc
    plot_path = report_path.with_name(f"{report_path.stem}-pr.png")
    command = "arxivbot eval " + " ".join(shlex.quote(arg) for arg in sys.argv[2:])
    report = evaluate.render_markdown(result, command=command)
    write_file(report_path, (report + _kept_notes(report_path)).encode())
    write_file(plot_path, evaluate.plot_pr(result))
    summary = result.summary()
    if card_model is not None:
        note = ("models trained at each cutoff with the same code and parameters as this "
                "one, tested on the full listing days after it")
        update_card(card_model, {"backtest": {**summary, "note": note}})
    for name in evaluate.METHODS:
        figures = summary if name == evaluate.MODEL else summary[name]
        click.echo(
            f"{name:>10}: AP {figures['average_precision']:.3f}  recall at threshold "
            f"{figures['recall_at_threshold']:.3f}  candidates/day "
            f"{figures['candidates_per_day']:.1f}  recall@10 {figures['recall_at_10']:.3f}  "
            f"recall@25 {figures['recall_at_25']:.3f}"
        )
    click.echo(f"wrote {report_path} and {plot_path}")


NOTES_MARKER = "<!-- notes below are written by hand; arxivbot eval keeps them -->"


def _kept_notes(report_path: Path) -> str:
    """The hand-written notes after ``NOTES_MARKER`` in the existing report, if any."""
    try:
        old = report_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    at = old.find(NOTES_MARKER)
    return "\n" + old[at:] if at >= 0 else ""
