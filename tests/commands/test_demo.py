"""``arxivbot run --demo``: the README's first command, with and without a network."""

from __future__ import annotations

import gzip
import json
import re
import subprocess
import zipfile
from pathlib import Path

import pytest
from tests.arxiv_server import Reply, serving

from arxivbot.cli import main
from arxivbot.commands.run import RECORDED_DAY
from arxivbot.resources import package_path

FEED_PATH = "/atom/cs.CV+cs.CL"


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    try:
        main(["run", *args])
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def branches(repo: Path) -> list[str]:
    listed = subprocess.run(
        ["git", "-C", str(repo), "branch", "--list", "arxivbot/*", "--format=%(refname:short)"],
        capture_output=True, text=True, check=True,
    )
    return listed.stdout.split()


def feed_config(tmp_path: Path, feed_url: str) -> Path:
    path = tmp_path / "arxivbot.yaml"
    path.write_text(
        f"arxiv:\n  feed_url: {json.dumps(feed_url)}\n  delay_seconds: 0.01\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(autouse=True)
def _in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)


def test_offline_demo_proposes_the_recorded_day(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--demo --offline proposes the shipped recorded day on a branch and prints the git diff to
    review it."""
    code, out, err = run(capsys, "--demo", "--offline")

    assert code == 0, err
    assert "for 2025-05-30" in out
    assert "papers scanned: 311" in out
    assert branches(tmp_path / "arxivbot-demo") == ["arxivbot/2025-05-30"]
    assert "git -C arxivbot-demo diff main...arxivbot/2025-05-30" in out


def test_the_replayed_days_pr_body_reads_clean_on_github(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Rendered as GitHub does: no raw LaTeX, nothing invisible, no link an abstract planted."""
    cmarkgfm = pytest.importorskip("cmarkgfm")
    from cmarkgfm.cmark import Options

    code, _, err = run(capsys, "--demo", "--offline")
    assert code == 0, err
    body = (tmp_path / "arxivbot-demo/.git/arxivbot/arxivbot-2025-05-30.md").read_text("utf-8")
    html = cmarkgfm.github_flavored_markdown_to_html(body, options=Options.CMARK_OPT_UNSAFE)

    # The recorded day's abstracts do hold \textit, \href and $...$; none survives raw.
    for raw in ("\\textit", "\\textbf", "\\href", "\\emph"):
        assert raw not in html
    assert "<em>" in html
    assert not re.search("[\u200b-\u200d\u2060\ufeff]", body)
    # Clickable: arXiv's pages of each paper, and the code/project links of the entries.
    for href in re.findall(r'<a href="([^"]*)"', html):
        assert re.match(
            r"https://(arxiv\.org/(abs|pdf)/\d{4}\.\d{4,5}$|github\.com/[\w.-]+/[\w.-]+$"
            r"|[\w-]+\.github\.io/)",
            href,
        ), href


def test_run_reports_as_json(capsys: pytest.CaptureFixture[str]) -> None:
    """run --json reports the day, the papers scanned, the candidates and the branch as one
    object."""
    code, out, err = run(capsys, "--demo", "--offline", "--json")

    assert code == 0, err
    report = json.loads(out.strip().splitlines()[-1])
    assert report["day"] == "2025-05-30"
    assert report["scanned"] == 311
    assert report["pull_request"]["branch"] == "arxivbot/2025-05-30"
    assert len(report["candidates"]) == len({c["id"] for c in report["candidates"]}) > 0


def test_demo_falls_back_to_the_recorded_day_in_one_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """With the feed unreachable the demo says so in one line and still proposes the recorded
    day."""
    # Port 9 on 127.0.0.1: nothing listens, the connection is refused at once.
    config = feed_config(tmp_path, "http://127.0.0.1:9/atom/{categories}")
    code, out, err = run(capsys, "--demo", "--config", str(config))

    assert code == 0, err
    said = [line for line in out.splitlines() if "recorded day" in line]
    assert len(said) == 1
    assert "did not answer" in said[0]
    assert "Error" not in err
    assert branches(tmp_path / "arxivbot-demo") == ["arxivbot/2025-05-30"]


def test_demo_uses_the_live_feed_when_it_answers(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fixtures: Path
) -> None:
    """When the live feed answers, the demo proposes from it with one request and never mentions
    the recorded day."""
    with serving() as server:
        server.script(FEED_PATH, Reply(body=(fixtures / "arxiv" / "atom_day.xml").read_bytes()))
        config = feed_config(tmp_path, server.url("/atom/{categories}"))
        code, out, err = run(capsys, "--demo", "--config", str(config))

    assert code == 0, err
    assert "recorded day" not in out
    assert "2025-05-30" not in out
    assert len(server.seen) == 1


def test_offline_without_a_day_to_replay_is_a_clear_error(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """--offline without --demo or --listings is a configuration error that names both ways out."""
    code, _, err = run(capsys, "--offline")
    assert code == 2
    assert err.startswith("Error: --offline needs a day to replay")


def test_the_recorded_day_is_real_small_and_documented() -> None:
    """The shipped day is one real announcement day, a few hundred kB, with its provenance beside
    it."""
    recorded = package_path(RECORDED_DAY)
    assert 20_000 < recorded.stat().st_size < 600_000
    with gzip.open(recorded, "rt", encoding="utf-8") as lines:
        records = [json.loads(line) for line in lines]
    assert len(records) == 311
    assert {r["date"] for r in records} == {"2025-05-30"}
    provenance = recorded.with_name(recorded.name.removesuffix(".jsonl.gz") + ".md")
    assert "daily-arXiv-ai-enhanced" in provenance.read_text(encoding="utf-8")


def test_the_wheel_ships_the_recorded_day(tmp_path: Path) -> None:
    """Built as pip would: the recorded day and its note travel inside the wheel."""
    hatchling = pytest.importorskip("hatchling.builders.wheel")
    root = Path(__file__).resolve().parents[2]
    builder = hatchling.WheelBuilder(str(root))
    built = next(iter(builder.build(directory=str(tmp_path), versions=["standard"])))
    names = zipfile.ZipFile(built).namelist()
    assert f"arxivbot/{RECORDED_DAY}" in names
    assert f"arxivbot/{RECORDED_DAY.removesuffix('.jsonl.gz')}.md" in names
