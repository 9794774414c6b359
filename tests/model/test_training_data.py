"""Assembling the training set: where each positive's text comes from, which papers are
negatives, hard negatives, dates, and the fail-soft arXiv look-ups."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest
from tests.arxiv_server import Reply, closed_port, serving

from arxivbot.catalog.parse import read_catalog
from arxivbot.config import ArxivSettings
from arxivbot.model.training_data import (
    ABSTRACTS,
    API,
    CACHE,
    LISTINGS,
    TITLE,
    build_training_set,
    known_by,
)
from arxivbot.records import Paper
from arxivbot.sources import api
from arxivbot.sources.replay import read_papers


@pytest.fixture
def model_dir(fixtures: Path) -> Path:
    return fixtures / "model"


@pytest.fixture
def lists(model_dir: Path) -> dict[str, tuple]:
    return {"list.md": read_catalog(model_dir / "list.md").entries}


@pytest.fixture
def listings(model_dir: Path) -> list[Paper]:
    return read_papers([model_dir / "days"])


@pytest.fixture
def abstracts(model_dir: Path) -> dict[str, Paper]:
    return {p.id: p for p in read_papers([model_dir / "abstracts.jsonl"])}


def test_texts_come_from_abstracts_then_listings_then_titles(
    lists: dict, listings: list[Paper], abstracts: dict[str, Paper]
) -> None:
    """Each list paper takes the first source that has its abstract; Seg-Zero has none."""
    data = build_training_set(lists, listings, abstracts=abstracts)

    assert data.text_sources["2503.00101"] == ABSTRACTS
    assert data.text_sources["2504.00101"] == LISTINGS
    assert data.text_sources["2503.00103"] == TITLE
    assert data.title_only == ["2503.00103"]
    seg_zero = next(p for p in data.positives if p.id == "2503.00103")
    assert seg_zero.abstract == ""
    assert seg_zero.title.startswith("Seg-Zero: Reinforcing")


def test_every_arxiv_entry_is_a_positive_once(lists: dict, listings: list[Paper]) -> None:
    """Papers and benchmarks alike; the entry without an arXiv link is left out."""
    data = build_training_set(lists, listings)

    assert len(data.positives) == 10
    assert [e.name for e in data.entries][-1] == "Spatial-R1"
    assert data.entries[-1].section == "Benchmarks"
    assert data.entries[-1].list == "list.md"
    assert "NoPaper" not in [e.name for e in data.entries]


def test_negatives_are_the_other_papers_up_to_until(lists: dict, listings: list[Paper]) -> None:
    """No list paper is a negative, and --until drops later days."""
    data = build_training_set(lists, listings, until="2025-04-02")

    negative_ids = {p.id for p in data.negatives}
    assert len(data.negatives) == 48
    assert not negative_ids & {p.id for p in data.positives}
    assert {p.date for p in data.negatives} == {"2025-04-01", "2025-04-02"}
    assert data.card().listing_days == {
        "first": "2025-04-01", "last": "2025-04-02"}


def test_negatives_stop_at_the_lists_latest_paper_unless_asked(
    lists: dict, listings: list[Paper]
) -> None:
    """Papers after the last list paper were never judged: left out by default."""
    without_latest = {"list.md": [e for e in lists["list.md"] if e.arxiv_id != "2504.00401"]}

    default = build_training_set(without_latest, listings, min_negatives=10)
    everything = build_training_set(without_latest, listings, all_listings=True)
    floor = build_training_set(without_latest, listings, min_negatives=90)

    assert max(p.date for p in default.negatives) == "2025-04-03"
    assert "2025-04-03" in default.negatives_rule
    assert max(p.date for p in everything.negatives) == "2025-04-04"
    assert len(floor.negatives) == 90  # too few before the last list paper: the floor wins


def test_rejected_papers_become_hard_negatives(lists: dict, listings: list[Paper]) -> None:
    """A rejected id found in the listings moves from the negatives to the hard negatives."""
    rejected = listings[0].id if listings[0].id not in {"2504.00101"} else listings[1].id

    data = build_training_set(lists, listings, rejected_ids=[rejected])

    assert [p.id for p in data.hard_negatives] == [rejected]
    assert rejected not in {p.id for p in data.negatives}
    assert data.card().hard_negatives == 1


def test_until_keeps_only_what_was_known(
    lists: dict, listings: list[Paper], abstracts: dict[str, Paper]
) -> None:
    """until(day): dated positives by date, undated ones by their id's month, negatives too."""
    data = build_training_set(lists, listings, abstracts=abstracts).until("2025-04-02")

    assert {p.id for p in data.positives} == {
        "2503.00101", "2503.00102", "2503.00103",  # March ids: known before April
        "2504.00101", "2504.00102", "2504.00201", "2504.00202"}
    assert max(p.date for p in data.negatives) == "2025-04-02"
    assert {e.id for e in data.entries} == {p.id for p in data.positives}


def test_dates_and_id_months() -> None:
    """An undated paper of the cutoff's own month is not yet known (no leakage)."""
    assert known_by(Paper(id="hep-th/9901001", title="t", abstract=""), "2025-05-01")
    assert known_by(Paper(id="2504.00001", title="t", abstract=""), "2025-05-01")
    assert not known_by(Paper(id="2504.00001", title="t", abstract=""), "2025-04-30")
    assert known_by(Paper(id="2504.00001", title="t", abstract="", date="2025-04-03"),
                    "2025-04-03")


def test_digest_changes_with_the_labels(lists: dict, listings: list[Paper]) -> None:
    """The card's sha256 is stable for the same data and moves when a label moves."""
    first = build_training_set(lists, listings).digest()
    again = build_training_set(lists, listings).digest()
    relabelled = build_training_set(lists, listings, rejected_ids=[listings[5].id]).digest()

    assert first == again != relabelled
    assert len(first) == 64


def _quick(url: str, tmp_path: Path) -> ArxivSettings:
    return ArxivSettings(api_url=url, timeout_seconds=1.0, retries=0, delay_seconds=0.0,
                         backoff_seconds=0.0, cache_dir=str(tmp_path / "cache"))


def test_missing_abstracts_come_from_the_api_then_the_cache(
    tmp_path: Path, fixtures: Path
) -> None:
    """A list paper found nowhere else is looked up (real client, local API), then cached."""
    from arxivbot.catalog.parse import parse_catalog

    catalog = parse_catalog("# L\n\n## Papers\n\n* [Solar] [Forecasting Solar Energy Using a "
                            "Single Image](https://arxiv.org/abs/2604.21982)\n")
    document = (fixtures / "arxiv" / "api_query.xml").read_bytes()
    with serving() as server:
        server.script("/api/query", Reply(body=document))
        settings = _quick(server.url("/api/query"), tmp_path)

        fetched = build_training_set(
            {"l.md": catalog.entries}, [Paper(id="2601.00001", title="x", abstract="y")],
            cached=lambda ids: api.cached(ids, settings),
            lookup=lambda ids: api.lookup(ids, settings),
        )
        again = build_training_set(
            {"l.md": catalog.entries}, [Paper(id="2601.00001", title="x", abstract="y")],
            cached=lambda ids: api.cached(ids, settings),
            lookup=lambda ids: api.lookup(ids, settings),
        )

    assert fetched.text_sources == {"2604.21982": API}
    assert "single image" in fetched.positives[0].abstract.lower()
    assert again.text_sources == {"2604.21982": CACHE}
    assert len(server.requests_to("/api/query")) == 1


def test_an_unreachable_api_leaves_titles_and_one_warning(
    tmp_path: Path, lists: dict, listings: list[Paper], caplog: pytest.LogCaptureFixture
) -> None:
    """Training goes on offline: the API's failure is one warning, not an error."""
    settings = _quick(f"http://127.0.0.1:{closed_port()}/api/query", tmp_path)

    with caplog.at_level(logging.WARNING, logger="arxivbot.model.training_data"):
        data = build_training_set(
            lists, listings,
            cached=lambda ids: api.cached(ids, settings),
            lookup=lambda ids: api.lookup(ids, settings),
        )

    unreachable = [r.getMessage() for r in caplog.records if "unreachable" in r.getMessage()]
    assert len(unreachable) == 1
    assert unreachable[0].startswith("arXiv API unreachable: 3 papers train on their titles")
    assert len(data.title_only) == 3
