"""``arxivbot train``: fit the relevance model on the lists' papers and the listings."""

from __future__ import annotations

import logging
from pathlib import Path

import click

from arxivbot.commands.common import check_day, model_params, portable_path, text_sources
from arxivbot.config import load_settings

log = logging.getLogger(__name__)


@click.command(name="train")
@click.option("--list", "list_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="An awesome-list whose arXiv papers are the "
              "positives (repeat for several lists).")
@click.option("--listings", "listing_paths", multiple=True, required=True,
              type=click.Path(path_type=Path),
              help="JSONL listings (a file or a folder of daily files, gzip or not); their papers "
              "not on the lists are the negatives (repeatable).")
@click.option("--abstracts", "abstracts_path", type=click.Path(path_type=Path),
              help="JSONL of the list papers' abstracts (the listings' record format); looked at "
              "first.")
@click.option("--until", help="Use listing days up to this date (YYYY-MM-DD) only.")
@click.option("--all-listings", is_flag=True,
              help="Use listing days after the lists' latest paper as negatives too (by "
              "default they are left out: nobody judged them).")
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path),
              help="Decisions file whose rejected papers become hard negatives "
              "(default: feedback.decisions_path, when it exists).")
@click.option("--no-api", is_flag=True, help="Never call the arXiv API (the look-up cache is "
              "still read); papers without an abstract train on their titles.")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              help="Where to write the model (JSON); the card goes beside it (.card.json).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="arxivbot.yaml.")
def train(
    list_paths: tuple[Path, ...],
    listing_paths: tuple[Path, ...],
    abstracts_path: Path | None,
    until: str | None,
    all_listings: bool,
    decisions_path: Path | None,
    no_api: bool,
    out_path: Path,
    config_path: Path | None,
) -> None:
    """Train the relevance model and write it with its model card.

    \b
    Example:
      arxivbot train --list README.md --listings listings/ --out models/default.json
    """
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.feedback.decisions import read_decisions, rejected_ids
    from arxivbot.model import classifier
    from arxivbot.model.store import card_path, save_model
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    settings = load_settings(config_path)
    check_day(until, "--until")
    lists = {path.name: read_catalog(path).entries for path in list_paths}
    # All days, even with --until: a list paper announced later still lends its abstract.
    papers = replay.read_papers(listing_paths)
    decisions = decisions_path or Path(settings.feedback.decisions_path)
    rejected = rejected_ids(read_decisions(decisions)) if decisions.is_file() else frozenset()
    data = build_training_set(
        lists,
        papers,
        **text_sources(settings, abstracts_path, no_api),
        until=until,
        all_listings=all_listings,
        rejected_ids=rejected,
    )
    del papers
    params = model_params(settings)
    try:
        model = classifier.train(
            data.positives, data.negatives, entries=data.entries,
            hard_negatives=data.hard_negatives, params=params,
        )
    except classifier.TrainingError as exc:
        from arxivbot.errors import ModelError

        raise ModelError(f"cannot train: {exc}") from exc
    counts = data.card()
    card = model.card.but(
        training_data=counts,
        lists=tuple(portable_path(p) for p in list_paths),
        listings=tuple(portable_path(p) for p in listing_paths),
        abstracts=portable_path(abstracts_path) if abstracts_path else None,
        until=until,
        all_listings=all_listings,
    )
    save_model(model, out_path, card)
    click.echo(
        f"model {model.version}: {counts.positives} list papers "
        f"({counts.positives_title_only} on their title only), {counts.negatives} "
        f"negatives, {counts.hard_negatives} hard negatives; threshold {model.threshold:.4g}"
    )
    click.echo(f"wrote {out_path} and {card_path(out_path)}")
