"""What several commands share: the options that say where the list is, and its publisher."""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar, cast

import click

from arxivbot.config import PUBLISHERS, Settings, load_settings, override
from arxivbot.errors import ConfigError
from arxivbot.publish import Publisher

if TYPE_CHECKING:
    from arxivbot.model.classifier import ModelParams

F = TypeVar("F", bound=Callable[..., object])
log = logging.getLogger(__name__)

# run, feedback and retrain all act on one list, in a local clone or on GitHub.
_LIST_OPTIONS = (
    click.option("--config", "config_path", type=click.Path(path_type=Path),
                 help="arxivbot.yaml (default: ./arxivbot.yaml or .github/arxivbot.yaml)."),
    click.option("--publisher", type=click.Choice(PUBLISHERS),
                 help="Where the list and its proposals live: a local clone or GitHub."),
    click.option("--repository", help="owner/name of the list's GitHub repository."),
    click.option("--list", "list_path", help="The list file, relative to its repository."),
    click.option("--base-branch", help="The list's branch proposals are made against."),
    click.option("--repo-dir", type=click.Path(path_type=Path),
                 help="The list's local clone (local publisher; default: here)."),
)


def json_option(command: F) -> F:
    """Add --json to a command whose callback returns its report (a dict, or None).

    With --json the report is printed as one JSON object on stdout (see ``json_report``);
    without, the callback's return value is dropped and its output is as it always was.
    """

    @functools.wraps(command)
    def with_report(*args: Any, as_json: bool = False, **kwargs: Any) -> None:
        with json_report(as_json) as report:
            returned = command(*args, **kwargs)
            if isinstance(returned, dict):
                report.update(returned)

    option = click.option(
        "--json", "as_json", is_flag=True,
        help="Print what the command did as one JSON object (its other lines go to stderr).",
    )
    return cast(F, option(with_report))


@contextlib.contextmanager
def json_report(as_json: bool) -> Iterator[dict[str, Any]]:
    """The report a command fills in; with ``--json`` printed as stdout's one line at the end.

    With ``--json`` the command's own lines go to stderr meanwhile, so stdout is exactly one
    JSON object a script can parse; without it nothing changes and the report is dropped. An
    error prints no report: it ends the command as usual (``Error: ...``, exit code).
    """
    report: dict[str, Any] = {}
    if not as_json:
        yield report
        return
    with contextlib.redirect_stdout(sys.stderr):
        yield report
    click.echo(json.dumps(report, ensure_ascii=False, default=str))


def list_options(command: F) -> F:
    """Add --config, --publisher, --repository, --list, --base-branch and --repo-dir."""
    for option in reversed(_LIST_OPTIONS):
        command = option(command)
    return command


def list_settings(
    config_path: Path | None,
    list_path: str | None,
    repository: str | None,
    base_branch: str | None,
    publisher: str | None,
    **more: Any,
) -> Settings:
    """The settings of a command with ``list_options``: the file's, with the list flags and
    ``more`` (``model__path=...``; None: not given) applied."""
    return override(
        load_settings(config_path),
        list__path=list_path,
        list__repository=repository,
        list__base_branch=base_branch,
        publish__publisher=publisher,
        **more,
    )


def make_publisher(settings: Settings, repo_dir: Path | None = None) -> Publisher:
    """The github or local publisher of ``settings`` (token from the environment)."""
    # Imported on use: every command module loads with the CLI, and PyGithub alone costs
    # ~0.1 s of each cold start (`arxivbot score` must stay fast).
    from arxivbot.publish.github import GitHubPublisher
    from arxivbot.publish.local import LocalPublisher

    if settings.publish.publisher == "github":
        repository = settings.list.repository or os.environ.get("GITHUB_REPOSITORY")
        if not repository:
            raise ConfigError(
                "the github publisher needs the list's repository: --repository owner/name, "
                "list.repository in arxivbot.yaml, or GITHUB_REPOSITORY (set in Actions)"
            )
        return GitHubPublisher(
            repository,
            settings.list.path,
            settings.list.base_branch,
            token=settings.github_token(),
            base_url=settings.publish.api_url,
            branch_prefix=settings.publish.branch_prefix,
            labels=settings.publish.labels,
            max_open_prs=settings.publish.max_open_prs,
        )
    return LocalPublisher(
        git_toplevel(repo_dir or Path.cwd()),
        settings.list.path,
        settings.list.base_branch,
        branch_prefix=settings.publish.branch_prefix,
    )


def git_toplevel(path: Path) -> Path:
    """The root of the git repository ``path`` is in; a clear error when it is in none."""
    try:
        top = subprocess.run(
            ["git", "-C", str(path), "rev-parse", "--show-toplevel"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError) as exc:
        raise ConfigError(
            f"{path.resolve()}: not inside a git repository; the local publisher proposes on a "
            "branch of the list's clone (run inside it, or pass --repo-dir; --demo makes one)"
        ) from exc
    return Path(top)


def check_day(value: str | None, flag: str) -> None:
    """A usage error unless ``value`` (when given) is a YYYY-MM-DD date."""
    import datetime as dt

    if value is None:
        return
    try:
        dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)", param_hint=flag) from None


def require_extra(module: str, extra: str, why: str) -> None:
    """A one-line error naming the optional extra, before any work, when ``module`` is absent."""
    import importlib

    try:
        importlib.import_module(module)
    except ImportError:
        raise ConfigError(
            f"{module} is not installed ({why}): pip install 'arxivbot[{extra}]'"
        ) from None


def portable_path(path: Path) -> str:
    """``path`` as a model card records it: relative to the working directory (the project or
    list checkout), ``..`` included, never absolute, so a card leaks no machine's layout."""
    return Path(os.path.relpath(path.resolve(), Path.cwd().resolve())).as_posix()


def summary_table(rows: list[tuple[str, str]]) -> str:
    """A two-column Markdown table for the job summary; values are made safe here."""
    from arxivbot.safe_text import safe_inline

    lines = ["| | |", "| --- | --- |"]
    lines += [f"| {name} | {value if value.startswith('[') else safe_inline(value)} |"
              for name, value in rows]
    return "\n".join(lines)


def write_job_summary(heading: str, markdown: str) -> None:
    """Inside GitHub Actions, append a section to the job summary; elsewhere do nothing."""
    summary_path = os.environ.get("GITHUB_STEP_SUMMARY")
    if not summary_path:
        return
    with open(summary_path, "a", encoding="utf-8") as summary:
        summary.write(f"### {heading}\n\n{markdown}\n")


def model_params(settings: Settings, base: ModelParams | None = None) -> ModelParams:
    """The model's hyperparameters with the settings that config may change applied."""
    import dataclasses

    from arxivbot.model.classifier import ModelParams

    return dataclasses.replace(
        base or ModelParams(),
        recall_target=settings.model.recall_target,
        hard_negative_weight=settings.feedback.hard_negative_weight,
    )


def text_sources(settings: Settings, abstracts_path: Path | None, no_api: bool) -> dict[str, Any]:
    """Where training finds list papers' abstracts, as the keyword arguments
    ``abstracts``, ``cached`` and ``lookup`` of build_training_set and retrain: the
    --abstracts file, then the look-up cache, then the arXiv API (unless --no-api)."""
    import dataclasses

    from arxivbot.sources.api import cached, lookup
    from arxivbot.sources.replay import read_papers

    abstracts = {p.id: p for p in read_papers([abstracts_path])} if abstracts_path else {}
    log.info("list papers' abstracts: %d from %s, then the look-up cache (%s), then %s",
             len(abstracts), abstracts_path or "no --abstracts file", settings.arxiv.cache_dir,
             "no API (--no-api)" if no_api else "the arXiv API")
    # The API is the last resort: one retry and a short timeout, so that an unreachable
    # arXiv costs seconds, not minutes, before training goes on with titles.
    api = dataclasses.replace(settings.arxiv, retries=min(settings.arxiv.retries, 1),
                              timeout_seconds=min(settings.arxiv.timeout_seconds, 15.0))
    return {
        "abstracts": abstracts,
        "cached": lambda ids: cached(ids, settings.arxiv),
        "lookup": None if no_api else (lambda ids: lookup(ids, api)),
    }
