"""The one configuration file, ``arxivbot.yaml``, read strictly into frozen settings.

Every key has a default, so a run needs no file at all. A file overrides the defaults; flags
override the file. Unknown keys are errors that name the nearest valid key, and values are
checked against their type. Scalars are read without YAML's implicit float and date rules, so
``2501.00010`` stays the string an arXiv id must be instead of becoming ``2501.0001``.
Secrets never come from here: the GitHub token is read from the environment by name.
"""

from __future__ import annotations

import dataclasses
import difflib
import math
import os
import re
import types
import typing
import urllib.parse
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import yaml

from arxivbot.errors import ConfigError

# Where the list lives and proposals go: a local clone, or a GitHub repository.
PublisherName = Literal["local", "github"]
PUBLISHERS: tuple[PublisherName, ...] = typing.get_args(PublisherName)

# Looked for, in this order, in the working directory when no --config is given.
CONFIG_CANDIDATES = ("arxivbot.yaml", ".github/arxivbot.yaml", "config/arxivbot.yaml")


@dataclass(frozen=True, slots=True)
class ListSettings:
    path: str = "README.md"  # the list file, relative to its repository
    repository: str | None = None  # owner/name, for the github publisher
    base_branch: str | None = None  # None: the repository's default/current branch
    sections: tuple[str, ...] = ()  # heading paths the bot may add to; empty: every paper section
    template: str | None = None  # a jinja2 entry template overriding the inferred style
    ignore_ids: tuple[str, ...] = ()  # arXiv ids never to propose


@dataclass(frozen=True, slots=True)
class ArxivSettings:
    categories: tuple[str, ...] = ("cs.CV", "cs.CL")
    announce_types: tuple[str, ...] = ("new", "cross")
    feed_url: str = "https://rss.arxiv.org/atom/{categories}"
    api_url: str = "https://export.arxiv.org/api/query"
    timeout_seconds: float = 30.0
    retries: int = 4
    delay_seconds: float = 3.0  # arXiv's terms of use: at most one request every 3 s
    backoff_seconds: float = 10.0  # first wait after a 429/5xx/timeout; doubles each retry
    cache_dir: str = ".arxivbot-cache"


@dataclass(frozen=True, slots=True)
class ModelSettings:
    path: str | None = None  # None: the model shipped with arxivbot
    threshold: float | None = None  # None: the threshold the model was trained with
    recall_target: float = 0.9  # recall on held-out list papers the threshold is chosen for
    max_candidates: int = 10  # at most this many papers proposed per day


@dataclass(frozen=True, slots=True)
class PublishSettings:
    publisher: PublisherName = "local"
    labels: tuple[str, ...] = ("arxivbot",)
    max_open_prs: int = 5
    rolling: bool = True  # one open proposal, each day's papers added to it; False: one per day
    branch_prefix: str = "arxivbot/"
    api_url: str = "https://api.github.com"
    token_env: str = "GITHUB_TOKEN"  # the environment variable holding the token


@dataclass(frozen=True, slots=True)
class FeedbackSettings:
    decisions_path: str = "models/decisions.jsonl"  # one decision per proposed paper
    hard_negative_weight: float = 5.0  # a rejected paper counts this many ordinary negatives


@dataclass(frozen=True, slots=True)
class Settings:
    list: ListSettings = field(default_factory=ListSettings)
    arxiv: ArxivSettings = field(default_factory=ArxivSettings)
    model: ModelSettings = field(default_factory=ModelSettings)
    publish: PublishSettings = field(default_factory=PublishSettings)
    feedback: FeedbackSettings = field(default_factory=FeedbackSettings)
    source: str = "<defaults>"  # where these settings came from, for messages

    def github_token(self) -> str:
        """The token from the environment; a clear error when it is missing."""
        token = os.environ.get(self.publish.token_env, "").strip()
        if not token:
            raise ConfigError(
                f"the github publisher needs a token in the environment variable "
                f"{self.publish.token_env}; set it (in GitHub Actions: "
                f"`env: {self.publish.token_env}: ${{{{ secrets.GITHUB_TOKEN }}}}`) "
                "or use --publisher local"
            )
        return token


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without implicit floats and timestamps: values are typed by our schema."""


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag not in (
        "tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp")]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _suggest(key: str, valid: list[str]) -> str:
    close = difflib.get_close_matches(key, valid, n=1, cutoff=0.5)
    hint = f"did you mean '{close[0]}'? " if close else ""
    return f"{hint}valid keys: {', '.join(valid)}"


def _convert(value: Any, annotation: Any, where: str) -> Any:
    """``value`` as the type ``annotation`` names, or a ConfigError saying what was expected."""
    origin = typing.get_origin(annotation)
    args = typing.get_args(annotation)
    if origin in (types.UnionType, typing.Union):
        if value is None and type(None) in args:
            return None
        inner = [a for a in args if a is not type(None)]
        return _convert(value, inner[0], where)
    if origin is Literal:
        if value in args:
            return value
        raise ConfigError(f"{where}: must be one of {', '.join(map(str, args))}")
    if origin is tuple:
        items = value if isinstance(value, list) else [value]
        return tuple(_convert(item, args[0], f"{where}[{i}]") for i, item in enumerate(items))
    if annotation is bool:
        if isinstance(value, bool):
            return value
    elif annotation is int:
        if isinstance(value, int) and not isinstance(value, bool):
            return value
    elif annotation is float:
        if isinstance(value, int | float | str) and not isinstance(value, bool):
            try:
                return float(value)
            except ValueError:
                pass
    elif annotation is str:
        if isinstance(value, str):
            return value
        if isinstance(value, int) and not isinstance(value, bool):
            return str(value)
    name = getattr(annotation, "__name__", str(annotation))
    raise ConfigError(f"{where}: expected {name}, got {value!r}")


def _build(cls: type, data: Any, where: str) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{where}: expected a mapping of settings, got {data!r}")
    hints = typing.get_type_hints(cls)
    valid = [f.name for f in dataclasses.fields(cls) if f.name != "source"]
    values: dict[str, Any] = {}
    for key, value in data.items():
        if key not in valid:
            raise ConfigError(f"{where}: unknown key '{key}'; {_suggest(str(key), valid)}")
        if dataclasses.is_dataclass(hints[key]):
            values[key] = _build(hints[key], value, f"{where}.{key}")
            continue
        values[key] = _convert(value, hints[key], f"{where}.{key}")
    return cls(**values)


ARXIV_MIN_DELAY = 3.0  # arXiv's terms of use: no more than one request every 3 seconds
_LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_REPOSITORY = re.compile(r"^[A-Za-z0-9-]{1,39}/[A-Za-z0-9._-]{1,100}$")
_ENV_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,99}$")
_BRANCH_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,49}$")


def _loopback(url: str) -> bool:
    return (urllib.parse.urlsplit(url).hostname or "") in _LOOPBACK


def polite_delay(delay: float, url: str) -> float:
    """The seconds to wait between two requests to ``url``: never under arXiv's 3 s, except to
    a local server (tests)."""
    return delay if _loopback(url) else max(delay, ARXIV_MIN_DELAY)


def _number(where: str, value: float, low: float, high: float, *, low_open: bool = False) -> None:
    ok = math.isfinite(value) and (value > low if low_open else value >= low) and value <= high
    if not ok:
        bound = f"{'more than' if low_open else 'at least'} {low:g} and at most {high:g}"
        raise ConfigError(f"{where}: {value!r} is out of range; it must be {bound}")


def _url(where: str, url: str, *, token: bool) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise ConfigError(f"{where}: {url!r} is not an http(s) URL")
    if token and parts.scheme != "https" and not _loopback(url):
        raise ConfigError(
            f"{where}: {url!r} would send the token in clear text; use an https:// URL"
        )


def check_settings(settings: Settings, source: str | None = None) -> Settings:
    """``settings`` if every value is in range; else a ConfigError naming the key.

    The one home of the ranges: applied to the file (``parse_settings``) and to the flags
    (``override``). Non-finite numbers are out of every range.
    """
    where = source or settings.source
    arxiv, model, publish = settings.arxiv, settings.model, settings.publish
    _number(f"{where}: arxiv.timeout_seconds", arxiv.timeout_seconds, 0, 600, low_open=True)
    _number(f"{where}: arxiv.retries", arxiv.retries, 0, 10)
    _number(f"{where}: arxiv.backoff_seconds", arxiv.backoff_seconds, 0, 600)
    _number(f"{where}: arxiv.delay_seconds", arxiv.delay_seconds, 0, 600)
    _url(f"{where}: arxiv.feed_url", arxiv.feed_url, token=False)
    _url(f"{where}: arxiv.api_url", arxiv.api_url, token=False)
    # A local test server may be asked faster; arXiv itself never (``polite_delay`` holds
    # the floor per request when only one of the two URLs is local).
    if arxiv.delay_seconds < ARXIV_MIN_DELAY and not (
        _loopback(arxiv.feed_url) or _loopback(arxiv.api_url)
    ):
        raise ConfigError(
            f"{where}: arxiv.delay_seconds is {arxiv.delay_seconds:g}; arXiv's terms allow one "
            f"request every {ARXIV_MIN_DELAY:g} s at most: set it to {ARXIV_MIN_DELAY:g} or more"
        )
    if model.threshold is not None:
        _number(f"{where}: model.threshold (--threshold)", model.threshold, 0, 1)
    _number(f"{where}: model.recall_target", model.recall_target, 0, 1, low_open=True)
    _number(f"{where}: model.max_candidates (--max-candidates)", model.max_candidates, 1, 100)
    _number(f"{where}: publish.max_open_prs", publish.max_open_prs, 1, 100)
    _url(f"{where}: publish.api_url", publish.api_url, token=True)
    if not _ENV_NAME.match(publish.token_env):
        raise ConfigError(
            f"{where}: publish.token_env {publish.token_env!r} is not a variable name"
        )
    if not _BRANCH_PREFIX.match(publish.branch_prefix) or ".." in publish.branch_prefix:
        raise ConfigError(
            f"{where}: publish.branch_prefix {publish.branch_prefix!r} is not a safe branch "
            "prefix (letters, digits, . _ / -), e.g. arxivbot/"
        )
    if settings.list.repository is not None and not _REPOSITORY.match(settings.list.repository):
        raise ConfigError(
            f"{where}: list.repository {settings.list.repository!r} is not owner/name"
        )
    _number(
        f"{where}: feedback.hard_negative_weight", settings.feedback.hard_negative_weight,
        0, 1000, low_open=True,
    )
    return settings


def parse_settings(text: str, source: str = "<config>") -> Settings:
    """Settings from YAML text (pure)."""
    try:
        data = yaml.load(text, Loader=_StrictLoader)  # a SafeLoader subclass: no arbitrary objects
    except (yaml.YAMLError, RecursionError) as exc:
        raise ConfigError(f"{source}: not valid YAML ({exc})") from exc
    settings = _build(Settings, data, source)
    return check_settings(dataclasses.replace(settings, source=source))


def find_config(cwd: Path | None = None) -> Path | None:
    """The config file of the working directory, if it has one."""
    base = cwd or Path.cwd()
    for candidate in CONFIG_CANDIDATES:
        if (base / candidate).is_file():
            return base / candidate
    return None


def load_settings(path: Path | None = None) -> Settings:
    """Settings from ``path``, else from the working directory's config, else the defaults."""
    chosen = path or find_config()
    if chosen is None:
        return Settings()
    try:
        text = chosen.read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"{chosen}: config file not found") from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{chosen}: cannot read the config file ({exc})") from exc
    return parse_settings(text, str(chosen))


def override(settings: Settings, **changes: Any) -> Settings:
    """Settings with flag values applied: ``override(s, model__threshold=0.4)``.

    ``None`` means the flag was not given, so the file's value stays.
    """
    grouped: dict[str, dict[str, Any]] = {}
    for dotted, value in changes.items():
        if value is None:
            continue
        section, _, key = dotted.partition("__")
        grouped.setdefault(section, {})[key] = value
    for section, values in grouped.items():
        current = getattr(settings, section)
        updated = dataclasses.replace(current, **values)
        settings = dataclasses.replace(settings, **{section: updated})
    return check_settings(settings) if grouped else settings

