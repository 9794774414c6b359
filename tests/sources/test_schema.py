"""One record schema at every edge: feed, API, replay files and the cache.

Hostile or broken records (ids that are paths or Markdown, fields of the wrong JSON type,
garbage dates, megabyte titles) are skipped with a warning naming them, never a traceback;
too long text is cut with a visible mark; a source that is mostly garbage is one clear error.
"""

from __future__ import annotations

import json
import logging
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tests.run_data import DAY, FIXTURE_LIST, day_papers, tiny_model

from arxivbot.config import ArxivSettings
from arxivbot.errors import SourceError
from arxivbot.model.store import save_model
from arxivbot.sources import api
from arxivbot.sources.replay import paper_to_record, read_papers
from arxivbot.sources.schema import (
    MAX_ABSTRACT,
    MAX_TITLE,
    TRUNCATED,
    BadRecord,
    paper_from_record,
)

GOOD = {"id": "2505.01234", "title": "A title", "abstract": "An abstract.", "date": DAY}

HOSTILE = [
    ({**GOOD, "id": "../../etc"}, "not an arXiv id"),
    ({**GOOD, "id": "2505.23590)[pwn](javascript:alert(1)"}, "not an arXiv id"),
    ({**GOOD, "id": 2505.01234}, "id must be a string"),
    ({**GOOD, "comment": {"a": 1}}, "comment must be a string"),
    ({**GOOD, "comment": ["x"]}, "comment must be a string"),
    ({**GOOD, "id": "garbage", "date": "20x5-13-99"}, "not an arXiv id"),
    ({**GOOD, "date": "20x5-13-99"}, "is not a date"),
    ({**GOOD, "date": "2025-02-30"}, "is not a date"),
    ({**GOOD, "title": None}, "no title"),
    ({**GOOD, "title": ["a"]}, "title must be a string"),
    ({**GOOD, "title": "   "}, "empty title"),
    ({**GOOD, "authors": {"x": 1}}, "authors must be a list"),
    ({**GOOD, "authors": [1, 2]}, "authors must be a string"),
    ({**GOOD, "categories": "cs.CV"}, "categories must be a list"),
    ({**GOOD, "announce_type": "new; rm -rf"}, "not an announcement type"),
    ([1, 2], "expected a JSON object"),
    ("2505.01234", "expected a JSON object"),
]


@pytest.mark.parametrize(("record", "why"), HOSTILE)
def test_a_hostile_record_is_refused_with_a_reason(record: object, why: str) -> None:
    """A hostile or malformed record is refused with the reason."""
    with pytest.raises(BadRecord, match=why):
        paper_from_record(record)


def test_long_text_is_cut_with_a_mark_and_made_one_line() -> None:
    """Overlong text is cut with a mark, made one line, and control characters dropped."""
    paper = paper_from_record({
        **GOOD, "title": "Big\n## Injected heading " + "x" * 1_000_000,
        "abstract": "y" * 100_000, "authors": ["A\x00lice", "  "],
    })

    assert len(paper.title) == MAX_TITLE
    assert paper.title.endswith(TRUNCATED)
    assert "\n" not in paper.title
    assert len(paper.abstract) == MAX_ABSTRACT
    assert paper.abstract.endswith(TRUNCATED)
    assert paper.authors == ("Alice",)


def test_versions_and_prefixes_are_stripped_and_old_ids_kept() -> None:
    """Versions are stripped from new- and old-style ids alike."""
    assert paper_from_record({**GOOD, "id": "2505.01234v3"}).id == "2505.01234"
    assert paper_from_record({**GOOD, "id": "hep-th/9901001v2"}).id == "hep-th/9901001"


def _write(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_a_replay_file_skips_bad_records_naming_them(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    """A replay file skips a bad record with a warning naming its line and reason."""
    good = [{**GOOD, "id": f"2505.{i:05d}"} for i in range(9)]
    path = _write(tmp_path / "day.jsonl", [*good, {**GOOD, "id": "../../etc"}])

    with caplog.at_level(logging.WARNING):
        papers = read_papers([path])

    assert [p.id for p in papers] == [r["id"] for r in good]
    assert "line 10" in caplog.text
    assert "'../../etc' is not an arXiv id" in caplog.text


def test_a_mostly_bad_file_is_one_clear_error(tmp_path: Path) -> None:
    """A file of mostly bad records is one clear error, not a short day."""
    records = [{**GOOD, "id": "2505.00001"}] + [{**GOOD, "id": f"x{i}"} for i in range(3)]
    path = _write(tmp_path / "day.jsonl", records)

    with pytest.raises(SourceError, match="3 of 4 records are malformed"):
        read_papers([path])


def test_a_deeply_nested_line_is_a_malformed_line(tmp_path: Path) -> None:
    """A pathologically nested JSON line is one malformed line, not a crash."""
    path = tmp_path / "day.jsonl"
    lines = [json.dumps({**GOOD, "id": f"2505.{i:05d}"}) for i in range(3)]
    path.write_text("\n".join([*lines, "[" * 100_000]) + "\n", encoding="utf-8")

    assert len(read_papers([path])) == 3


def test_a_bad_cache_line_is_skipped_not_fatal(tmp_path: Path) -> None:
    """Bad lines in the API cache are skipped; the good ones still answer."""
    settings = ArxivSettings(cache_dir=str(tmp_path))
    good = paper_to_record(paper_from_record(GOOD))
    api.cache_path(settings).write_text(
        "\n".join(json.dumps(r) for r in [
            good, {**GOOD, "id": "2505.99999", "comment": {"x": 1}},
            {"id": ["nope"], "missing": True}, [1],
        ]) + "\n", encoding="utf-8",
    )

    assert list(api.cached(["2505.01234", "2505.99999"], settings)) == ["2505.01234"]


RECORD_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner,
                                                                  max_size=3),
    max_leaves=8,
)
FIELDS = ("id", "title", "abstract", "authors", "categories", "primary_category", "date",
          "announce_type", "comment")


@settings(max_examples=150, deadline=1000, suppress_health_check=[HealthCheck.too_slow])
@given(st.dictionaries(st.sampled_from(FIELDS), RECORD_VALUES), st.sampled_from(FIELDS))
def test_any_json_record_is_a_paper_or_a_bad_record(record: dict, keep_good: str) -> None:
    """Fuzz: any JSON types in any field give a valid Paper or BadRecord, nothing else."""
    merged = {**GOOD, **record} if keep_good == "id" else record
    try:
        paper = paper_from_record(merged)
    except BadRecord:
        return
    assert api.normalise_id(paper.id) == paper.id
    assert isinstance(paper.title, str)
    assert paper.title
    assert "\n" not in paper.title
    assert len(paper.title) <= MAX_TITLE
    assert len(paper.abstract) <= MAX_ABSTRACT
    assert all(isinstance(a, str) for a in paper.authors + paper.categories)


GIT_ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
}


def test_a_replayed_day_with_10_percent_malformed_records_proposes_the_good_papers(
    tmp_path: Path,
) -> None:
    """`arxivbot run` on a day where 1 in 10 records is hostile: the good papers are proposed,
    the bad ones are named, and no traceback."""
    repo = tmp_path / "awesome"
    repo.mkdir()
    (repo / "README.md").write_bytes(FIXTURE_LIST.read_bytes())
    for args in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                 ["commit", "-q", "-m", "list"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True,
                       env={**GIT_ENV, "PATH": "/usr/bin:/bin"})
    model_path = tmp_path / "model.json"
    save_model(tiny_model(), model_path)
    good = [paper_to_record(p) for p in day_papers()]  # 34 papers, 2 of them relevant
    relevant = {**good[0], "title": "Seg-Zero3: " + good[0]["title"]}  # would be proposed
    bad: list[object] = [
        {**relevant, "id": "../../etc"}, {**relevant, "id": "2505.23590)[pwn](javascript:x)"},
        {**relevant, "id": "2505.00077", "comment": {"x": 1}},
        {**relevant, "id": "2505.00078", "date": "garbage"},
    ]
    day_file = _write(tmp_path / f"{DAY}.jsonl", [*good[:20], *bad, *good[20:]])

    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "run", "--list", "README.md", "--listings",
         str(day_file), "--publisher", "local", "--model", str(model_path)],
        cwd=repo, capture_output=True, text=True, timeout=60,
        env={**GIT_ENV, "PATH": "/usr/bin:/bin"},
    )

    assert done.returncode == 0, done.stderr
    assert "Traceback" not in done.stderr
    assert "2 candidates for 2025-05-20" in done.stdout
    for name in ("'../../etc'", "javascript:x", "2505.00077", "2505.00078"):
        assert name in done.stderr
