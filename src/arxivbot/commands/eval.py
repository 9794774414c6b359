"""``arxivbot eval``: the backtest over time, against the keyword and similarity baselines."""

from __future__ import annotations

import contextlib
import re
import shlex
import sys
from pathlib import Path
from typing import Any

import click

from arxivbot.commands.common import (
    check_day,
    json_option,
    model_params,
    text_sources,
)
from arxivbot.config import load_settings


@click.command(name="eval")
@click.option("--list", "list_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="An awesome-list (repeatable).")
@click.option("--listings", "listing_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="JSONL listings, a file or a folder "
              "(repeatable).")
@click.option("--abstracts", "abstracts_path", type=click.Path(path_type=Path),
              help="JSONL of the list papers' abstracts, looked at first.")
@click.option("--cutoff", "cutoffs", multiple=True,
              help="Train on what was known on this day (YYYY-MM-DD), test on the full days "
              "after it (repeatable).")
@click.option("--out-of-list", "holdout_cutoff",
              help="Also run the out-of-list, out-of-time backtest with this cutoff "
              "(YYYY-MM-DD): each list held out in turn, trained on the others.")
@click.option("--held-out-list", "held_paths", multiple=True, type=click.Path(path_type=Path),
              help="Another list to hold out in the out-of-list backtest, against all the "
              "--list lists (it only labels; repeatable).")
@click.option("--label-list", "label_paths", multiple=True, type=click.Path(path_type=Path),
              help="Another curated list on the topic whose papers count as positives of the "
              "out-of-list test days too (wider labels; evaluation only; repeatable).")
@click.option("--end", help="Last test day (default: the day of the lists' latest paper; "
              "out of list: the held-out list's).")
@click.option("--report", "report_path", type=click.Path(path_type=Path),
              default=Path("docs/backtest.md"), show_default=True,
              help="Markdown report; with the [eval] extra (matplotlib) its plots go beside "
              "it: <name>-pr.png (over time) and <name>-out-of-list.png.")
@click.option("--card", "card_model", type=click.Path(path_type=Path),
              help="Also record the summary figures in this model's card.")
@click.option("--no-api", is_flag=True, help="Never call the arXiv API.")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="arxivbot.yaml.")
@json_option
def eval_(
    list_paths: tuple[Path, ...],
    listing_paths: tuple[Path, ...],
    abstracts_path: Path | None,
    cutoffs: tuple[str, ...],
    holdout_cutoff: str | None,
    held_paths: tuple[Path, ...],
    label_paths: tuple[Path, ...],
    end: str | None,
    report_path: Path,
    card_model: Path | None,
    no_api: bool,
    config_path: Path | None,
) -> dict[str, Any]:
    """Backtest the model over time against the keyword and similarity baselines.

    \b
    Example:
      arxivbot eval --list README.md --listings listings/ --cutoff 2025-04-01
      arxivbot eval --list a.md --list b.md --listings listings/ --out-of-list 2025-05-15 \\
        --label-list other.md
    """
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.model import classifier, evaluate, generalisation, plots
    from arxivbot.model.store import update_card, write_file
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    drawing = plots.available()
    if not drawing:
        click.echo(f"note: {plots.EXTRA_NOTE}", err=True)
    settings = load_settings(config_path)
    if not cutoffs and not holdout_cutoff:
        raise click.UsageError("give --cutoff (backtest over time) or --out-of-list (or both)")
    for cutoff in cutoffs:
        check_day(cutoff, "--cutoff")
    check_day(holdout_cutoff, "--out-of-list")
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
    label_ids = {i for path in label_paths for i in _label_ids(path)}
    params = model_params(settings)
    from arxivbot.errors import ModelError

    held: generalisation.OutOfList | None = None
    result: evaluate.Backtest | None = None
    try:
        if holdout_cutoff:
            held = generalisation.run_out_of_list(
                data, papers, holdout_cutoff, label_ids=label_ids, end=end,
                other_lists={path.name: _label_ids(path) for path in held_paths},
                categories=settings.arxiv.categories,
                max_per_day=settings.model.max_candidates, params=params,
            )
        if cutoffs:
            result = evaluate.run_backtest(
                data, papers, cutoffs, list_ids=list_ids, end=end,
                categories=settings.arxiv.categories,
                max_per_day=settings.model.max_candidates, params=params,
            )
    except (ValueError, classifier.TrainingError) as exc:
        raise ModelError(f"cannot backtest: {exc}") from exc
    plot_path = report_path.with_name(f"{report_path.stem}-pr.png")
    held_plot = report_path.with_name(f"{report_path.stem}-out-of-list.png")
    written = [report_path]
    command = "arxivbot eval " + " ".join(shlex.quote(arg) for arg in sys.argv[2:])
    parts = []
    if held is not None:
        parts.append(generalisation.render_markdown(
            held, plot=held_plot.name if drawing else None))
        _echo_out_of_list(held)
        if drawing:
            write_file(held_plot, plots.out_of_list_png(held))
            written.append(held_plot)
    if result is not None:
        parts.append(evaluate.render_markdown(
            result, command=command, plot=plot_path.name if drawing else None))
        if drawing:
            write_file(plot_path, plots.backtest_png(result))
            written.append(plot_path)
    else:
        parts.insert(0, f"# Backtest of the relevance model\n\n```\n{command}\n```\n")
    if held is not None and result is not None:
        # The out-of-list figures are the headline: they go first, after the title.
        title, _, rest = parts[1].partition("\n")
        parts = [title + "\n", parts[0], rest]
    if not drawing:
        parts.insert(1, f"*{plots.EXTRA_NOTE}.*\n")
    write_file(report_path, ("\n".join(parts) + _kept_notes(report_path)).encode())
    card_changes: dict[str, Any] = {}
    if held is not None:
        card_changes["out_of_list"] = held.summary()
    if result is None:
        if card_model is not None:
            update_card(card_model, **card_changes)
        click.echo(f"wrote {' and '.join(str(p) for p in written)}")
        return {"report": str(report_path), "plots": [str(p) for p in written[1:]],
                **card_changes}
    summary = result.summary()
    if card_model is not None:
        note = ("models trained at each cutoff with the same code and parameters as this "
                "one, tested on the full listing days after it")
        update_card(card_model, **card_changes, backtest={**summary, "note": note})
    for name in evaluate.METHODS:
        figures = summary if name == evaluate.MODEL else summary[name]
        click.echo(
            f"{name:>10}: AP {figures['average_precision']:.3f}  recall at threshold "
            f"{figures['recall_at_threshold']:.3f}  candidates/day "
            f"{figures['candidates_per_day']:.1f}  recall@10 {figures['recall_at_10']:.3f}  "
            f"recall@25 {figures['recall_at_25']:.3f}"
        )
    click.echo(f"wrote {' and '.join(str(p) for p in written)}")
    return {"report": str(report_path), "plots": [str(p) for p in written[1:]],
            **card_changes, "backtest": summary}


_LINK = re.compile(r"https?://[^\s)\]>\"'|]+")


def _label_ids(path: Path) -> set[str]:
    """Every arXiv paper a label list holds: its entries' ids and any arXiv link in it.

    A label list only lends ids (evaluation only), so a list shape the catalog cannot parse
    yet still counts by its links.
    """
    from arxivbot.catalog.parse import arxiv_id_from_url, read_catalog
    from arxivbot.errors import ArxivBotError

    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise click.BadParameter(f"cannot read {path}: {exc}", param_hint="--label-list") from exc
    ids = {i for url in _LINK.findall(text) if (i := arxiv_id_from_url(url))}
    with contextlib.suppress(ArxivBotError):
        ids |= {e.arxiv_id for e in read_catalog(path).entries if e.arxiv_id}
    return ids


def _echo_out_of_list(held: object) -> None:
    from arxivbot.model import generalisation

    assert isinstance(held, generalisation.OutOfList)
    summary = held.summary()
    for labels in held.label_sets():
        for name, f in summary[labels].items():
            click.echo(
                f"out-of-list {labels:>5} {name:>8}: AP {f['average_precision']:.3f}  recall at "
                f"threshold {f['recall_at_threshold']:.3f}  candidates/day "
                f"{f['candidates_per_day']:.1f}  at recall 0.9: "
                f"{f['candidates_per_day_at_recall_0.9']:.1f}/day precision "
                f"{f['precision_at_recall_0.9']:.3f}  recall@3 {f['recall_at_3']:.3f}  "
                f"recall@10 {f['recall_at_10']:.3f}  best recall at "
                f"{summary['daily_budget'] or 0:g}/day {f['recall_at_budget']:.3f}"
            )


NOTES_MARKER = "<!-- notes below are written by hand; arxivbot eval keeps them -->"


def _kept_notes(report_path: Path) -> str:
    """The hand-written notes after ``NOTES_MARKER`` in the existing report, if any."""
    try:
        old = report_path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return ""
    at = old.find(NOTES_MARKER)
    return "\n" + old[at:] if at >= 0 else ""
