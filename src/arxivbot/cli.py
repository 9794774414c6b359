"""The command line: a thin click layer over the library.

Each command lives in ``arxivbot/commands/<name>.py`` and only parses flags, builds the real
collaborators and calls the library. ``main`` turns the library's one error family into
``Error: ...`` on stderr and a non-zero exit code, never a traceback.
"""

from __future__ import annotations

import logging
import os
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


BROKEN_PIPE_EXIT = 141  # 128 + SIGPIPE, what a shell reports for a tool killed by the pipe

for _command in COMMANDS:
    cli.add_command(_command)


def main(argv: list[str] | None = None) -> None:
    try:
        try:
            cli.main(args=argv, prog_name="arxivbot", standalone_mode=False)
            progress.finish()
            sys.stdout.flush()  # a closed pipe shows here, not in the interpreter's last flush
        except SystemExit:
            # click answers a closed pipe with exit 1 and pacified streams; say it like the rest.
            # (click 8.5 renamed the wrapper _PacifyFlushWrapper; both are matched by name.)
            if type(sys.stdout).__name__.lstrip("_") == "PacifyFlushWrapper":
                raise BrokenPipeError from None
            raise
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
    except BrokenPipeError:
        # The reader went away (``arxivbot fetch | head``): stop quietly, as shell tools do.
        # stdout is pointed at /dev/null so the interpreter's last flush cannot fail again.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(BROKEN_PIPE_EXIT)
