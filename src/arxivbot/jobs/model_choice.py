"""Which model the daily run proposes with, and where a list's first model stands.

The decisions only, over plain facts the command gathers at its edge (whether a file is
there, the archive's copy, the state of the model's pull request, what training gave):
reading, copying, training and proposing stay in ``commands/``.

- **The archived first model** (``first_model_step``): for a ``model.path`` naming no file in
  the checkout, with a copy in the archive (arxivbot keeps one only when it proposed the model
  as the list's first), the model's newest pull request decides. Open: the copy is put back.
  Closed without merging: the maintainers declined it; nothing is put back, and no run uses
  it or trains and proposes another unasked. Merged, or none: nothing to do (the model is
  trained again, as on a first run).
- **The daily run's model** (``before_training``, then ``after_training``): declined, the
  shipped model, and nothing is trained; else the ``model.path`` model, loaded, or trained on
  a first run and then proposed; one that cannot be trained, for a path the config did not
  name (the action's first-model input), gives way to the shipped model.
"""

from __future__ import annotations

from dataclasses import dataclass

from arxivbot.publish import PRState


@dataclass(frozen=True, slots=True)
class ArchivedModel:
    """What the edge found for a ``model.path`` naming no file in the checkout, with a copy
    of it in the archive."""

    list_path: str  # the list, as the config names it
    model_path: str  # model.path
    archive: str  # the archive folder's name, for the notes (e.g. "trained")
    proposal: PRState | None  # the newest model pull request's state (None: never made one)
    proposal_name: str = ""  # how to name it: "#12", else its URL or branch
    implicit: bool = False  # model.path comes from the action's first-model input


@dataclass(frozen=True)
class FirstModel:
    """Where a first model the archive keeps stands, when ``model.path`` names no file."""

    note: str = ""  # one line for the output and the job summary; "" when nothing to say
    restored: bool = False  # put back from the archive (by the edge): its pull request is open
    declined: bool = False  # its pull request was closed without merging


def first_model_step(found: ArchivedModel | None) -> FirstModel:
    """The archived first model's fate (``found`` None: no archived copy to decide about).

    ``restored`` asks the edge to put the copy back; it then says what it put back with
    ``restored_note``."""
    if found is None or found.proposal is None or found.proposal == "merged":
        return FirstModel()
    if found.proposal == "open":
        return FirstModel(restored=True)
    name = found.proposal_name
    return FirstModel(
        note=(f"the first model for {found.list_path} that arxivbot proposed in {name} "
              f"was closed without merging: {found.model_path} is not used, and no other is "
              "trained or proposed unasked; the shipped model (trained on other lists) "
              f"proposes instead. To use it after all, reopen {name}; to have a new one "
              f"trained and proposed, delete {found.archive}/ from the archive branch (or "
              "retrain with --force); to silence this line, "
              + ("set the action's first-model input to ''" if found.implicit
                 else "remove model.path from the config")),
        declined=True,
    )


def restored_note(restored: list[str], proposal_name: str) -> str:
    """The line saying which files were put back from the archive, and why."""
    return (f"restored {', '.join(restored)} from the archive: its pull request "
            f"{proposal_name} is not merged yet")


@dataclass(frozen=True, slots=True)
class DailyChoice:
    """The daily run's model: the shipped one, or the list's own (``model.path``)."""

    shipped: bool  # propose with the model shipped with arxivbot
    note: str = ""  # why it is not the list's own model, or that its copy was put back
    propose: bool = False  # this run trained the list's first model: propose it
    fail: bool = False  # the list's own model could not be trained, and nothing replaces it


def before_training(first: FirstModel) -> DailyChoice | None:
    """Declined: the shipped model, with the reason, and nothing is trained. None: the list's
    own model is loaded, or trained where there is none yet (then ``after_training``)."""
    return DailyChoice(shipped=True, note=first.note) if first.declined else None


def after_training(first: FirstModel, *, trained: bool, failure: str | None, implicit: bool,
                   list_path: str) -> DailyChoice:
    """Once the edge loaded or trained the list's own model: ``trained`` (this run trained it:
    propose it), ``failure`` (why it could not be trained; a model.path the config names
    fails the run, the action's own default gives way to the shipped model)."""
    if failure is not None:
        if not implicit:
            return DailyChoice(shipped=False, fail=True)
        return DailyChoice(shipped=True, note=(
            f"no model could be trained on {list_path} ({failure}): the shipped model "
            "(trained on other lists) proposes instead"))
    if trained:
        return DailyChoice(shipped=False, propose=True)
    return DailyChoice(shipped=False, note=first.note if first.restored else "")
