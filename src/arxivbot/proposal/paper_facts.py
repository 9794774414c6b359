"""Facts about a paper that a list entry shows and arXiv metadata does not state directly.

The short name a list writes before the title ("R1-VL"), and the code or project link the
authors put in the abstract or comment. Only what the metadata really says is returned:
a badge whose link is not found stays out of the entry, it is never guessed.
"""

from __future__ import annotations

import re

from arxivbot.records import Paper

_NAME_PREFIX_MAX_WORDS = 4
_NAME_PREFIX_MAX_CHARS = 32
# Tokens that look like a model/method name, best first: letters with digits ("R1-Zero",
# "Qwen2.5-VL"), then inner capitals ("SoTA", "VideoChat"). Field-wide acronyms are no names.
_WITH_DIGITS = re.compile(r"^(?=.*[A-Za-z])(?=.*\d)[A-Za-z0-9][\w.\-+]*$")
_INNER_CAPS = re.compile(r"^[A-Za-z][a-z0-9]*[A-Z][\w.\-+]*$")
_GENERIC = {
    "llm", "llms", "mllm", "mllms", "vlm", "vlms", "lvlm", "lvlms", "lmm", "lmms", "rl",
    "grpo", "sft", "cot", "ai", "vqa", "rlhf", "dpo", "ppo", "vla", "vlas", "gui",
}
_STOP = {"a", "an", "the", "of", "for", "and", "on", "in", "to", "with", "via", "by", "from"}
_GITHUB_REPO = re.compile(
    r"https?://(?:www\.)?github\.com/([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))/([A-Za-z0-9._-]{1,100})"
)
_PROJECT_PAGE = re.compile(r"https?://([a-z0-9-]{1,39})\.github\.io(/[A-Za-z0-9._~/-]*)?")


def short_name(title: str) -> str:
    """The short name an entry shows: the title's prefix before a colon, else a compact form."""
    title = " ".join(title.split())
    prefix, colon, _ = title.partition(":")
    prefix = prefix.strip()
    if (
        colon
        and prefix
        and len(prefix.split()) <= _NAME_PREFIX_MAX_WORDS
        and len(prefix) <= _NAME_PREFIX_MAX_CHARS
    ):
        return prefix
    tokens = [w.strip(",.;()[]\"'") for w in title.replace(":", " ").split()]
    tokens = [t for t in tokens if len(t) >= 3 and t.lower() not in _GENERIC]
    for pattern in (_WITH_DIGITS, _INNER_CAPS):
        for token in tokens:
            if pattern.match(token):
                return token
    words = [w.strip(",.;:()[]\"'") for w in title.split()]
    content = [w for w in words if w and w.lower() not in _STOP]
    return " ".join(content[:3]) or title[:_NAME_PREFIX_MAX_CHARS]


def _texts(paper: Paper) -> list[str]:
    return [t for t in (paper.comment, paper.abstract) if t]


def code_url(paper: Paper) -> str | None:
    """The paper's GitHub repository, when its comment or abstract links one."""
    for text in _texts(paper):
        match = _GITHUB_REPO.search(text)
        if match:
            owner, repo = match.group(1), match.group(2).rstrip(".")
            repo = repo.removesuffix(".git")
            if repo:
                return f"https://github.com/{owner}/{repo}"
    return None


def project_url(paper: Paper) -> str | None:
    """The paper's project page on github.io, when its comment or abstract links one."""
    for text in _texts(paper):
        match = _PROJECT_PAGE.search(text)
        if match:
            path = (match.group(2) or "/").rstrip(".,;)")
            return f"https://{match.group(1)}.github.io{path or '/'}"
    return None
