"""Links only where they belong: abstract links shown, not clickable, in the PR body; code and
project links only to code hosts or pages the paper names; never back at the list's own
repository's issues or pulls."""

from __future__ import annotations

import re

import pytest

from arxivbot.jobs.daily import entry_fields
from arxivbot.proposal.paper_facts import code_url, project_url
from arxivbot.proposal.pr_body import RunFacts, body
from arxivbot.records import Candidate, Paper, ScoredPaper

OWN = "awesome-owner/awesome-list"


def paper(abstract: str, comment: str | None = None) -> Paper:
    return Paper(id="2505.01234", title="X-R1: A title", abstract=abstract, comment=comment,
                 date="2025-05-20")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Code: https://github.com/alice/x-r1.", "https://github.com/alice/x-r1"),
        ("Code at https://gitlab.com/bob/x-r1", "https://gitlab.com/bob/x-r1"),
        ("Weights https://huggingface.co/carol/x-r1-7b", "https://huggingface.co/carol/x-r1-7b"),
        ("Demo https://huggingface.co/spaces/carol/x-r1",
         "https://huggingface.co/spaces/carol/x-r1"),
        ("See https://github.com/awesome-owner/awesome-list/issues/4", None),
        ("See https://github.com/awesome-owner/awesome-list", None),
        ("Bug https://github.com/alice/x-r1/issues/4 only", None),
        ("PR https://github.com/alice/x-r1/pull/7", None),
        ("Org https://github.com/orgs/alice/people", None),
        ("Paper page https://huggingface.co/papers/2505.01234", None),
        ("Code: https://evil.example/alice/x-r1", None),
        ("Code: javascript:alert(1)", None),
    ],
)
def test_code_links_go_to_a_code_host_repository(text: str, expected: str | None) -> None:
    """A code link is a repository page on a code host, never a thread, a site page or the list
    itself."""
    assert code_url(paper(text), OWN) == expected


def test_the_first_acceptable_code_link_wins() -> None:
    """Links that are not acceptable are skipped, and the first acceptable one is the code link."""
    text = ("We fix https://github.com/awesome-owner/awesome-list/issues/4; code: "
            "https://github.com/alice/x-r1")
    assert code_url(paper(text), OWN) == "https://github.com/alice/x-r1"


@pytest.mark.parametrize(
    ("abstract", "comment", "expected"),
    [
        ("Page https://alice.github.io/x-r1/.", None, "https://alice.github.io/x-r1/"),
        ("x", "Project page: https://x-r1.example.org/demo", "https://x-r1.example.org/demo"),
        ("Our website https://x-r1.example.org.", None, "https://x-r1.example.org"),
        ("Project page: https://github.com/awesome-owner/awesome-list/pull/3", None, None),
        ("Website: http://x-r1.example.org", None, None),  # https only
        ("Some link https://evil.example/x", None, None),  # not named as the project page
        ("Page https://awesome-owner.github.io/awesome-list/", None, None),
    ],
)
def test_project_links_are_pages_the_paper_names(
    abstract: str, comment: str | None, expected: str | None
) -> None:
    """A project link is a page the paper itself names as its project page, or its github.io
    site."""
    assert project_url(paper(abstract, comment), OWN) == expected


def test_an_entry_never_links_back_at_the_list() -> None:
    """Links into the list's own repository never become an entry's code or project link."""
    fields = entry_fields(paper("Fixes https://github.com/awesome-owner/awesome-list/issues/4 "
                                "and https://github.com/awesome-owner/awesome-list/pull/5"), OWN)
    assert fields.code_url is None
    assert fields.project_url is None


HOSTILE = (
    "Click https://evil.example/x or www.evil.example/y or [me](javascript:alert(1)) or "
    "<a href='https://evil.example'>here</a> or mailto:a@evil.example or "
    "https://github.com/awesome-owner/awesome-list/issues/4"
)


def test_abstract_links_in_the_pr_body_are_shown_not_clickable() -> None:
    """URLs in an abstract reach the PR body as code spans: readable and copyable, never
    clickable."""
    p = paper(HOSTILE)
    scored = ScoredPaper(paper=p, score=0.9, selected=True)
    cand = Candidate(scored=scored, section="Papers", section_reason="r",
                     entry_text="* [X-R1](https://arxiv.org/abs/2505.01234)")
    facts = RunFacts(day="2025-05-20", categories=("cs.CV",), scanned=1, known=0,
                     model_version="m", model_ap=0.5, threshold=0.2, list_path="README.md")

    text = body(facts, [cand])
    abstract = text[text.index("Click"):text.index("issues/4") + 10]
    live = re.sub(r"`+[^`]*`+", "", abstract)  # GitHub links nothing inside a code span

    assert not re.search(r"https?:", live)
    assert not re.search(r"\bwww\.", live)
    assert "](" not in live.replace("\\](", "")
    assert "<a " not in live.replace("\\<", "")  # escaped: shown as text
    assert not re.search(r"mailto:", live)
    assert "evil.example" in abstract  # shown, though
