"""One rule for "this model was trained on this list": the card names the list by its path
(a list edited since training is still the same list). `run`'s warning and the PR body's model
line apply that one rule, so they never disagree: on this list, on another list (even one
holding the same papers), on this list at an older digest."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from tests.run_data import DAY, FIXTURE_LIST, day_papers, tiny_model

from arxivbot.model.card import edited_since, trained_on
from arxivbot.model.classifier import RelevanceModel
from arxivbot.model.store import save_model
from arxivbot.sources.replay import write_papers

ENV = {
    "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.invalid",
    "GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.invalid",
    "PATH": "/usr/bin:/bin",
}
WARNING = "was trained on other lists"
OTHER = "not on this one"
OLDER = b"# An older version of the list\n"


@pytest.fixture(scope="module")
def trained() -> RelevanceModel:
    return tiny_model()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _run(tmp_path: Path, model: RelevanceModel, lists: tuple[str, ...],
         digests: dict[str, str]) -> tuple[str, str]:
    """`arxivbot run --dry-run` on a clone holding the fixture list as README.md, with a model
    whose card names ``lists``: its stderr (the warning) and the PR body it would open."""
    repo = tmp_path / "awesome"
    repo.mkdir()
    shutil.copyfile(FIXTURE_LIST, repo / "README.md")
    for args in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                 ["commit", "-q", "-m", "list"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, env=ENV)
    model_path = tmp_path / "model.json"
    save_model(model, model_path, model.card.but(lists=lists, list_digests=digests))
    day_file = tmp_path / f"{DAY}.jsonl"
    with open(day_file, "w", encoding="utf-8") as out:
        write_papers(day_papers(), out)
    done = subprocess.run(
        [sys.executable, "-m", "arxivbot", "run", "--list", "README.md", "--repo-dir",
         str(repo), "--publisher", "local", "--dry-run", "--listings", str(day_file),
         "--model", str(model_path)],
        capture_output=True, text=True, env=ENV, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    body = done.stdout.split("----- body -----", 1)[1].split("----- diff -----", 1)[0]
    return done.stderr, body


def test_a_model_trained_on_this_list(tmp_path: Path, trained: RelevanceModel) -> None:
    """The card names README.md (as `arxivbot train` records it, relative to where it ran):
    no warning, and the body says it was trained on this list."""
    digest = _sha(FIXTURE_LIST.read_bytes())
    stderr, body = _run(tmp_path, trained, ("awesome/README.md",),
                        {"awesome/README.md": digest})
    assert WARNING not in stderr
    assert "It was trained on this list:" in body
    assert OTHER not in body


def test_a_model_trained_on_another_list_holding_the_same_papers(
    tmp_path: Path, trained: RelevanceModel
) -> None:
    """The card names another list; its papers are this list's (the old rule, a share of ids,
    said "trained on this list" here while the warning said other lists): both say other."""
    stderr, body = _run(tmp_path, trained, ("../elsewhere/list.md",),
                        {"../elsewhere/list.md": _sha(FIXTURE_LIST.read_bytes())})
    assert WARNING in stderr
    assert "It was trained on 1 other list, not on this one" in body


def test_a_model_trained_on_this_list_before_it_was_edited(
    tmp_path: Path, trained: RelevanceModel
) -> None:
    """The card names README.md at an older digest: still this list (no warning), and the body
    says it has changed since."""
    stderr, body = _run(tmp_path, trained, ("awesome/README.md",),
                        {"awesome/README.md": _sha(OLDER)})
    assert WARNING not in stderr
    assert "It was trained on this list (as it stood then; it has been edited since):" in body
    assert OTHER not in body


def test_the_rule_itself() -> None:
    from arxivbot.model.card import ModelCard

    card = ModelCard(lists=("../../lists/README.md", "seeds/a.md"),
                     list_digests={"../../lists/README.md": _sha(OLDER)})
    assert trained_on(card, "README.md")
    assert trained_on(card, "a.md")
    assert not trained_on(card, "docs/README.md")
    assert not trained_on(card, "b.md")
    assert not trained_on(ModelCard(), "README.md")
    assert not edited_since(card, "README.md", OLDER)
    assert edited_since(card, "README.md", OLDER + b"- a new entry\n")
    assert not edited_since(card, "a.md", b"anything")  # no digest recorded: nothing to say
