"""The config file is strict, typed, and optional."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxivbot.config import Settings, load_settings, override, parse_settings
from arxivbot.errors import ConfigError

SHIPPED = Path(__file__).resolve().parents[1] / "config" / "arxivbot.yaml"


def test_shipped_config_equals_the_defaults() -> None:
    """The documented file and the built-in defaults say the same thing."""
    assert load_settings(SHIPPED) == Settings(source=str(SHIPPED))


def test_arxiv_ids_stay_strings() -> None:
    """An unquoted id is not read as a float (2501.00010 would become 2501.0001)."""
    settings = parse_settings("list:\n  ignore_ids: [2501.00010, '2502.01234']\n")

    assert settings.list.ignore_ids == ("2501.00010", "2502.01234")


def test_unknown_key_suggests_the_nearest() -> None:
    """An unknown key is an error that names the nearest valid key."""
    expected = r"unknown key 'max_candidate'; did you mean 'max_candidates'"
    with pytest.raises(ConfigError, match=expected):
        parse_settings("model:\n  max_candidate: 3\n")


def test_wrong_type_and_bad_choice_are_errors() -> None:
    """A value of the wrong type, a choice not offered and broken YAML are each one clear error."""
    with pytest.raises(ConfigError, match=r"model.max_candidates: expected int"):
        parse_settings("model:\n  max_candidates: many\n")
    with pytest.raises(ConfigError, match=r"publisher: must be one of local, github"):
        parse_settings("publish:\n  publisher: gitlab\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_settings("model: [\n")


def test_floats_still_parse_where_floats_belong() -> None:
    """Without YAML's implicit floats, float settings still read numbers."""
    settings = parse_settings("model:\n  threshold: 0.35\narxiv:\n  delay_seconds: 3\n")

    assert settings.model.threshold == 0.35
    assert settings.arxiv.delay_seconds == 3.0


def test_flags_override_the_file() -> None:
    """A flag overrides the file's value; a flag not given leaves it."""
    settings = parse_settings("model:\n  max_candidates: 3\n")

    changed = override(settings, model__max_candidates=7, model__threshold=None)

    assert changed.model.max_candidates == 7
    assert changed.model.threshold is None


def test_missing_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    """A missing GitHub token is an error naming the variable to set."""
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="GITHUB_TOKEN"):
        Settings().github_token()


# --- ranges: a value the bot cannot honour is refused, from the file and from the flags ------

OUT_OF_RANGE = [
    ("model:\n  max_candidates: -5\n", "model.max_candidates"),
    ("model:\n  max_candidates: 0\n", "model.max_candidates"),
    ("model:\n  threshold: .nan\n", "model.threshold"),
    ("model:\n  threshold: nan\n", "model.threshold"),
    ("model:\n  threshold: 5\n", "model.threshold"),
    ("model:\n  recall_target: 0\n", "model.recall_target"),
    ("arxiv:\n  delay_seconds: 0\n", "arXiv's terms allow one request every 3 s"),
    ("arxiv:\n  delay_seconds: -1\n", "arxiv.delay_seconds"),
    ("arxiv:\n  delay_seconds: inf\n", "arxiv.delay_seconds"),
    ("arxiv:\n  retries: 1000000\n", "arxiv.retries"),
    ("arxiv:\n  timeout_seconds: 0\n", "arxiv.timeout_seconds"),
    ("arxiv:\n  feed_url: file:///etc/passwd\n", "not an http"),
    ("publish:\n  api_url: http://api.github.com\n", "token in clear text"),
    ("publish:\n  max_open_prs: 0\n", "publish.max_open_prs"),
    ("publish:\n  branch_prefix: '../x'\n", "branch_prefix"),
    ("publish:\n  token_env: 'A B'\n", "token_env"),
    ("list:\n  repository: 'not a repo'\n", "list.repository"),
    ("feedback:\n  hard_negative_weight: -1\n", "hard_negative_weight"),
]


@pytest.mark.parametrize(("text", "message"), OUT_OF_RANGE)
def test_values_out_of_range_are_refused(text: str, message: str) -> None:
    """Values out of their range are refused with the bounds."""
    with pytest.raises(ConfigError, match=message):
        parse_settings(text)


def test_flags_out_of_range_are_refused() -> None:
    """Flags out of range are refused, naming the flag."""
    with pytest.raises(ConfigError, match="max-candidates"):
        override(Settings(), model__max_candidates=-5)
    with pytest.raises(ConfigError, match="--threshold"):
        override(Settings(), model__threshold=float("nan"))


def test_a_local_server_may_be_asked_faster_and_over_http() -> None:
    """Only a local server (tests) may be asked faster than arXiv's 3 s and over plain http."""
    settings = parse_settings(
        "arxiv:\n  delay_seconds: 0.05\n  feed_url: http://127.0.0.1:8/atom/{categories}\n"
        "  api_url: http://127.0.0.1:8/api/query\npublish:\n  api_url: http://127.0.0.1:9\n"
    )
    assert settings.arxiv.delay_seconds == 0.05


def test_the_cli_refuses_a_bad_flag_in_one_line(tmp_path: Path) -> None:
    """A bad flag value is one Error: line and exit 2, never a traceback."""
    import subprocess
    import sys

    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "run", "--max-candidates", "-5", "--listings",
         str(tmp_path / "none.jsonl")],
        cwd=tmp_path, capture_output=True, text=True, timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("Error: ")
    assert "max-candidates" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_deeply_nested_config_is_one_clear_error() -> None:
    """A pathologically nested config is one ConfigError, not a crash."""
    with pytest.raises(ConfigError):
        parse_settings("model: " + "[" * 10_000 + "\n")
