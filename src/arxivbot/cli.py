"""The command line: a thin click layer over the library.

Each command lives in ``arxivbot/commands/<name>.py`` and only parses flags, builds the real
collaborators and calls the library. ``main`` turns the library's one error family into
``Error: ...`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import logging
import sys

import click

from arxivbot import __version__, progress
from arxivbot.commands import COMMANDS
from arxivbot.errors import ArxivBotError


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="arxivbot")
@click.option("-v", "--verbose", is_flag=True, help="Log each step on stderr.")
@click.option("-q", "--quiet", is_flag=True, help="No progress bars, lines or summary.")
def cli(verbose: bool, quiet: bool) -> None:
    """Propose the day's new arXiv papers to an awesome-list, as one pull request."""
    progress.configure(quiet=quiet)
    logging.basicConfig(
        level=logging.INFO if verbose else logging.WARNING,
        format="%(levelname)s: %(message)s",
        stream=sys.stderr,
    )


for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    try:
        cli.main(args=argv, prog_name="arxivbot", standalone_mode=False)
        progress.finish()
    except ArxivBotError as exc:
        click.echo(f"Error: {exc}", err=True)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        sys.exit(130)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        sys.exit(130)
