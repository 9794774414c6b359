"""arxivbot: proposes new arXiv papers to a curated awesome-list, in the list's own style."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("arxivbot")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+unknown"

__all__ = ["__version__"]
