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


def test_low_rank_reads_only_the_term_columns_of_the_features() -> None:
    # Training keeps one matrix (TF-IDF columns, then the facet flags) to save memory; the
    # low-rank space built from it must be the one built from the TF-IDF columns alone.
    import scipy.sparse as sp

    from arxivbot.model.classifier import _fit_low_rank

    rng = np.random.RandomState(0)
    dense = rng.rand(40, 30) * (rng.rand(40, 30) < 0.3)
    matrix = sp.csr_matrix(dense)
    flags = sp.csr_matrix((rng.rand(40, 3) < 0.5).astype(float))
    features = sp.hstack([matrix, flags], format="csr")
    labels = np.r_[np.ones(10, dtype=np.int8), np.zeros(30, dtype=np.int8)]
    folds = [np.arange(i, 40, 4) for i in range(4)]
    params = ModelParams(lsa_dims=5, lsa_terms=20)
    plain, plain_oof = _fit_low_rank(matrix, 30, labels, np.arange(10, 30), folds, params)
    fast, fast_oof = _fit_low_rank(features, 30, labels, np.arange(10, 30), folds, params)
    assert np.array_equal(plain.columns, fast.columns)
    assert np.array_equal(plain.components, fast.components)
    assert np.array_equal(plain.centroid, fast.centroid)
    assert plain.scale == fast.scale
    assert np.array_equal(plain_oof, fast_oof)


@pytest.mark.parametrize("ngram_max", [1, 2, 3])
def test_counts_are_the_analyzed_grams_looked_up_one_by_one(ngram_max: int) -> None:
    # Counting looks n-grams up as integers, never building their strings; it must count
    # exactly the grams ``analyze`` makes that are in the vocabulary, text by text.
    from collections import Counter

    params = ModelParams(ngram_max=ngram_max)
    texts = [*TRICKY, " ".join(TRICKY), "rl rl rl. rl-based rl", "x y z x y z x y"]
    plain = TextVectorizer((), np.zeros(0), params).analyze
    every = sorted({gram for text in texts for gram in plain(text)})
    # Every other gram, terms no text can match, a duplicate, and n-grams longer than n.
    terms = [*every[::2], "RL", "a  b", " rl", "rl ", "x y z x", "x y z", "y z", "rl", "zz"]
    vectorizer = TextVectorizer(terms, np.ones(len(terms)), params)
    counts = vectorizer.counts(texts)
    expected = np.zeros((len(texts), len(terms)))
    for row, text in enumerate(texts):
        for gram, count in Counter(plain(text)).items():
            if gram in vectorizer.index:
                expected[row, vectorizer.index[gram]] = count
    assert counts.has_canonical_format
    assert counts.indices.dtype == np.int32
    np.testing.assert_array_equal(counts.toarray(), expected)
    assert counts.sum() > len(texts)
    empty = TextVectorizer((), np.zeros(0), params).counts(texts)
    assert empty.shape == (len(texts), 0)
    assert empty.nnz == 0
