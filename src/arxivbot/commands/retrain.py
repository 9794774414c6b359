"""``arxivbot retrain``: a new model from the list and the maintainers' decisions, kept only if
it is not worse than the current one on the same backtest."""

from __future__ import annotations

import dataclasses
import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from arxivbot.commands.common import (
    check_day,
    git_toplevel,
    json_option,
    list_options,
    list_settings,
    make_publisher,
    model_params,
    summary_table,
    text_sources,
    write_job_summary,
)
from arxivbot.config import Settings, override
from arxivbot.errors import ArxivBotError, ConfigError, ModelError
from arxivbot.jobs.model_choice import FirstModel
from arxivbot.publish import RETRAIN_BRANCH, Publisher
from arxivbot.records import PullRequestDraft

if TYPE_CHECKING:
    from arxivbot.model.classifier import RelevanceModel

__all__ = ["RETRAIN_BRANCH", "ChosenModel", "FirstModel", "daily_model", "kept_first_model",
           "open_pull_request", "own_model", "propose_trained_model", "retrain"]


@click.command(name="retrain")
@list_options
@click.option("--decisions", "decisions_path", type=click.Path(path_type=Path),
              help="The decisions file (default: feedback.decisions_path).")
@click.option("--listings", "listing_paths", multiple=True, required=True,
              type=click.Path(path_type=Path),
              help="JSONL listings (a file or a folder of daily files): the negatives and the "
              "backtest's test days (repeatable).")
@click.option("--abstracts", "abstracts_path", type=click.Path(path_type=Path),
              help="JSONL of the list papers' abstracts, looked at first.")
@click.option("--model", "model_path", type=click.Path(path_type=Path),
              help="The current model (default: model.path, else the shipped one).")
@click.option("--out", "out_path", type=click.Path(path_type=Path),
              help="Where the new model goes (default: model.path, else models/default.json).")
@click.option("--cutoff", help="Backtest cutoff YYYY-MM-DD (default: 5 listing days before "
              "the last).")
@click.option("--no-api", is_flag=True, help="Never call the arXiv API for missing abstracts.")
@click.option("--force", is_flag=True, help="Keep the new model even if it is worse (and "
              "propose a first model the maintainers closed before).")
@click.option("--keep-trained", type=click.Path(path_type=Path),
              help="The folder keeping a first model until its PR is merged (the action's "
              "archive branch): put back while its PR is open, kept up to date with it.")
@click.option("--first-model", "first_model_path",
              help="When the config names no model.path and the shipped model was not trained "
              "on this list: the list's own model is at this path (trained here if it is not "
              "there yet), as for `run --first-model`.")
@click.option("--dry-run", is_flag=True, help="Print the comparison and the PR; write nothing.")
@json_option
def retrain(**options: Any) -> dict[str, Any]:
    """Retrain on the list's entries (accepted ones included), the rejected papers as hard
    negatives and the listings' other papers; compare with the current model on the same
    backtest; keep the new one if it is not worse (or with --force).

    \b
    The new model, its card and the decisions file are written in place and proposed as one
    commit on the branch arxivbot-retrain, titled with the change, e.g.
    "Retrain: AP 0.41 → 0.47, 12 accepted / 5 rejected since last model": a pull request
    with --publisher github, a branch and a PR file (like `run`) with the local publisher.

    \b
    A `model.path` naming no file yet (no daily run has trained the list's first model):
    the first model is trained on the list and the listings and proposed as
    "Model: first model for LIST", nothing to compare it with; unless the maintainers
    closed that proposal before (then only with --force).

    \b
    Example:
      arxivbot retrain --repo-dir ../awesome-list --listings listings/ --out models/list.json
    """
    try:  # the options, as click parsed them, go to _retrain, which names and types them
        return _retrain(**options)
    except ArxivBotError as exc:  # the reason where a maintainer looks first, then as always
        write_job_summary("arxivbot retrain failed", summary_table([("error", str(exc))]))
        raise


def _retrain(
    config_path: Path | None,
    publisher: str | None,
    repository: str | None,
    list_path: str | None,
    base_branch: str | None,
    repo_dir: Path | None,
    decisions_path: Path | None,
    listing_paths: tuple[Path, ...],
    abstracts_path: Path | None,
    model_path: Path | None,
    out_path: Path | None,
    cutoff: str | None,
    no_api: bool,
    force: bool,
    dry_run: bool,
    keep_trained: Path | None = None,
    first_model_path: str | None = None,
) -> dict[str, Any]:
    from arxivbot.catalog.parse import decode_list_bytes, parse_catalog
    from arxivbot.feedback.decisions import read_decisions
    from arxivbot.jobs.retrain import retrain as run_retrain
    from arxivbot.jobs.retrain import summary
    from arxivbot.model.store import card_path, load_model, save_model
    from arxivbot.sources import replay

    settings = list_settings(
        config_path, list_path, repository, base_branch, publisher,
        model__path=str(model_path) if model_path else None,
        feedback__decisions_path=str(decisions_path) if decisions_path else None,
    )
    check_day(cutoff, "--cutoff")
    settings, implicit = own_model(settings, first_model_path, repo_dir)
    source = make_publisher(settings, repo_dir)
    first = kept_first_model(source, settings, repo_dir, keep_trained, implicit=implicit)
    if first.note:
        click.echo(first.note)
    if settings.model.path is not None and not os.path.lexists(settings.model.path):
        return _first_model(source, settings, repo_dir, listing_paths, first,
                            force=force, dry_run=dry_run, keep_dir=keep_trained,
                            implicit=implicit)
    snapshot = source.read_list()
    catalog = parse_catalog(decode_list_bytes(snapshot.content), snapshot.path)
    papers = replay.read_papers(listing_paths)
    decisions_file = Path(settings.feedback.decisions_path)
    decisions = read_decisions(decisions_file)
    current = load_model(Path(settings.model.path) if settings.model.path else None)
    params = model_params(settings, current.params)

    outcome = run_retrain(
        current,
        {snapshot.path: catalog.entries},
        papers,
        decisions,
        **text_sources(settings, abstracts_path, no_api),
        params=params,
        cutoff=cutoff,
        categories=settings.arxiv.categories,
        max_per_day=settings.model.max_candidates,
        force=force,
    )
    click.echo(summary(outcome))
    write_job_summary(outcome.title, outcome.body)
    report: dict[str, Any] = {
        "title": outcome.title, "keep": outcome.keep, "forced": outcome.forced,
        "reason": outcome.reason, "comparison": dataclasses.asdict(outcome.comparison),
        "accepted_since": outcome.since.accepted_since,
        "rejected_since": outcome.since.rejected_since, "dry_run": dry_run,
        "model": None, "pull_request": None,
    }
    if dry_run:
        click.echo(f"\n# {outcome.title}\n\n{outcome.body}")
        click.echo("dry run: nothing written")
        return report
    if not outcome.keep:
        click.echo("the current model stays (use --force to keep the new one anyway)")
        return report

    out = out_path or Path(settings.model.path or "models/default.json")
    save_model(outcome.model, out, outcome.card)
    click.echo(f"wrote {out} and {card_path(out)}")
    report["model"] = str(out)
    on_github = settings.publish.publisher == "github"
    # The files go into the proposal by their path in the list's repository: the checkout
    # (the working directory) on GitHub, the clone the local publisher proposes in.
    root = Path.cwd() if on_github else git_toplevel(repo_dir or Path.cwd())
    files: dict[str, bytes] = {}
    for path in (out, card_path(out), decisions_file):
        if not path.is_file():
            continue
        inside = _repo_path(path, root)
        if inside is not None:
            files[inside] = path.read_bytes()
        elif on_github:
            raise ConfigError(
                f"{path} is outside the working directory; with the github publisher run "
                "retrain from the repository's checkout, with --out and the decisions file "
                "inside it"
            )
        else:
            click.echo(f"{path} is outside {root}: written in place, not proposed")
    if not files:
        if settings.model.path is None or Path(settings.model.path) != out:
            click.echo(f"to run with it: set `model: {{path: {out}}}` in arxivbot.yaml")
        return report
    result = open_pull_request(source, files, outcome.title, outcome.body,
                               f"{outcome.title}\n\n{outcome.reason}\n",
                               base_revision=snapshot.revision)
    click.echo(f"pull request: {result}")
    if first.restored and keep_trained is not None and out == Path(settings.model.path or ""):
        # The archive keeps what the open pull request proposes, for the daily runs.
        _keep(keep_trained, {name: data for name, data in files.items()
                             if name != _repo_path(decisions_file, root)})
    return {**report, "pull_request": result}


def open_pull_request(publisher: Publisher, files: dict[str, bytes], title: str, body: str,
                      message: str, *, base_revision: str | None = None) -> str:
    """Propose ``files`` as one commit on the base branch, on the retrain branch, through the
    publisher (a pull request on GitHub, a branch and a PR file locally); where to review it.

    A later retrain replaces the open one; a failure at any write puts the branch back as it
    was, as for `run`.
    """
    base = base_revision or publisher.read_list().revision
    draft = PullRequestDraft(
        branch=RETRAIN_BRANCH, title=title, body=body, list_path="", new_content=b"",
        base_revision=base, commit_message=message, files=tuple(sorted(files.items())),
        kind="model",
    )
    result = publisher.publish(draft)
    return result.url or result.branch


def _repo_path(path: Path, root: Path) -> str | None:
    """``path`` as the repository at ``root`` sees it (None when it is outside)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None


def own_model(settings: Settings, first_model: str | None,
              repo_dir: Path | None = None) -> tuple[Settings, bool]:
    """``settings`` with ``model.path`` set to ``first_model`` when the config names none and
    the shipped model was not trained on this list (its card names the lists it was), and
    whether it was set so: the list's own model, trained on the first run where it is not
    yet (the action's ``first-model`` input). A list with no arXiv paper to learn from keeps
    the shipped model (and costs no arXiv request for negatives it could not use)."""
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.model.card import trained_on
    from arxivbot.model.store import DEFAULT_MODEL, load_card
    from arxivbot.resources import bundled_path

    if not first_model or settings.model.path is not None:
        return settings, False
    if trained_on(load_card(bundled_path(DEFAULT_MODEL)), settings.list.path):
        return settings, False
    if not os.path.lexists(first_model):
        try:
            papers = read_catalog((repo_dir or Path.cwd()) / settings.list.path).arxiv_ids
        except (OSError, ArxivBotError):
            papers = None  # the run itself says what is wrong with the list
        if papers is not None and not papers:
            click.echo(f"{settings.list.path} holds no arXiv paper to train a model of its own "
                       "on: the shipped model (trained on other lists) proposes")
            return settings, False
    return override(settings, model__path=first_model), True


@dataclass(frozen=True)
class ChosenModel:
    """The model a daily run proposes with, and what to say about it."""

    model: RelevanceModel
    trained: str = ""  # the line saying this run trained the list's first model and proposed it
    note: str = ""  # the line saying why it is not the list's own model, when it is not


def daily_model(publisher: Publisher, settings: Settings, repo_dir: Path | None,
                replay: Sequence[Path], day: str, *, keep_dir: Path | None,
                restore_from: Path | None, implicit: bool = False) -> ChosenModel:
    """The model ``run`` proposes with, as ``jobs.model_choice`` decides: the list's own (put
    back from ``restore_from`` while its first pull request is open; trained and proposed,
    and kept in ``keep_dir``, where there is none), or the shipped one when the maintainers
    declined the first model, or, for a ``model.path`` the config did not name
    (``implicit``), when none can be trained. Here: the loading, training and proposing."""
    from arxivbot.commands.train import model_for_run
    from arxivbot.jobs.model_choice import after_training, before_training
    from arxivbot.model.store import load_model

    kept = kept_first_model(publisher, settings, repo_dir, restore_from, implicit=implicit)
    if kept.note:
        click.echo(kept.note)
    declined = before_training(kept)
    if declined is not None:
        return ChosenModel(load_model(None), note=declined.note)
    try:
        model, trained = model_for_run(settings, repo_dir, replay, day)
    except ModelError as exc:
        choice = after_training(kept, trained=False, failure=str(exc), implicit=implicit,
                                list_path=settings.list.path)
        if choice.fail:
            raise
        click.echo(choice.note)
        return ChosenModel(load_model(None), note=choice.note)
    choice = after_training(kept, trained=bool(trained), failure=None, implicit=implicit,
                            list_path=settings.list.path)
    if not choice.propose:
        return ChosenModel(model, note=choice.note)
    click.echo(trained)
    # The model goes to the repository as its own PR (the list file stays as it is).
    proposed = propose_trained_model(publisher, settings, repo_dir, trained,
                                     keep_dir=keep_dir, implicit=implicit)
    click.echo(proposed)
    return ChosenModel(model, trained=f"{trained}; {proposed}")


def kept_first_model(publisher: Publisher, settings: Settings, repo_dir: Path | None,
                     keep_dir: Path | None, *, implicit: bool = False) -> FirstModel:
    """Put back the list's first model from ``keep_dir`` while its pull request is open.

    Only for a ``model.path`` naming no file in the checkout, and only a copy ``keep_dir``
    holds at that path: arxivbot keeps one there only when it proposed the model as the
    list's first. The model's newest pull request decides (``jobs.model_choice``); here the
    facts are read and, while it is open, the model and its card copied in place (never over
    a file of the checkout).
    """
    from arxivbot.files import write_atomic
    from arxivbot.jobs.model_choice import ArchivedModel, first_model_step, restored_note
    from arxivbot.model.store import card_path

    if keep_dir is None or settings.model.path is None or os.path.lexists(settings.model.path):
        return first_model_step(None)
    model = Path(settings.model.path)
    root = _root(settings, repo_dir)
    inside = _repo_path(model, root)
    kept = keep_dir / inside if inside is not None else None
    if kept is None or kept.is_symlink() or not kept.is_file() \
            or _repo_path(kept, keep_dir) is None:  # no link out of the archive either
        return first_model_step(None)
    pr = publisher.model_proposal()
    name = "" if pr is None else (
        f"#{pr.number}" if pr.number is not None else (pr.url or pr.branch))
    first = first_model_step(ArchivedModel(
        list_path=settings.list.path, model_path=str(model), archive=keep_dir.name,
        proposal=None if pr is None else pr.state, proposal_name=name, implicit=implicit))
    if not first.restored:
        return first
    restored = []
    for source, target in ((kept, model), (card_path(kept), card_path(model))):
        if source.is_file() and not source.is_symlink() and not os.path.lexists(target):
            write_atomic(target, source.read_bytes())
            restored.append(str(target))
    return dataclasses.replace(first, note=restored_note(restored, name))


def _first_model(publisher: Publisher, settings: Settings, repo_dir: Path | None,
                 listing_paths: tuple[Path, ...], first: FirstModel, *, force: bool,
                 dry_run: bool, keep_dir: Path | None, implicit: bool) -> dict[str, Any]:
    """A retrain with no current model of the list's own: train and propose the first one,
    unless the maintainers closed the last one (then only with ``force``)."""
    from arxivbot.commands.train import model_for_run

    heading = "arxivbot retrain: the list's first model"
    report: dict[str, Any] = {"title": "", "keep": False, "forced": force, "reason": "",
                              "first_model": True, "dry_run": dry_run, "model": None,
                              "pull_request": None}
    if first.declined and not force:
        reason = (first.note.split(": ", 1)[0] + ": the retrain proposes no first model "
                  "either (`arxivbot retrain --force` trains one and proposes it again; "
                  f"so does the next daily run once {keep_dir.name if keep_dir else 'its'}/ "
                  "is deleted from the archive branch)")
        click.echo(reason)
        write_job_summary(heading, summary_table([("result", reason)]))
        return {**report, "reason": reason}
    if dry_run:
        reason = (f"{settings.model.path} names no file: a run would train the list's first "
                  "model and propose it")
        click.echo(f"{reason}\ndry run: nothing trained, nothing written")
        write_job_summary(heading, summary_table([("result", f"dry run: {reason}")]))
        return {**report, "reason": reason}
    # Every listing of the archive is older than tomorrow: all of them may serve.
    tomorrow = (datetime.now(UTC).date() + timedelta(days=1)).isoformat()
    try:
        _, note = model_for_run(settings, repo_dir, listing_paths, tomorrow)
    except ModelError as exc:
        if not implicit:
            raise
        reason = (f"no model could be trained on {settings.list.path} ({exc}): the shipped "
                  "model stays")
        click.echo(reason)
        write_job_summary(heading, summary_table([("result", reason)]))
        return {**report, "reason": reason}
    click.echo(note)
    proposed = propose_trained_model(publisher, settings, repo_dir, note, keep_dir=keep_dir,
                                     by_retrain=True, implicit=implicit)
    click.echo(proposed)
    reason = "no model of the list's own yet: trained the first one and proposed it"
    if first.declined:
        reason += " (forced: its last proposal was closed without merging)"
    write_job_summary(heading, summary_table([("result", reason), ("model trained", note),
                                               ("pull request", proposed)]))
    return {**report, "title": f"Model: first model for {settings.list.path}", "keep": True,
            "reason": reason, "model": settings.model.path, "pull_request": proposed}


def _root(settings: Settings, repo_dir: Path | None) -> Path:
    """The list's repository as the files proposed see it: the checkout (the working
    directory) on GitHub, the clone the local publisher proposes in."""
    return (Path.cwd() if settings.publish.publisher == "github"
            else git_toplevel(repo_dir or Path.cwd()))


def _keep(keep_dir: Path, files: dict[str, bytes]) -> None:
    """Copy ``files`` (repository paths) into ``keep_dir``, for the next runners."""
    from arxivbot.files import write_atomic

    for name, data in files.items():
        write_atomic(keep_dir / name, data)


def propose_trained_model(publisher: Publisher, settings: Settings, repo_dir: Path | None,
                          note: str, *, keep_dir: Path | None = None,
                          by_retrain: bool = False, implicit: bool = False) -> str:
    """Propose the model a daily run just trained (the list's first) for the repository.

    The model and its card go on the retrain branch as one commit, a pull request titled
    ``Model: first model for LIST`` (the weekly retrain later replaces it, like any retrain
    PR); the list file is not touched. With ``keep_dir`` (the action's archive branch) the
    two files are also copied there at their repository paths, so a fresh runner restores
    them instead of training again until the pull request is merged. Returns one line for
    the run's output and job summary.
    """
    from arxivbot.model.store import card_path

    if settings.model.path is None:  # only a model.path naming no file is trained
        return "the shipped model: nothing to propose"
    model = Path(settings.model.path)
    root = _root(settings, repo_dir)
    files: dict[str, bytes] = {}
    for path in (model, card_path(model)):
        inside = _repo_path(path, root)
        if inside is None:
            return f"{model} is outside the repository {root}: kept there, not proposed"
        files[inside] = path.read_bytes()
    title = f"Model: first model for {settings.list.path}"
    when = ("in the weekly retrain, before any daily run had trained one" if by_retrain
            else "on its first daily run")
    why = ("the config names no `model.path`, and the model shipped with arxivbot was not "
           f"trained on this list, so its own goes at `{model}`" if implicit
           else "`model.path` named no file yet")
    body = (
        f"arxivbot trained this model on the list itself {when} ({why}): {note}. There is no "
        "model of this list's own to compare it with.\n\n"
        "Merge this pull request to keep the model in the repository. Until then the daily "
        "runs use the copy kept beside the listings archive instead of training again; the "
        "weekly retrain replaces this pull request when it has a model that is not worse. "
        "Close it without merging to decline the model: the daily runs then propose with the "
        "shipped model and train no other until the retrain workflow is run with force.\n"
    )
    where = open_pull_request(publisher, files, title, body, f"{title}\n\n{note}\n")
    if keep_dir is not None:
        _keep(keep_dir, files)
    return f"proposed {', '.join(sorted(files))} in {where}"
