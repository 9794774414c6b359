"""The one family of errors arxivbot raises on purpose.

Each carries a message that says what happened and what to do. The CLI catches
``ArxivBotError`` once, prints ``Error: <message>`` on stderr and exits with ``exit_code``;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class ArxivBotError(Exception):
    """Base class: a problem the user can act on."""

    exit_code = 1

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ConfigError(ArxivBotError):
    """The config file or a flag is invalid, or a required secret is missing."""

    exit_code = 2


class CatalogFormatError(ArxivBotError):
    """The list file cannot be read as an awesome-list."""

    exit_code = 3


class SourceError(ArxivBotError):
    """arXiv (feed or API) or a replay file could not be read."""

    exit_code = 4


class ModelError(ArxivBotError):
    """The model file is missing, corrupt, foreign, or from an incompatible version."""

    exit_code = 5


class PublishError(ArxivBotError):
    """The pull request (or local branch) could not be made; nothing was left half-made."""

    exit_code = 6


class ForeignCommitsError(PublishError):
    """The proposal's branch holds commits the bot did not make; it will not rewrite them."""

