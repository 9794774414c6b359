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
    expected = r"unknown key 'max_candidate'; did you mean 'max_candidates'"
    with pytest.raises(ConfigError, match=expected):
        parse_settings("model:\n  max_candidate: 3\n")


def test_wrong_type_and_bad_choice_are_errors() -> None:
    with pytest.raises(ConfigError, match=r"model.max_candidates: expected int"):
        parse_settings("model:\n  max_candidates: many\n")
    with pytest.raises(ConfigError, match=r"publisher: must be one of local, github"):
        parse_settings("publish:\n  publisher: gitlab\n")
    with pytest.raises(ConfigError, match="not valid YAML"):
        parse_settings("model: [\n")


def test_floats_still_parse_where_floats_belong() -> None:
    settings = parse_settings("model:\n  threshold: 0.35\narxiv:\n  delay_seconds: 3\n")

    assert settings.model.threshold == 0.35
    assert settings.arxiv.delay_seconds == 3.0


def test_flags_override_the_file() -> None:
    settings = parse_settings("model:\n  max_candidates: 3\n")

    changed = override(settings, model__max_candidates=7, model__threshold=None)

    assert changed.model.max_candidates == 7
    assert changed.model.threshold is None


def test_missing_token_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    with pytest.raises(ConfigError, match="GITHUB_TOKEN"):
        Settings().github_token()
