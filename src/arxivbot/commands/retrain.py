"""``arxivbot retrain``: a new model from the list and the maintainers' decisions, kept only if
it is not worse than the current one on the same backtest."""

from __future__ import annotations

import base64
from functools import partial
from pathlib import Path

import click

from arxivbot.commands.common import (
    check_day,
    list_options,
    make_publisher,
    model_params,
    text_sources,
    write_job_summary,
)
from arxivbot.config import load_settings, override
from arxivbot.errors import ConfigError, PublishError
from arxivbot.publish import Publisher

RETRAIN_BRANCH = "arxivbot-retrain"  # outside the proposals' prefix: feedback never reads it


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
) -> None:
    """Retrain on the list's entries (accepted ones included), the rejected papers as hard
    negatives and the listings' other papers; compare with the current model on the same
    backtest; keep the new one if it is not worse (or with --force).

    \b
    With --publisher github the new model, its card and the decisions file go into one pull
    request (branch arxivbot-retrain) titled with the change, e.g.
    "Retrain: AP 0.41 → 0.47, 12 accepted / 5 rejected since last model".
    With the local publisher they are written in place.

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

    settings = override(
        load_settings(config_path),
        list__path=list_path,
        list__repository=repository,
        list__base_branch=base_branch,
        publish__publisher=publisher,
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
    if dry_run:
        click.echo(f"\n# {outcome.title}\n\n{outcome.body}")
        click.echo("dry run: nothing written")
        return
    if not outcome.keep:
        click.echo("the current model stays (use --force to keep the new one anyway)")
        return

    out = out_path or Path(settings.model.path or "models/default.json")
    save_model(outcome.model, out, outcome.card)
    click.echo(f"wrote {out} and {card_path(out)}")
    if settings.publish.publisher != "github":
        if settings.model.path is None or Path(settings.model.path) != out:
            click.echo(f"to run with it: set `model: {{path: {out}}}` in arxivbot.yaml")
        return
    files = {_repo_path(p): p.read_bytes() for p in (out, card_path(out), decisions_file)
             if p.is_file()}
    url = open_pull_request(source, files, outcome.title, outcome.body,
                             f"{outcome.title}\n\n{outcome.reason}\n")
    click.echo(f"pull request: {url}")


def open_pull_request(publisher: Publisher, files: dict[str, bytes], title: str, body: str,
                       message: str) -> str:
    """One commit with ``files`` on the base branch, on the retrain branch, and its PR.

    The list publisher writes one file per proposal; a retrain changes three (model, card,
    decisions), so this builds the commit with the same Git Data API steps and reuses the
    publisher's client, retry policy and error handling.
    """
    from github import InputGitTreeElement

    from arxivbot.publish.github import GitHubPublisher

    if not isinstance(publisher, GitHubPublisher):
        raise ConfigError("a retrain pull request needs the github publisher")
    repo = publisher._repository()
    call = publisher._call
    base = publisher.base_branch
    head = call(f"reading branch {base}", lambda: repo.get_branch(base)).commit.sha
    base_commit = call("reading the base commit", lambda: repo.get_git_commit(head))
    elements = []
    for path, data in sorted(files.items()):
        encoded = base64.b64encode(data).decode("ascii")
        blob = call(f"uploading {path}", partial(repo.create_git_blob, encoded, "base64"))
        elements.append(InputGitTreeElement(path, "100644", "blob", sha=blob.sha))
    tree = call("writing the tree",
                lambda: repo.create_git_tree(elements, base_tree=base_commit.tree))
    commit = call("writing the commit",
                  lambda: repo.create_git_commit(message, tree, [base_commit]))
    ref_name = f"heads/{RETRAIN_BRANCH}"
    existing = [pr for pr in call("listing pull requests", lambda: list(repo.get_pulls(
        state="open", head=f"{publisher.owner}:{RETRAIN_BRANCH}", base=base)))
        if pr.head.ref == RETRAIN_BRANCH]
    old_sha = publisher._branch_sha(RETRAIN_BRANCH)
    try:  # like `run`: a failure at any write puts the branch back as it was
        if old_sha is None:
            call(f"creating branch {RETRAIN_BRANCH}",
                 lambda: repo.create_git_ref(f"refs/{ref_name}", commit.sha))
        else:  # the branch is the bot's own: a new retrain replaces the last one
            ref = call(f"reading branch {RETRAIN_BRANCH}", lambda: repo.get_git_ref(ref_name))
            call(f"updating branch {RETRAIN_BRANCH}", lambda: ref.edit(commit.sha, force=True))
        if existing:
            pr = existing[0]
            call("editing the pull request", lambda: pr.edit(title=title, body=body))
        else:
            pr = call("opening the pull request", lambda: repo.create_pull(
                base=base, head=RETRAIN_BRANCH, title=title, body=body))
    except PublishError as exc:
        if publisher._roll_back(RETRAIN_BRANCH, commit.sha, old_sha):
            raise PublishError(f"{exc}; the {RETRAIN_BRANCH} branch was put back as it was: "
                               "rerun to complete") from None
        raise PublishError(f"{exc}; the {RETRAIN_BRANCH} branch could not be put back: "
                           "delete it by hand or rerun") from None
    return str(pr.html_url)


def _repo_path(path: Path) -> str:
    """``path`` as the repository sees it: relative to the working directory (the checkout)."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        raise ConfigError(
            f"{path} is outside the working directory; with the github publisher run retrain "
            "from the repository's checkout, with --out and the decisions file inside it"
        ) from None
