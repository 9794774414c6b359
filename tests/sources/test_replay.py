"""The replay source reads the archive's JSONL format, gzip or not."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from arxivbot.errors import SourceError
from arxivbot.sources.replay import read_papers

RECORD = {
    "id": "2505.01234v2",
    "title": "A <b> & c",
    "abstract": "x < y & z at https://example.org/a?b=1&c=2",
    "authors": ["A. One", "B. Two"],
    "categories": ["cs.CV", "cs.CL"],
    "primary_category": "cs.CV",
    "date": "2025-05-20",
}


def test_reads_gzip_and_plain_and_folders(tmp_path: Path) -> None:
    """A folder of daily files is read in date order, each id once, versions dropped."""
    day1 = tmp_path / "2025-05-20.jsonl.gz"
    with gzip.open(day1, "wt", encoding="utf-8") as out:
        out.write(json.dumps(RECORD) + "\n")
    day2 = tmp_path / "2025-05-21.jsonl"
    day2.write_text(
        json.dumps({**RECORD, "date": "2025-05-21"}) + "\n"
        + json.dumps({**RECORD, "id": "2505.09999", "date": "2025-05-21"}) + "\n"
        + "{not json\n",
        encoding="utf-8",
    )

    papers = read_papers([tmp_path])

    assert [p.id for p in papers] == ["2505.01234", "2505.09999"]
    assert papers[0].date == "2025-05-20"
    assert papers[0].abstract == RECORD["abstract"]
    assert read_papers([tmp_path], until="2025-05-20")[0].id == "2505.01234"
    assert len(read_papers([tmp_path], until="2025-05-20")) == 1


def test_a_file_with_no_record_at_all_is_an_error(tmp_path: Path) -> None:
    """One bad line is skipped; a file of nothing but bad lines is not a listing."""
    notes = tmp_path / "notes.md"
    notes.write_text("# Notes\n\nJust prose.\n", encoding="utf-8")

    with pytest.raises(SourceError, match="none of its 2 lines is a paper record"):
        read_papers([notes])
