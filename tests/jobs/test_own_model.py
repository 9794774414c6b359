"""Which model a list gets by default in the action (``--first-model``): its own, unless the
config names one, the shipped model was trained on it, or it has no arXiv paper to learn from."""

from __future__ import annotations

from pathlib import Path

import pytest

from arxivbot.commands.retrain import own_model
from arxivbot.config import Settings, override
from arxivbot.model.store import DEFAULT_MODEL, load_card
from arxivbot.resources import bundled_path

FIXTURES = Path(__file__).parents[1] / "fixtures" / "feedback"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    (tmp_path / "README.md").write_bytes((FIXTURES / "list.md").read_bytes())
    return tmp_path


def test_a_list_the_shipped_model_was_not_trained_on_gets_its_own(repo: Path) -> None:
    settings, implicit = own_model(override(Settings(), list__path="README.md"),
                                   "models/arxivbot.json", repo)
    assert implicit
    assert settings.model.path == "models/arxivbot.json"


def test_a_named_model_path_or_no_first_model_leaves_the_settings_alone(repo: Path) -> None:
    named = override(Settings(), list__path="README.md", model__path="models/mine.json")
    assert own_model(named, "models/arxivbot.json", repo) == (named, False)
    plain = override(Settings(), list__path="README.md")
    assert own_model(plain, None, repo) == (plain, False)
    assert own_model(plain, "", repo) == (plain, False)


def test_a_list_the_shipped_model_was_trained_on_keeps_it(repo: Path) -> None:
    """The card names the seed lists; a list at one of those paths is one of them."""
    seed = load_card(bundled_path(DEFAULT_MODEL)).lists[0]
    settings = override(Settings(), list__path=Path(seed).name)
    assert own_model(settings, "models/arxivbot.json", repo) == (settings, False)


def test_a_list_without_arxiv_papers_keeps_the_shipped_model(repo: Path) -> None:
    (repo / "README.md").write_text("# Tools\n\n## Code\n\n- [A tool](https://example.org/a)\n"
                                    "- [Another](https://example.org/b)\n", encoding="utf-8")
    settings = override(Settings(), list__path="README.md")
    assert own_model(settings, "models/arxivbot.json", repo) == (settings, False)
