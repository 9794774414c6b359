"""``arxivbot train``: fit the relevance model on the lists' papers and the listings.

Without ``--listings`` the negatives come from the arXiv API: every cs.CV/cs.CL paper
submitted on the ``--api-days`` days up to the lists' latest paper (or ``--until``), fetched
one page at a time, 3 s apart, each page cached, so an interrupted fetch resumes where it
stopped (``sources.api_range``). ``arxivbot run`` trains the same way, once, when
``model.path`` names a file that does not exist yet (``model_for_run``).
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import click

from arxivbot.commands.common import (
    check_day,
    json_option,
    model_params,
    portable_path,
    text_sources,
)
from arxivbot.config import Settings, load_settings
from arxivbot.errors import ConfigError, ModelError

if TYPE_CHECKING:
    from arxivbot.model.card import ApiNegatives, ModelCard
    from arxivbot.model.classifier import RelevanceModel
    from arxivbot.records import CatalogEntry, Paper

log = logging.getLogger(__name__)

API_DAYS = 42  # ~12k cs.CV/cs.CL papers: the negatives the recipe is tuned on (13.8k)


@dataclass(frozen=True)
class Trained:
    """A model just trained and saved, and what to tell the user about it."""

    model: RelevanceModel
    path: Path
    summary: str  # one line: what it learnt from
    api_requests: int  # requests made to the arXiv API for the negatives (0: listings)


@click.command(name="train")
@click.option("--list", "list_paths", multiple=True, required=True,
              type=click.Path(path_type=Path), help="An awesome-list whose arXiv papers are the "
              "positives (repeat for several lists).")
@click.option("--listings", "listing_paths", multiple=True,
              type=click.Path(path_type=Path),
              help="JSONL listings (a file or a folder of daily files, gzip or not); their papers "
              "not on the lists are the negatives (repeatable). Without it the negatives come "
              "from the arXiv API (see --api-days).")
@click.option("--api-days", type=click.IntRange(1, 366), default=API_DAYS, show_default=True,
              help="Without --listings: fetch the papers of arxiv.categories submitted on this "
              "many days, up to the lists' latest paper (or --until), from the arXiv API as "
              "negatives: about one request per day, 3 s apart, cached in arxiv.cache_dir "
              "(a failed fetch resumes where it stopped).")
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
              "still read); papers without an abstract train on their titles. Needs --listings.")
@click.option("--out", "out_path", required=True, type=click.Path(path_type=Path),
              help="Where to write the model (JSON); the card goes beside it (.card.json).")
@click.option("--config", "config_path", type=click.Path(path_type=Path), help="arxivbot.yaml.")
@json_option
def train(
    list_paths: tuple[Path, ...],
    listing_paths: tuple[Path, ...],
    api_days: int,
    abstracts_path: Path | None,
    until: str | None,
    all_listings: bool,
    decisions_path: Path | None,
    no_api: bool,
    out_path: Path,
    config_path: Path | None,
) -> dict[str, object]:
    """Train the relevance model and write it with its model card.

    \b
    Examples:
      arxivbot train --list README.md --listings listings/ --out models/default.json
      arxivbot train --list README.md --out models/my-list.json   # negatives from arXiv
    """
    from arxivbot.model.store import card_path

    settings = load_settings(config_path)
    check_day(until, "--until")
    if not listing_paths and no_api:
        raise ConfigError("--no-api needs --listings: without listings the negatives come "
                          "from the arXiv API")
    trained = train_and_save(
        list_paths, out_path, settings, listing_paths=listing_paths, api_days=api_days,
        abstracts_path=abstracts_path, until=until, all_listings=all_listings,
        decisions_path=decisions_path, no_api=no_api,
    )
    click.echo(trained.summary)
    click.echo(f"wrote {out_path} and {card_path(out_path)}")
    return {"model_version": trained.model.version, "threshold": trained.model.threshold,
            "model": str(out_path), "card": str(card_path(out_path)),
            "summary": trained.summary, "api_requests": trained.api_requests}


def train_and_save(
    list_paths: Sequence[Path],
    out_path: Path,
    settings: Settings,
    *,
    listing_paths: Sequence[Path] = (),
    api_days: int = API_DAYS,
    abstracts_path: Path | None = None,
    until: str | None = None,
    before: str | None = None,
    all_listings: bool = False,
    decisions_path: Path | None = None,
    no_api: bool = False,
) -> Trained:
    """Train on ``list_paths`` against the listings (or the arXiv API) and save the model.

    ``before`` (YYYY-MM-DD) leaves out every paper announced on or after it (the day a first
    run is about to propose from).
    """
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.feedback.decisions import read_decisions, rejected_ids
    from arxivbot.model import classifier
    from arxivbot.model.store import save_model
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    lists = {path.name: read_catalog(path).entries for path in list_paths}
    fetched: ApiNegatives | None = None
    papers: list[Paper] = []
    if listing_paths:
        # All days, even with --until: a list paper announced later still lends its abstract.
        papers = replay.read_papers(listing_paths)
        if before and not no_api and not any(p.date and p.date < before for p in papers):
            # A first run on an archive that starts that day (no backfill): nothing to learn
            # from there, so the negatives come from the arXiv API.
            log.warning("no listing day before %s in %s: the negatives come from the arXiv "
                        "API", before, ", ".join(str(p) for p in listing_paths))
            listing_paths = ()
    if not listing_paths:
        papers, fetched = fetch_negatives(settings, lists, api_days, until, before)
        until = fetched.last_day
    if before:
        papers = [p for p in papers if not p.date or p.date < before]
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
    try:
        model = classifier.train(
            data.positives, data.negatives, entries=data.entries,
            hard_negatives=data.hard_negatives, params=model_params(settings),
        )
    except classifier.TrainingError as exc:
        raise ModelError(f"cannot train: {exc}") from exc
    counts = data.card()
    card: ModelCard = model.card.but(
        training_data=counts,
        lists=tuple(portable_path(p) for p in list_paths),
        list_digests={portable_path(p): _sha256(p) for p in list_paths},
        listings=tuple(portable_path(p) for p in listing_paths),
        api_negatives=fetched,
        abstracts=portable_path(abstracts_path) if abstracts_path else None,
        until=until,
        all_listings=all_listings,
    )
    save_model(model, out_path, card)
    where = (f"the arXiv API ({fetched.first_day} … {fetched.last_day}, "
             f"{fetched.requests} requests)" if fetched else "the listings")
    summary = (
        f"model {model.version}: {counts.positives} list papers "
        f"({counts.positives_title_only} on their title only), {counts.negatives} "
        f"negatives from {where}, {counts.hard_negatives} hard negatives; "
        f"threshold {model.threshold:.4g}"
    )
    return Trained(model, Path(out_path), summary, fetched.requests if fetched else 0)


def fetch_negatives(
    settings: Settings,
    lists: Mapping[str, Sequence[CatalogEntry]],
    days: int,
    until: str | None,
    before: str | None = None,
) -> tuple[list[Paper], ApiNegatives]:
    """Every paper of ``arxiv.categories`` submitted on ``days`` days, from the arXiv API.

    The days end at ``until``, else at the end of the month of the lists' newest arXiv id
    (the days their maintainers judged), never later than yesterday (UTC) or ``before``.
    """
    from arxivbot import progress
    from arxivbot.model.card import ApiNegatives
    from arxivbot.sources.api_range import fetch_range

    last = date.fromisoformat(until) if until else _newest_month_end(lists)
    latest = datetime.now(UTC).date() - timedelta(days=1)
    if before:
        latest = min(latest, date.fromisoformat(before) - timedelta(days=1))
    last = min(last or latest, latest)
    first = last - timedelta(days=days - 1)
    papers: list[Paper] = []
    requests = 0
    with progress.task("arXiv API negatives", total=days, unit="days") as advance:
        for day in fetch_range(first.isoformat(), last.isoformat(), settings.arxiv):
            papers.extend(day.papers)
            requests += day.requests
            advance(1)
    log.info("negatives: %d papers of %d days from the arXiv API (%d requests)",
             len(papers), days, requests)
    return papers, ApiNegatives(first_day=first.isoformat(), last_day=last.isoformat(),
                                papers=len(papers), requests=requests)


def _newest_month_end(lists: Mapping[str, Sequence[CatalogEntry]]) -> date | None:
    from arxivbot.arxiv_ids import id_month

    months = [m for entries in lists.values() for e in entries
              if e.arxiv_id and (m := id_month(e.arxiv_id))]
    if not months:
        return None
    year, month = max(months)
    following = date(year + month // 12, month % 12 + 1, 1)
    return following - timedelta(days=1)


def _sha256(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def model_for_run(
    settings: Settings, repo_dir: Path | None, replay: Sequence[Path], day: str
) -> tuple[RelevanceModel, str]:
    """The model ``arxivbot run`` proposes with, and a line saying so when it trained it.

    ``model.path`` unset: the model shipped with arxivbot. Set to a file that exists: that
    model. Set to a file that does not exist yet (a list's first run): a model is trained on
    the list itself, against the replayed listings' folders or else the arXiv API, from the
    papers announced before ``day``, and saved there for the next runs (and ``retrain``).
    """
    from arxivbot.model.card import trained_on
    from arxivbot.model.store import load_model

    path = Path(settings.model.path) if settings.model.path else None
    if path is None or path.exists():
        model = load_model(path)
        if not trained_on(model.card, settings.list.path):
            log.warning(
                "model %s was trained on other lists (%s), not on %s: its figures say nothing "
                "about this list; set model.path to a file that does not exist yet and the "
                "next run trains one on this list", model.version,
                ", ".join(Path(p).name for p in model.card.lists) or "unknown",
                settings.list.path)
        return model, ""
    list_path = (repo_dir or Path.cwd()) / settings.list.path
    if not list_path.is_file():
        raise ModelError(
            f"{path}: no model file there, and the list {list_path} is not here to train one "
            f"on; run `arxivbot train --list {settings.list.path} --out {path}`"
        )
    folders = sorted({p if p.is_dir() else p.parent for p in replay})
    trained = train_and_save([list_path], path, settings, listing_paths=folders, before=day)
    note = (f"no model for this list yet: trained {path} on {settings.list.path} "
            f"({trained.summary})")
    return trained.model, note
