"""Progress of long work (training, backtests, API look-ups, multi-day replays), on stderr.

The one place that decides how progress looks. Library code wraps a loop in
``with task("training", total=6, unit="fits") as advance: ... advance()``; the CLI calls
``configure`` once (``--quiet``) and ``finish`` at the end, which prints a short summary table
of what took time. On a terminal a task is a click progress bar with counts and an estimate;
elsewhere (a pipe, a CI log, GitHub Actions) it is a plain line when it starts, one every
``period`` seconds while it runs, and one when it ends. stdout is never touched, so
``--json`` output stays clean.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, TextIO, cast

import click

DEFAULT_PERIOD = 10.0  # seconds between plain progress lines


@dataclass
class _State:
    quiet: bool = False
    period: float = DEFAULT_PERIOD
    stream: IO[str] | None = None  # None: sys.stderr at the time of use
    done: list[tuple[str, int, str, float]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)


_STATE = _State()


def configure(*, quiet: bool = False, period: float | None = None) -> None:
    """Set up for one command: ``quiet`` silences progress and the summary."""
    env_period = os.environ.get("ARXIVBOT_PROGRESS_SECONDS")
    if period is None and env_period:
        try:
            period = float(env_period)
        except ValueError:
            period = None
    _STATE.quiet = quiet
    _STATE.period = DEFAULT_PERIOD if period is None else max(period, 0.0)
    _STATE.done = []
    _STATE.started = time.monotonic()


def _stream() -> IO[str]:
    return _STATE.stream or sys.stderr


def _interactive(stream: IO[str]) -> bool:
    """A person watching a terminal (GitHub Actions logs are no terminal, even if they say so)."""
    if os.environ.get("GITHUB_ACTIONS") == "true" or os.environ.get("CI"):
        return False
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty())


@contextmanager
def task(label: str, total: int | None = None, unit: str = "") -> Iterator[Callable[[int], None]]:
    """Report a loop of ``total`` steps; yields ``advance(n=1)``."""
    count = 0
    start = time.monotonic()
    if _STATE.quiet:
        def advance_quietly(n: int = 1) -> None:
            nonlocal count
            count += n

        yield advance_quietly
        _STATE.done.append((label, count, unit, time.monotonic() - start))
        return
    stream = _stream()
    if _interactive(stream) and total:
        bar: Any = click.progressbar(
            length=total, label=label, file=cast(TextIO, stream), show_eta=True, show_pos=True
        )
        with bar:
            def advance_bar(n: int = 1) -> None:
                nonlocal count
                count += n
                bar.update(n)

            yield advance_bar
    else:
        last = start
        click.echo(f"{label}: started{_of(total, unit)}", file=stream)

        def advance_line(n: int = 1) -> None:
            nonlocal count, last
            count += n
            now = time.monotonic()
            if now - last >= _STATE.period and (total is None or count < total):
                last = now
                click.echo(f"{label}: {_position(count, total, unit, now - start)}", file=stream)

        yield advance_line
        elapsed = time.monotonic() - start
        click.echo(f"{label}: done, {count}{_unit(unit)} in {elapsed:.1f} s", file=stream)
    _STATE.done.append((label, count, unit, time.monotonic() - start))


def track(items: Any, label: str, unit: str = "") -> Iterator[Any]:
    """Iterate ``items`` (a sized collection) with a progress ``task``."""
    with task(label, total=len(items), unit=unit) as advance:
        for item in items:
            yield item
            advance(1)


def _of(total: int | None, unit: str) -> str:
    return f" ({total}{_unit(unit)})" if total else ""


def _unit(unit: str) -> str:
    return f" {unit}" if unit else ""


def _position(count: int, total: int | None, unit: str, elapsed: float) -> str:
    if not total:
        return f"{count}{_unit(unit)}, {elapsed:.0f} s"
    share = count / total
    left = elapsed * (1 - share) / share if share else 0.0
    return f"{count}/{total}{_unit(unit)} ({share:.0%}), {elapsed:.0f} s, about {left:.0f} s left"


def finish() -> None:
    """The summary table of the command's tasks (nothing when quiet or when none ran)."""
    if _STATE.quiet or not _STATE.done:
        return
    total = time.monotonic() - _STATE.started
    width = max(len(label) for label, *_ in _STATE.done)
    lines = [f"done in {total:.1f} s:"]
    for label, count, unit, seconds in _STATE.done:
        lines.append(f"  {label.ljust(width)}  {f'{count}{_unit(unit)}':>14}  {seconds:7.1f} s")
    click.echo("\n".join(lines), file=_stream())
    _STATE.done = []
