"""The daily run's choice of a model and the first model's fate, decided over plain facts
(``jobs.model_choice``); the command reads, copies and trains at the edge. The flows through
the action's own steps are in test_action_steps; these pin each decision on its own."""

from __future__ import annotations

import pytest

from arxivbot.jobs.model_choice import (
    ArchivedModel,
    DailyChoice,
    FirstModel,
    after_training,
    before_training,
    first_model_step,
    restored_note,
)


def archived(state: str | None, *, implicit: bool = False) -> ArchivedModel:
    return ArchivedModel(list_path="README.md", model_path="models/list.json",
                         archive="trained", proposal=state,  # type: ignore[arg-type]
                         proposal_name="#7", implicit=implicit)


@pytest.mark.parametrize("found", [None, archived(None), archived("merged")])
def test_no_copy_no_proposal_or_a_merged_one_leaves_everything_alone(
    found: ArchivedModel | None,
) -> None:
    assert first_model_step(found) == FirstModel()


def test_an_open_proposal_puts_the_archived_copy_back() -> None:
    step = first_model_step(archived("open"))
    assert step.restored
    assert not step.declined
    assert restored_note(["models/list.json", "models/list.card.json"], "#7") == (
        "restored models/list.json, models/list.card.json from the archive: its pull request "
        "#7 is not merged yet")


@pytest.mark.parametrize("implicit", [False, True])
def test_a_closed_proposal_is_declined_and_says_how_to_undo_it(implicit: bool) -> None:
    step = first_model_step(archived("closed", implicit=implicit))
    assert step.declined
    assert not step.restored
    assert step.note.startswith("the first model for README.md that arxivbot proposed in #7 "
                                "was closed without merging: models/list.json is not used")
    assert "delete trained/ from the archive branch" in step.note
    assert ("first-model input to ''" in step.note) is implicit
    assert ("remove model.path from the config" in step.note) is not implicit


def test_declined_means_the_shipped_model_and_no_training() -> None:
    declined = first_model_step(archived("closed"))
    assert before_training(declined) == DailyChoice(shipped=True, note=declined.note)
    assert before_training(FirstModel()) is None
    assert before_training(first_model_step(archived("open"))) is None


def test_after_training() -> None:
    plain, restored = FirstModel(), FirstModel(note="restored x", restored=True)
    # Loaded: the list's own model; the restore's line stays, nothing else is said.
    assert after_training(plain, trained=False, failure=None, implicit=False,
                          list_path="README.md") == DailyChoice(shipped=False)
    assert after_training(restored, trained=False, failure=None, implicit=True,
                          list_path="README.md") == DailyChoice(shipped=False, note="restored x")
    # Trained by this run: proposed.
    assert after_training(plain, trained=True, failure=None, implicit=True,
                          list_path="README.md") == DailyChoice(shipped=False, propose=True)
    # Not trainable: a model.path the config names fails the run; the action's default
    # gives way to the shipped model, saying why.
    assert after_training(plain, trained=False, failure="cannot train: 1 paper",
                          implicit=False, list_path="README.md").fail
    fallback = after_training(plain, trained=False, failure="cannot train: 1 paper",
                              implicit=True, list_path="README.md")
    assert fallback.shipped
    assert not fallback.fail
    assert fallback.note == ("no model could be trained on README.md (cannot train: 1 paper): "
                             "the shipped model (trained on other lists) proposes instead")
