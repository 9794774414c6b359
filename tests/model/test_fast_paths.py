"""The scorer's fast regexes find exactly what their plain definitions find.

Both are rewritten for speed (tokens without a leading ``\\b``; facet terms searched without
one, the boundary checked by hand), so each is held to the plain pattern on texts chosen to
sit on the edges: words glued to terms, terms at the very start and end, terms inside words
and right after one, dots and hyphens inside tokens, non-ASCII letters, digits, underscores.
"""

from __future__ import annotations

import itertools
import re

import numpy as np
import pytest

from arxivbot.model.classifier import (
    KEYWORD_FACETS,
    TOKEN_PATTERN,
    ModelParams,
    TextVectorizer,
    facet_flags,
)

TRICKY = [
    "",
    "RL",
    "rl-based GRPO.",
    "xrl rl",
    "worldly early rewards",
    "RLHF-tuned VLMs; multi-modal_ and image_s",
    "policy optimisation of vision-language models",
    "a.b.c -x- x.-y v1.5 GPT-4o 3D 2-stage é-école naïve ÉCOLE",
    "visualisation (not visual) video2text videos",
    "under_score _rl rl_ __image__ 'image' \"video\"",
    "DPO\nPPO\n\nreward",
    "multimodalreinforcement learningrl",
    "Ünïcödé RLVR—MLLM…LMMs",
    "end with a term: images",
    "... .a. -b- a-b- -a-b a..b a--b",
]


def plain_flags(text: str, facets: tuple[tuple[str, ...], ...]) -> list[bool]:
    lowered = text.lower()
    return [
        re.search(r"\b(?:" + "|".join(re.escape(t.lower()) for t in terms) + r")\b", lowered)
        is not None
        for terms in facets
    ]


@pytest.mark.parametrize("text", TRICKY)
def test_facet_flags_are_the_plain_whole_word_search(text: str) -> None:
    flags = facet_flags([text], KEYWORD_FACETS)
    expected = plain_flags(text, KEYWORD_FACETS)
    assert [bool(v) for v in flags[0, :-1]] == expected
    assert bool(flags[0, -1]) == all(expected)


def test_facet_terms_that_begin_or_end_off_a_word_keep_the_plain_meaning() -> None:
    facets = (("-x", "y."), ("3d", "v1.5"), ("a b", "b"))
    texts = ["a-x b", "-x", "ay. z", "y.", "3d v1.5", "a3d v1.50", "the y.z", "xa b", "xa bc"]
    for text in texts:
        assert [bool(v) for v in facet_flags([text], facets)[0, :-1]] == plain_flags(text, facets)


@pytest.mark.parametrize("text", TRICKY)
def test_tokens_are_the_documented_pattern(text: str) -> None:
    vectorizer = TextVectorizer(["rl"], np.ones(1), ModelParams(ngram_max=2))
    tokens = re.findall(TOKEN_PATTERN, text.lower())
    bigrams = [f"{a} {b}" for a, b in itertools.pairwise(tokens)]
    assert vectorizer.analyze(text) == tokens + bigrams
