"""The local GitHub answers as GitHub documents it, for every endpoint the bot calls.

``tests/fixtures/github/openapi-subset.json`` is cut from GitHub's own REST description (the
npm package ``@octokit/openapi``, MIT, see the LICENSE beside it) by ``extract_openapi.py``.
A whole life of a proposal is driven through the bot against ``FakeGitHub`` (run, rerun, next
day, a maintainer's commit, merge, feedback, retrain, an orphan branch cleaned up, a comment
answered); every request must name a documented endpoint, and every field of every answer must
be a field GitHub documents for it, with GitHub's type. So the tests cannot pass on a field real
GitHub does not send.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from tests.github_server import FakeGitHub, SeenRequest
from tests.run_data import CHART, DAY2, DAY3, FIXTURE_LIST, day_papers, listing, tiny_model

from arxivbot.commands.retrain import open_pull_request
from arxivbot.config import Settings
from arxivbot.feedback.collect import collect
from arxivbot.jobs import daily
from arxivbot.publish.github import GitHubPublisher

SUBSET = Path(__file__).parents[1] / "fixtures" / "github" / "openapi-subset.json"


def endpoint_patterns(spec: dict[str, Any]) -> list[tuple[str, re.Pattern[str], str]]:
    patterns = []
    for key in spec["endpoints"]:
        method, template = key.split(" ", 1)
        regex = re.sub(r"\\\{(ref|path|branch|name)\\\}", r"(?:[^?]+)", re.escape(template))
        regex = re.sub(r"\\\{\w+\\\}", r"[^/]+", regex)
        patterns.append((method, re.compile(regex + r"\Z"), key))
    # The most specific template first: /git/refs before /git/refs/{ref}, and so on.
    return sorted(patterns, key=lambda p: -len(p[2].replace("{", "").replace("}", "")))


def shape_problems(value: Any, schema: Any, where: str) -> list[str]:
    """How ``value`` departs from ``schema``: unknown fields and wrong types (not absences)."""
    if not schema:
        return []
    for combinator in ("anyOf", "oneOf"):
        if combinator in schema:
            tries = [shape_problems(value, s, where) for s in schema[combinator]]
            return [] if any(not t for t in tries) else min(tries, key=len)
    if "allOf" in schema:
        merged: dict[str, Any] = {"properties": {}}
        for part in schema["allOf"]:
            merged["properties"].update(part.get("properties", {}))
            merged.setdefault("type", part.get("type"))
        return shape_problems(value, merged, where)
    if value is None:
        ok = schema.get("nullable") or "null" in (schema.get("type") or [])
        return [] if ok else [f"{where}: null, but GitHub documents no null here"]
    kind = schema.get("type")
    kinds = set(kind) if isinstance(kind, list) else {kind} if kind else set()
    checks = {"object": isinstance(value, dict), "array": isinstance(value, list),
              "string": isinstance(value, str), "boolean": isinstance(value, bool),
              "integer": isinstance(value, int) and not isinstance(value, bool),
              "number": isinstance(value, int | float) and not isinstance(value, bool)}
    if kinds - {"null"} and not any(checks.get(k, False) for k in kinds):
        return [f"{where}: {type(value).__name__}, GitHub documents {kind}"]
    problems: list[str] = []
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        for key, item in value.items():
            if key in properties:
                problems += shape_problems(item, properties[key], f"{where}.{key}")
            elif properties and not schema.get("additionalProperties"):
                problems.append(f"{where}.{key}: not a field GitHub documents")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            problems += shape_problems(item, schema.get("items"), f"{where}[{index}]")
    return problems


@pytest.fixture(scope="module")
def seen(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[SeenRequest]]:
    """Every request of one proposal's whole life, with the answers the server gave."""
    model = tiny_model()
    with FakeGitHub(tmp_path_factory.mktemp("gh"), {"README.md": FIXTURE_LIST.read_bytes()}
                    ) as server:
        publisher = GitHubPublisher(server.full_name, "README.md", None, token=server.token,
                                    base_url=server.base_url, retries=0,
                                    seconds_between_writes=None)
        server.commit_files(f"arxivbot/{DAY3}", {"README.md": b"x\n"}, "arxivbot: orphan")
        daily.run(listing(day_papers()), publisher, model, Settings())
        daily.run(listing(day_papers()), publisher, model, Settings())
        (number,) = server.pulls
        branch = server.pulls[number].head
        server.commit_file(branch, "README.md", (server.file_at(branch, "README.md") or b"")
                           + b"\n", "Fix")
        daily.run(listing([CHART], DAY2), publisher, model, Settings())
        server.add_comment(number, "arxivbot reject 2505.20003")
        collect(publisher)
        server.merge_pull(number, path="README.md")
        collect(publisher)
        open_pull_request(publisher, {"models/m.json": b"{}\n"}, "Retrain", "body", "Retrain")
        publisher.reply(number, "recorded")
        yield list(server.requests)


def test_every_request_names_a_documented_endpoint(seen: list[SeenRequest]) -> None:
    """Each request the bot made matches an endpoint in GitHub's description."""
    spec = json.loads(SUBSET.read_text(encoding="utf-8"))
    patterns = endpoint_patterns(spec)
    unknown = [f"{r.method} {r.path}" for r in seen
               if not any(m == r.method and p.search(r.path) for m, p, _ in patterns)]

    assert unknown == []
    assert len({key for r in seen for m, p, key in patterns
                if m == r.method and p.search(r.path)}) >= 18


def test_every_answer_has_only_documented_fields(seen: list[SeenRequest]) -> None:
    """Every field the local GitHub sent is one GitHub documents for that endpoint, typed so."""
    spec = json.loads(SUBSET.read_text(encoding="utf-8"))
    patterns = endpoint_patterns(spec)
    problems: set[str] = set()
    for request in seen:
        if not 200 <= request.status < 300:
            continue
        key = next(k for m, p, k in patterns if m == request.method and p.search(request.path))
        schema = spec["endpoints"][key].get(str(request.status))
        problems.update(shape_problems(request.reply, schema, key))

    assert sorted(problems) == [], "\n".join(sorted(problems))
