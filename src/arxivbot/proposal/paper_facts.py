"""Facts about a paper that a list entry shows and arXiv metadata does not state directly.

The short name of a paper's entry (the rule itself lives in ``arxivbot.names``) and the
code or project link the authors put in the abstract or comment. Only what the metadata
really says is returned: a badge whose link is not found stays out of the entry, it is never
guessed.
"""

from __future__ import annotations

import re

from arxivbot.names import given_name
from arxivbot.records import Paper


def paper_name(paper: Paper) -> str | None:
    """The name ``paper`` gives itself, from its title, abstract and code link; None when it
    gives none (the entry's style then decides: a placeholder, or a compact title)."""
    return given_name(paper.title, paper.abstract, code_url(paper))


def _texts(paper: Paper) -> list[str]:
    return [t for t in (paper.comment, paper.abstract) if t]


def code_url(paper: Paper, own_repository: str | None = None) -> str | None:
    """The paper's code repository on a code host, when its comment or abstract links one.

    Only hosts of code count (GitHub, GitLab, Hugging Face, Bitbucket, Codeberg), only a
    repository's own page (not its issues, pulls or a site page), and never the list's own
    repository ``own_repository`` (``owner/name``): a link back at it is dropped.
    """
    for text in _texts(paper):
        for match in _CODE_REPO.finditer(text):
            host, owner, repo, rest = match.group(1, 2, 3, 4)
            host = host.lower()
            repo = repo.rstrip(".").removesuffix(".git")
            if not repo or owner.lower() in _RESERVED_OWNERS or _points_at_threads(rest):
                continue
            if host == "huggingface.co" and owner.lower() == "papers":
                continue
            if _is_own(host, owner, repo, own_repository):
                continue
            return f"https://{host}/{owner}/{repo}"
    return None


def project_url(paper: Paper, own_repository: str | None = None) -> str | None:
    """The paper's project page: a github.io/gitlab.io page, or an https page the comment or
    abstract names as the project page / website / homepage. Never the list's own repository
    pages, never a link into a forge's issues or pulls."""
    for text in _texts(paper):
        candidates = [
            (m.start(), f"https://{m.group(1).lower()}.{m.group(2)}"
                        f"{(m.group(3) or '/').rstrip('.,;)') or '/'}")
            for m in _PROJECT_PAGE.finditer(text)
        ]
        candidates += [(m.start(1), m.group(1).rstrip(".,;)")) for m in _NAMED_PAGE.finditer(text)]
        for _, url in sorted(candidates):
            if _acceptable_page(url, own_repository):
                return url
    return None


# A repository on a code host: host, owner, name, and whatever path follows.
_CODE_REPO = re.compile(
    r"https?://(?:www\.)?(github\.com|gitlab\.com|huggingface\.co(?:/spaces)?|bitbucket\.org|"
    r"codeberg\.org)/([A-Za-z0-9](?:[A-Za-z0-9_.-]{0,38}))/([A-Za-z0-9._-]{1,100})"
    r"((?:/[^\s)\]>\"']*)?)",
    re.IGNORECASE,
)
_RESERVED_OWNERS = {
    "orgs", "settings", "features", "topics", "marketplace", "sponsors", "login", "about",
    "pricing", "apps", "collections", "explore", "issues", "pulls", "notifications", "search",
    "users", "enterprise", "site", "security", "datasets",
}
_PROJECT_PAGE = re.compile(
    r"https?://([a-z0-9-]{1,39})\.(github\.io|gitlab\.io)(/[A-Za-z0-9._~/-]*)?", re.IGNORECASE
)
# "Project page: https://...", "project website at https://...", "Homepage: https://..."
_NAMED_PAGE = re.compile(
    r"(?:project\s+(?:page|website|site|homepage)|homepage|website|webpage|demo\s+page)"
    r"[^\n]{0,20}?(https://[A-Za-z0-9.-]+\.[A-Za-z]{2,}(?:/[^\s)\]>\"']*)?)",
    re.IGNORECASE,
)
_THREAD_PATH = re.compile(r"^/(?:-/)?(?:issues|pulls?|merge_requests|discussions)(?:/|$|\?|#)")
_FORGES = ("github.com", "gitlab.com", "bitbucket.org", "codeberg.org")


def _points_at_threads(rest: str) -> bool:
    """``/issues/4``, ``/pull/7``, ``/-/merge_requests/2``: a conversation, not the code."""
    return bool(_THREAD_PATH.match(rest or ""))


def _is_own(host: str, owner: str, repo: str, own_repository: str | None) -> bool:
    if not own_repository or "/" not in own_repository:
        return False
    own_owner, own_name = own_repository.lower().split("/", 1)
    return host == "github.com" and owner.lower() == own_owner and repo.lower() == own_name


def _acceptable_page(url: str, own_repository: str | None) -> bool:
    """A project page may be any https page the paper names, except a forge's threads and the
    list's own repository (or its github.io site)."""
    match = re.match(r"https://(?:www\.)?([^/]+)(/.*)?$", url)
    if match is None:
        return False
    host, path = match.group(1).lower(), match.group(2) or "/"
    if host in _FORGES:
        parts = path.strip("/").split("/")
        if len(parts) >= 2 and _is_own(host, parts[0], parts[1], own_repository):
            return False
        return not _points_at_threads("/" + "/".join(parts[2:]))
    if own_repository and host == f"{own_repository.split('/')[0].lower()}.github.io":
        first = path.strip("/").split("/")[0].lower()
        return first != own_repository.split("/", 1)[1].lower()
    return True
