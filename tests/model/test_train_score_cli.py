"""arxivbot train → score → eval through the real CLI, on the fixture list and listings."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from arxivbot.cli import main

MODEL_FIXTURES = Path(__file__).parents[1] / "fixtures" / "model"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    """Run the CLI like a shell would: exit code, stdout, stderr."""
    try:
        main(argv)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def train_args(out: Path, *extra: str) -> list[str]:
    return [
        "train", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"),
        "--abstracts", str(MODEL_FIXTURES / "abstracts.jsonl"),
        "--no-api", "--out", str(out), *extra,
    ]


@pytest.fixture
def offline(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run in an empty folder: no config file, and the look-up cache lands in tmp."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_train_then_score_round_trip(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """train writes a model and card; score prints one well-formed line per input paper."""
    model = offline / "m.json"
    code, out, _ = run(train_args(model, "--until", "2025-04-02"), capsys)
    assert code == 0, out
    assert "10 list papers (1 on their title only), 48 negatives" in out
    assert (offline / "m.card.json").is_file()

    day = MODEL_FIXTURES / "days" / "2025-04-03.jsonl"
    code, out, err = run(["score", "--papers", str(day), "--model", str(model)], capsys)

    assert code == 0, err
    lines = [json.loads(line) for line in out.splitlines()]
    inputs = [json.loads(line)["id"] for line in day.read_text().splitlines()]
    assert [r["id"] for r in lines] == inputs
    assert all(set(r) == {"id", "score", "selected", "top_terms", "nearest"} for r in lines)
    assert all(0.0 <= r["score"] <= 1.0 for r in lines)
    on_list = {r["id"]: r for r in lines if r["id"] in {"2504.00301", "2504.00302"}}
    assert all(r["selected"] for r in on_list.values())
    assert sum(r["selected"] for r in lines) <= 10
    best = max(lines, key=lambda r: r["score"])
    assert best["id"] in on_list
    assert {"zorbnet", "zorbnet rewards", "rewards"} & set(best["top_terms"])
    assert [set(n) for n in best["nearest"]] == [{"id", "name"}, {"id", "name"}]


def test_score_reads_gzip_and_several_inputs(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--papers repeats and takes gzipped files; the per-day cap comes from the flag."""
    model = offline / "m.json"
    assert run(train_args(model), capsys)[0] == 0
    gz = MODEL_FIXTURES / "days" / "2025-04-02.jsonl.gz"
    plain = MODEL_FIXTURES / "days" / "2025-04-04.jsonl"

    code, out, _ = run(["score", "--papers", str(gz), "--papers", str(plain), "--model",
                        str(model), "--max-candidates", "1", "--threshold", "0"], capsys)

    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert len(lines) == 26 + 25
    assert sum(r["selected"] for r in lines) == 2  # one per day


def test_training_twice_gives_the_same_bytes(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Same inputs, byte-identical model files."""
    run(train_args(offline / "a.json"), capsys)
    run(train_args(offline / "b.json"), capsys)

    assert (offline / "a.json").read_bytes() == (offline / "b.json").read_bytes()


def test_score_refuses_a_tampered_model(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A hand-edited model is an error with exit code 5 and a way out, not a traceback."""
    model = offline / "m.json"
    run(train_args(model), capsys)
    model.write_text(model.read_text().replace('"threshold": 0.', '"threshold": 1.', 1))

    code, out, err = run(["score", "--papers", str(MODEL_FIXTURES / "days"), "--model",
                          str(model)], capsys)

    assert code == 5
    assert out == ""
    assert err.startswith("Error: ")
    assert "digest" in err
    assert "arxivbot train" in err


def test_train_with_an_unreadable_list_says_so(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A missing list is a catalog error, and no model is written."""
    code, _, err = run(["train", "--list", "absent.md", "--listings",
                        str(MODEL_FIXTURES / "days"), "--out", "m.json"], capsys)

    assert code == 3
    assert "absent.md" in err
    assert not (offline / "m.json").exists()


def test_bad_until_is_a_usage_error(offline: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """--until must be a date."""
    code, _, err = run(train_args(offline / "m.json", "--until", "April"), capsys)

    assert code == 2
    assert "not a date" in err


def test_eval_writes_the_report_the_plot_and_the_card(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """eval on the fixtures: figures for the model and both baselines, a PNG, the card."""
    model = offline / "m.json"
    run(train_args(model), capsys)
    report = offline / "docs" / "backtest.md"

    code, out, err = run([
        "eval", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"),
        "--abstracts", str(MODEL_FIXTURES / "abstracts.jsonl"),
        "--cutoff", "2025-04-02", "--report", str(report), "--card", str(model), "--no-api",
    ], capsys)

    assert code == 0, err
    assert "model: AP 1.000" in out
    text = report.read_text()
    assert "## Cutoff 2025-04-02" in text
    assert "3 positives" in text
    assert (offline / "docs" / "backtest-pr.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert "](backtest-pr.png)" in text
    card = json.loads((offline / "m.card.json").read_text())
    assert card["backtest"]["average_precision"] == 1.0
    assert card["backtest"]["cutoffs"] == ["2025-04-02"]


def test_eval_keeps_the_hand_written_notes(
    offline: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Notes after the marker survive a new run; the figures above it are replaced."""
    from arxivbot.commands.eval import NOTES_MARKER

    report = offline / "backtest.md"
    report.write_text(f"old figures\n{NOTES_MARKER}\nWhy the cutoffs are where they are.\n")

    code, _, err = run([
        "eval", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"), "--cutoff", "2025-04-02",
        "--report", str(report), "--no-api",
    ], capsys)

    text = report.read_text()
    assert code == 0, err
    assert "old figures" not in text
    assert text.startswith("# Backtest of the relevance model")
    assert text.endswith(f"{NOTES_MARKER}\nWhy the cutoffs are where they are.\n")


def test_eval_without_matplotlib_writes_the_report_and_says_so_in_one_line(
    offline: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without the [eval] extra: the same report without plots, one note on stderr and in
    the report, exit 0, no PNG and no link to one."""
    import sys

    model = offline / "m.json"
    run(train_args(model), capsys)
    monkeypatch.setitem(sys.modules, "matplotlib", None)  # `import matplotlib` fails
    report = offline / "docs" / "backtest.md"

    code, _, err = run([
        "eval", "--list", str(MODEL_FIXTURES / "list.md"),
        "--listings", str(MODEL_FIXTURES / "days"),
        "--abstracts", str(MODEL_FIXTURES / "abstracts.jsonl"),
        "--cutoff", "2025-04-02", "--report", str(report), "--no-api",
    ], capsys)

    assert code == 0, err
    notes = [line for line in err.splitlines() if "matplotlib" in line]
    assert notes == ["note: matplotlib is not installed, so the report has no plots: "
                     "pip install 'arxivbot[eval]' to draw them"]
    text = report.read_text()
    assert "## Cutoff 2025-04-02" in text
    assert "pip install 'arxivbot[eval]'" in text
    assert ".png" not in text
    assert not list((offline / "docs").glob("*.png"))
