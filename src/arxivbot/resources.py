"""Where the files that ship with arxivbot live: the default model, config and example list.

In a wheel they sit inside the package (``arxivbot/bundled/...``, see pyproject.toml); in a
source checkout or an editable install they are the repository's own ``models/`` and
``config/`` folders. Either way a run from any directory finds them without a config file.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent
_REPO_ROOT = _PACKAGE_DIR.parent.parent  # src/arxivbot -> repository root


def bundled_path(relative: str) -> Path:
    """The shipped file ``relative`` (e.g. ``"models/default.json"``).

    Returns the wheel's copy when installed, else the source checkout's; the returned path
    may not exist (the caller says what is missing).
    """
    installed = _PACKAGE_DIR / "bundled" / relative
    if installed.exists():
        return installed
    return _REPO_ROOT / relative


def package_path(relative: str) -> Path:
    """A file inside the package itself, e.g. ``"examples/awesome-example.md"``."""
    return _PACKAGE_DIR / relative
