"""``arxivbot fetch``: replayed and live days, empty days, and failures as the user sees them."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
from tests.arxiv_server import ArxivServer, Reply, serving

from arxivbot.cli import main
from arxivbot.errors import ConfigError, SourceError

FEED_PATH = "/atom/cs.CV+cs.CL"
SUMMARY = "4 papers (new: 3, cross: 1, skipped: 0) for 2025-05-20"


@pytest.fixture(autouse=True)
def _no_stray_config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # The command looks for arxivbot.yaml in the working directory; use an empty one.
    monkeypatch.chdir(tmp_path)


@pytest.fixture
def listing(fixtures: Path) -> Path:
    return fixtures / "arxiv" / "2025-05-20.jsonl"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Run the real CLI entry point; (exit code, stdout, stderr)."""
    try:
        main(["fetch", *args])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def live_config(tmp_path: Path, server: ArxivServer, **arxiv: object) -> Path:
    settings = {
        "feed_url": server.url("/atom/{categories}"),
        "api_url": server.url("/api/query"),  # both local: a delay under arXiv's 3 s is allowed
        "timeout_seconds": 0.5,
        "retries": 2,
        "delay_seconds": 0.05,
        "backoff_seconds": 0.05,
        **arxiv,
    }
    lines = ["arxiv:"] + [f"  {key}: {json.dumps(value)}" for key, value in settings.items()]
    path = tmp_path / "arxivbot.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_replay_prints_a_table_and_the_summary(
    capsys: pytest.CaptureFixture[str], listing: Path
) -> None:
    """fetch --from prints a table of the day's papers and the one-line summary."""
    code, out, err = run(capsys, "--from", str(listing))

    assert code == 0
    lines = out.splitlines()
    assert lines[0].split() == ["id", "type", "primary", "title"]
    assert lines[1].split()[:3] == ["2505.12298", "new", "cs.CV"]
    assert lines[4].split()[:3] == ["2505.12455", "cross", "cs.LG"]
    assert lines[-1] == SUMMARY
    assert err == ""


def test_json_is_jsonl_in_the_listings_format(
    capsys: pytest.CaptureFixture[str], listing: Path
) -> None:
    """fetch --json prints JSONL in the listings format on stdout and the summary on stderr."""
    code, out, err = run(capsys, "--from", str(listing), "--json")

    assert code == 0
    records = [json.loads(line) for line in out.splitlines()]
    assert [r["id"] for r in records] == ["2505.12298", "2505.12310", "2505.12401", "2505.12455"]
    assert records[1]["abstract"].endswith("(see https://example.org/ovd?x=1&y=2).")
    assert records[3]["announce_type"] == "cross"
    assert set(records[0]) >= {
        "id", "title", "abstract", "authors", "categories", "primary_category", "date",
    }
    assert err.strip() == SUMMARY  # stdout stays pure JSONL


def test_a_folder_replays_the_latest_day_or_the_one_asked_for(
    capsys: pytest.CaptureFixture[str], listing: Path, tmp_path: Path
) -> None:
    """A folder replays its latest day, or the --date asked for; a missing day is an error."""
    folder = tmp_path / "listings"
    folder.mkdir()
    with open(listing, "rb") as src, gzip.open(folder / "2025-05-20.jsonl.gz", "wb") as dst:
        shutil.copyfileobj(src, dst)
    later = json.loads(listing.read_text(encoding="utf-8").splitlines()[0])
    (folder / "2025-05-21.jsonl").write_text(
        json.dumps({**later, "id": "2505.13001", "date": "2025-05-21"}) + "\n", encoding="utf-8"
    )

    _, latest, _ = run(capsys, "--from", str(folder))
    _, asked, _ = run(capsys, "--from", str(folder), "--date", "2025-05-20")
    code, _, err = run(capsys, "--from", str(folder), "--date", "2025-05-24")

    assert latest.splitlines()[-1] == "1 paper (new: 1, cross: 0, skipped: 0) for 2025-05-21"
    assert asked.splitlines()[-1] == SUMMARY
    assert code == SourceError.exit_code
    assert "no listing for 2025-05-24 (it holds 2025-05-20 … 2025-05-21)" in err


def test_a_malformed_date_is_a_usage_error(
    capsys: pytest.CaptureFixture[str], listing: Path
) -> None:
    """A --date that is no YYYY-MM-DD date is a configuration error."""
    code, _, err = run(capsys, "--from", str(listing), "--date", "20.5.2025")

    assert code == ConfigError.exit_code
    assert "expected a date as YYYY-MM-DD" in err


def test_a_date_the_file_does_not_hold_is_an_error_not_an_empty_day(
    capsys: pytest.CaptureFixture[str], listing: Path
) -> None:
    """A --date the file does not hold is an error naming the day it does hold."""
    code, out, err = run(capsys, "--from", str(listing), "--date", "2025-05-21")

    assert code == SourceError.exit_code
    assert out == ""
    assert "no papers dated 2025-05-21 (it holds 2025-05-20)" in err


def test_announce_types_from_the_config_filter_the_replay(
    capsys: pytest.CaptureFixture[str], listing: Path, tmp_path: Path
) -> None:
    """The config's announce_types filter a replay as they filter the live feed."""
    config = tmp_path / "only-new.yaml"
    config.write_text("arxiv:\n  announce_types: [new]\n", encoding="utf-8")

    _, out, _ = run(capsys, "--from", str(listing), "--config", str(config))

    assert out.splitlines()[-1] == "3 papers (new: 3, cross: 0, skipped: 1) for 2025-05-20"


def test_a_live_day(capsys: pytest.CaptureFixture[str], fixtures: Path, tmp_path: Path) -> None:
    """Without --from, fetch reads the live feed with one request."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=(fixtures / "arxiv" / "atom_day.xml").read_bytes()))
        code, out, _ = run(capsys, "--config", str(live_config(tmp_path, server)))

    assert code == 0
    assert out.splitlines()[-1] == "7 papers (new: 6, cross: 1, skipped: 2) for 2026-04-27"
    assert "Q&A over Tables: When x < y Breaks Retrieval" in out
    assert len(server.seen) == 1


def test_an_empty_day_says_so_and_succeeds(
    capsys: pytest.CaptureFixture[str], fixtures: Path, tmp_path: Path
) -> None:
    """A day without announcements says so and exits 0."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=(fixtures / "arxiv" / "atom_empty.xml").read_bytes()))
        code, out, err = run(capsys, "--config", str(live_config(tmp_path, server)))

    assert code == 0
    assert out == "no announcements for 2025-12-31\n"
    assert "Error" not in err


def test_arxiv_down_is_one_clear_error_and_a_non_zero_exit(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """arXiv down is one Error: line with the URL and status, exit 4, and no traceback."""
    with serving() as server:
        server.script(FEED_PATH, Reply(status=503, body=b"Service Unavailable"))
        code, out, err = run(capsys, "--config", str(live_config(tmp_path, server)))

    assert code == SourceError.exit_code == 4
    assert out == ""
    [error] = [line for line in err.splitlines() if line.startswith("Error: ")]
    assert f"{server.url(FEED_PATH)}: HTTP 503 (gave up after 3 attempts)" in error
    assert "Traceback" not in err
    assert len(server.seen) == 3


def test_asking_the_live_feed_for_another_day_points_to_replay(
    capsys: pytest.CaptureFixture[str], fixtures: Path, tmp_path: Path
) -> None:
    """Asking the live feed for another day says which day it holds and points to --from."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=(fixtures / "arxiv" / "atom_day.xml").read_bytes()))
        config = live_config(tmp_path, server)
        code, _, err = run(capsys, "--config", str(config), "--date", "2026-04-24")

    assert code == SourceError.exit_code
    assert "holds the announcements of 2026-04-27, not 2026-04-24" in err
    assert "--from" in err


def test_the_archived_day_prints_as_many_papers_as_the_file_holds(
    capsys: pytest.CaptureFixture[str], shared: Path
) -> None:
    """A real archived day prints one line per record it holds."""
    path = shared / "data" / "arxiv" / "listings" / "2025-05-20.jsonl.gz"
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        expected = sum(1 for line in handle if line.strip())

    code, out, _ = run(capsys, "--from", str(path))

    assert code == 0
    assert out.splitlines()[-1].startswith(f"{expected} papers (new: ")
    assert out.splitlines()[-1].endswith(" for 2025-05-20")
    assert len(out.splitlines()) == expected + 2  # header, one line a paper, summary
