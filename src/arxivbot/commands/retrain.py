"""``arxivbot retrain``: a new model from the list and the maintainers' decisions, kept only if
it is not worse than the current one on the same backtest."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import click

from arxivbot.commands.common import (
    check_day,
    git_toplevel,
    json_option,
    list_options,
    list_settings,
    make_publisher,
    model_params,
    text_sources,
    write_job_summary,
)
from arxivbot.config import Settings
from arxivbot.errors import ConfigError
from arxivbot.publish import RETRAIN_BRANCH, Publisher
from arxivbot.records import PullRequestDraft

__all__ = ["RETRAIN_BRANCH", "open_pull_request", "propose_trained_model", "retrain"]


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
@click.option("--force", is_flag=True, help="Keep the new model even if it is worse.")
@click.option("--dry-run", is_flag=True, help="Print the comparison and the PR; write nothing.")
@json_option
def retrain(
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
) -> dict[str, Any]:
    """Retrain on the list's entries (accepted ones included), the rejected papers as hard
    negatives and the listings' other papers; compare with the current model on the same
    backtest; keep the new one if it is not worse (or with --force).

    \b
    The new model, its card and the decisions file are written in place and proposed as one
    commit on the branch arxivbot-retrain, titled with the change, e.g.
    "Retrain: AP 0.41 → 0.47, 12 accepted / 5 rejected since last model": a pull request
    with --publisher github, a branch and a PR file (like `run`) with the local publisher.

    \b
    Example:
      arxivbot retrain --repo-dir ../awesome-list --listings listings/ --out models/list.json
    """
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
    source = make_publisher(settings, repo_dir)
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


def propose_trained_model(publisher: Publisher, settings: Settings, repo_dir: Path | None,
                          note: str, *, keep_dir: Path | None = None) -> str:
    """Propose the model a daily run just trained (the list's first) for the repository.

    The model and its card go on the retrain branch as one commit, a pull request titled
    ``Model: first model for LIST`` (the weekly retrain later replaces it, like any retrain
    PR); the list file is not touched. With ``keep_dir`` (the action's archive branch) the
    two files are also copied there at their repository paths, so a fresh runner restores
    them instead of training again until the pull request is merged. Returns one line for
    the run's output and job summary.
    """
    from arxivbot.files import write_atomic
    from arxivbot.model.store import card_path

    if settings.model.path is None:  # only a model.path naming no file is trained
        return "the shipped model: nothing to propose"
    model = Path(settings.model.path)
    root = (Path.cwd() if settings.publish.publisher == "github"
            else git_toplevel(repo_dir or Path.cwd()))
    files: dict[str, bytes] = {}
    for path in (model, card_path(model)):
        inside = _repo_path(path, root)
        if inside is None:
            return f"{model} is outside the repository {root}: kept there, not proposed"
        files[inside] = path.read_bytes()
    title = f"Model: first model for {settings.list.path}"
    body = (
        f"arxivbot trained this model on the list itself on its first daily run "
        f"(`model.path` named no file yet): {note}.\n\n"
        "Merge this pull request to keep the model in the repository. Until then the daily "
        "runs use the copy kept beside the listings archive instead of training again; the "
        "weekly retrain replaces this pull request when it has a model that is not worse.\n"
    )
    where = open_pull_request(publisher, files, title, body, f"{title}\n\n{note}\n")
    if keep_dir is not None:
        for name, data in files.items():
            write_atomic(keep_dir / name, data)
    return f"proposed {', '.join(sorted(files))} in {where}"
