"""What several commands share: the options that say where the list is, and its publisher."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import click

from arxivbot.config import Settings
from arxivbot.errors import ConfigError
from arxivbot.publish import Publisher

F = TypeVar("F", bound=Callable[..., object])

# run, feedback and retrain all act on one list, in a local clone or on GitHub.
_LIST_OPTIONS = (
    click.option("--config", "config_path", type=click.Path(path_type=Path),
                 help="arxivbot.yaml (default: ./arxivbot.yaml or .github/arxivbot.yaml)."),
    click.option("--publisher", type=click.Choice(["local", "github"]),
                 help="Where the list and its proposals live: a local clone or GitHub."),
    click.option("--repository", help="owner/name of the list's GitHub repository."),
    click.option("--list", "list_path", help="The list file, relative to its repository."),
    click.option("--base-branch", help="The list's branch proposals are made against."),
    click.option("--repo-dir", type=click.Path(path_type=Path),
                 help="The list's local clone (local publisher; default: here)."),
)


def list_options(command: F) -> F:
    """Add --config, --publisher, --repository, --list, --base-branch and --repo-dir."""
    for option in reversed(_LIST_OPTIONS):
        command = option(command)
    return command


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
