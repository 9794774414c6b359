"""The relevance model: TF-IDF over title + abstract, a linear classifier, calibrated scores.

Pure: texts and labels in, a ``RelevanceModel`` out; papers in, ``ScoredPaper`` records out.
No file access (``store`` reads and writes models). A model's version is the digest of its
content (``canonical``), computed from the model, never assigned to it.

How it is built, and why:

- **Text → vector.** Lower-cased word 1–2-grams with a token pattern that keeps model names
  whole (``qwen2.5-vl``, ``r1-zero``, ``grpo``), sublinear tf, smoothed idf, L2 norm: the
  arithmetic of scikit-learn's ``TfidfVectorizer`` (a test checks they agree to the last
  digit), written out here so that scoring needs only numpy/scipy and starts fast.
- **Vocabulary.** Chosen from the positives plus a fixed-seed sample of the negatives (fitting
  bigrams on 78k abstracts costs ~40 s and ~1.7 GB): the ``max_features`` most frequent
  terms with ``min_df ≤ df ≤ max_df``, plus every term that at least ``min_positive_df``
  positives share, so that a rare but telling name ("grpo" in early 2025) is never pruned.
- **Classifier.** ``LogisticRegression`` with explicit sample weights: each class weighs
  half (the "balanced" rule) and a hard negative (a proposal the maintainers rejected)
  weighs ``hard_negative_weight`` ordinary negatives.
- **Calibration and threshold.** Out-of-fold decision values (stratified folds, never more
  folds than positives) are mapped to probabilities by Platt's sigmoid, fitted on the true
  class balance; the threshold is the highest score that still keeps ``recall_target`` of
  the held-out positives. The final classifier is then fitted on everything.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import re
from array import array
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial
from itertools import islice, repeat
from typing import Any

import numpy as np
import scipy.sparse as sp

from arxivbot import progress
from arxivbot.model import canonical
from arxivbot.model.card import Counts, FacetUse, ModelCard, OutOfFold, ThresholdRule
from arxivbot.records import Paper, ScoredPaper

# Words, and runs of word characters joined by "." or "-" (see tech-reference E.1).
TOKEN_PATTERN = r"(?u)\b\w[\w.\-]*\w\b|\b\w\b"
# The keyword baseline's term lists (the filter peers use: an RL term AND a multimodal
# term, whole words, any case); the recipe's default facets.
RL_TERMS = (
    "reinforcement learning", "RL", "GRPO", "RLHF", "RLVR", "DPO", "PPO", "reward", "rewards",
    "policy optimization", "policy optimisation",
)
MULTIMODAL_TERMS = (
    "vision-language", "vision language", "multimodal", "multi-modal", "MLLM", "MLLMs", "VLM",
    "VLMs", "LVLM", "LVLMs", "LMM", "LMMs", "image", "images", "video", "videos", "visual",
)
KEYWORD_FACETS = (RL_TERMS, MULTIMODAL_TERMS)
TOKEN_PATTERNS = (TOKEN_PATTERN,)  # the only patterns a model file may name (no user regexes)
# The same tokens, found 13 % faster: without the leading \b that blocks the regex engine's
# skip-ahead (a match can only begin after a non-word character anyway) and with one branch.
_FASTER_EQUIVALENT = {TOKEN_PATTERN: r"(?u)\w(?:[\w.\-]*\w)?\b"}


@dataclass(frozen=True, slots=True)
class ModelParams:
    """Every hyperparameter of the model, recorded in the model file and its card."""

    token_pattern: str = TOKEN_PATTERN
    ngram_max: int = 2  # word 1..ngram_max-grams
    sublinear_tf: bool = True  # tf -> 1 + log(tf): ten mentions are not ten times the evidence
    min_df: int = 3  # a term must occur in this many documents of the vocabulary sample
    max_df: float = 0.5  # ...and in at most this share of them (drops corpus stop words)
    max_features: int = 20000  # the most frequent terms kept (keeps the model file < 2 MB)
    min_positive_df: int = 2  # terms shared by this many positives are kept whatever their rank
    vocabulary_sample: int = 12000  # negatives sampled (fixed seed) to choose the vocabulary
    c: float = 4.0  # inverse L2 regularisation strength of the logistic regression
    max_iter: int = 2000
    cv_folds: int = 5  # folds for the out-of-fold scores (fewer when positives are fewer)
    hard_negative_weight: float = 5.0  # a rejected proposal counts this many negatives
    recall_target: float = 0.9  # share of held-out positives the threshold keeps
    random_state: int = 0
    top_terms: int = 5  # terms reported per paper
    nearest: int = 2  # list entries reported per paper
    # Significant digits training keeps of every number, at most the file's precision
    # (``canonical``: 6 for the per-term numbers, 8 for the rest), so a trained model is
    # exactly what its file holds.
    digits: int = 8
    title_weight: int = 3  # the title is read this many times (it says what the paper is)
    # Facets the topic is the conjunction of (each a tuple of whole-word terms): one flag
    # feature per facet and one for "all of them", which a linear model cannot form itself.
    facets: tuple[tuple[str, ...], ...] = KEYWORD_FACETS
    facet_value: float = 1.0  # the flags' value in the feature matrix (0: no flags)
    facet_min_share: float = 0.6  # flags only when this share of the positives has all facets
    lsa_dims: int = 128  # dimensions of the low-rank (truncated SVD) score; 0: none
    lsa_terms: int = 3000  # the most frequent vocabulary terms the low-rank space is built on
    lsa_negative_share: float = 0.5  # centroid = positives' minus this share of negatives'
    lsa_blend: float = 0.5  # weight of the low-rank score in the combined score
    daily_budget: float = 5.0  # at most this many candidates a day on recent listings; 0: none
    budget_days: int = 20  # the recent listing days the budget is measured on

    def to_dict(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ModelParams:
        known = {f.name for f in dataclasses.fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown model parameters: {', '.join(unknown)}")
        data = dict(data)
        if "facets" in data:
            if not isinstance(data["facets"], list | tuple) or not all(
                isinstance(facet, list | tuple) and all(isinstance(t, str) for t in facet)
                for facet in data["facets"]
            ):
                raise ValueError("facets must be lists of terms")
            data["facets"] = tuple(tuple(facet) for facet in data["facets"])
        params = cls(**data)
        params.validate()
        return params

    def validate(self) -> None:
        """Refuse values a model file must never carry (a loaded file is untrusted input)."""
        defaults = ModelParams()
        for f in dataclasses.fields(self):
            value, default = getattr(self, f.name), getattr(defaults, f.name)
            kind = float if isinstance(default, float) else type(default)
            ok = isinstance(value, kind) and not isinstance(value, bool) if kind is int else (
                isinstance(value, int | float) and not isinstance(value, bool)
                if kind is float else isinstance(value, kind))
            if not ok:
                raise ValueError(f"parameter {f.name} must be {kind.__name__}, not {value!r}")
            if kind is float and not math.isfinite(value):
                raise ValueError(f"parameter {f.name} is not a finite number")
        if self.token_pattern not in TOKEN_PATTERNS:
            raise ValueError("token_pattern is not one arxivbot knows")
        bounds = {"ngram_max": (1, 3), "min_df": (1, 10**6), "max_features": (1, 10**6),
                  "min_positive_df": (1, 10**6), "vocabulary_sample": (0, 10**7),
                  "max_iter": (1, 10**6), "cv_folds": (1, 100), "random_state": (0, 2**32),
                  "top_terms": (0, 100), "nearest": (0, 100), "digits": (3, 17),
                  "title_weight": (1, 10), "lsa_dims": (0, 1024), "lsa_terms": (1, 10**5),
                  "budget_days": (1, 1000)}
        for name, (low, high) in bounds.items():
            if not low <= getattr(self, name) <= high:
                raise ValueError(f"parameter {name} is outside {low}..{high}")
        for name in ("max_df", "recall_target", "facet_min_share", "lsa_blend",
                     "lsa_negative_share"):
            if not 0.0 <= getattr(self, name) <= 1.0:
                raise ValueError(f"parameter {name} is outside 0..1")
        for name in ("c", "hard_negative_weight", "facet_value", "daily_budget"):
            if getattr(self, name) < 0.0:
                raise ValueError(f"parameter {name} is negative")
        if len(self.facets) > 8 or any(len(f) > 200 or not f for f in self.facets) or any(
            len(t) > 100 for f in self.facets for t in f
        ):
            raise ValueError("facets: at most 8, each 1..200 terms of at most 100 characters")

    def text(self, paper: Paper) -> str:
        """What the model reads of ``paper``: the title ``title_weight`` times, the abstract."""
        return "\n".join([paper.title] * max(self.title_weight, 1) + [paper.abstract])


@dataclass(frozen=True, slots=True)
class ListEntry:
    """A list entry the model knows: what ``nearest`` names and section placement uses."""

    id: str  # bare arXiv id
    name: str  # the list's short name for it, or its title
    section: str  # heading path on the list
    list: str  # which list (file name or path) it is on


def facet_flags(texts: Sequence[str], facets: Sequence[Sequence[str]]) -> np.ndarray:
    """Per text, one 0/1 column per facet (any of its terms, whole words, any case) and a
    last column for all facets at once.

    A flag only asks whether a term occurs, so ``paper.text`` (title once) gives the same
    flags as ``params.text(paper)`` (title several times) at a fraction of the cost. Text and
    terms are compared lower-cased (twice as fast as ``re.IGNORECASE``; the same flags on all
    78,461 papers of the shared listings).
    """
    patterns = _facet_patterns(tuple(tuple(terms) for terms in facets))
    flags = np.zeros((len(texts), len(patterns) + 1))
    for row, text in enumerate(texts):
        lowered = text.lower()
        for column, pattern in enumerate(patterns):
            flags[row, column] = _whole_word_in(pattern, lowered)
    flags[:, -1] = flags[:, :-1].all(axis=1) if patterns else 0.0
    return flags


@functools.lru_cache(maxsize=16)
def _facet_patterns(facets: tuple[tuple[str, ...], ...]) -> list[re.Pattern[str]]:
    # No leading \b: a pattern that opens with an alternation lets the regex engine skip
    # ahead to the terms' first letters (1.8x faster); _whole_word_in checks the start.
    return [re.compile(r"(?:" + "|".join(re.escape(t.lower()) for t in terms) + r")\b")
            for terms in facets]


def _whole_word_in(pattern: re.Pattern[str], text: str) -> bool:
    """Whether ``\\b(?:terms)\\b`` occurs in ``text``, for ``pattern`` = ``(?:terms)\\b``.

    The word boundary before a term depends only on where the match starts, so a match
    that starts at no boundary is retried one character further on, not after the match.
    """
    start = 0
    while (found := pattern.search(text, start)) is not None:
        at = found.start()
        before = at > 0 and _WORD_CHAR.match(text, at - 1) is not None
        if before != (_WORD_CHAR.match(text, at) is not None):
            return True
        start = at + 1
    return False


_WORD_CHAR = re.compile(r"\w")


@dataclass(frozen=True)
class LowRank:
    """The second score: cosine, in a truncated-SVD (LSA) space, to the list's centroid.

    ``columns`` are the vocabulary columns the space is built on, ``components`` the SVD's
    (dims × columns) rows, ``centroid`` the unit direction (positives' centroid minus a share
    of the negatives'), ``scale`` the (mean, std) of the score over the negatives, which puts
    it on the classifier's scale. All plain numbers: stored as data, rebuilt at load.
    """

    columns: np.ndarray
    components: np.ndarray
    centroid: np.ndarray
    scale: tuple[float, float]

    def score(self, matrix: sp.csr_matrix) -> np.ndarray:
        projected = np.asarray(matrix[:, self.columns] @ self.components.T)
        norms = np.linalg.norm(projected, axis=1)
        norms[norms == 0.0] = 1.0
        return (projected @ self.centroid) / norms


class TrainingError(ValueError):
    """The inputs cannot make a model (no positives, no negatives, no usable words)."""


# --------------------------------------------------------------------------- text → vectors

# token -> id, unigram column per id, per n ≥ 2 (sorted keys, columns, starts, ends), base
_GramTable = tuple[dict[str, int], np.ndarray,
                   tuple[tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray], ...], int]


class TextVectorizer:
    """Fixed-vocabulary TF-IDF with scikit-learn's arithmetic (sublinear tf, idf, L2 norm)."""

    def __init__(self, terms: Sequence[str], idf: np.ndarray, params: ModelParams) -> None:
        self.terms = tuple(terms)
        self.index = {term: i for i, term in enumerate(self.terms)}
        self.idf = np.asarray(idf, dtype=np.float64)
        self.params = params
        self._find = re.compile(_FASTER_EQUIVALENT.get(params.token_pattern,
                                                        params.token_pattern)).findall
        self._table: _GramTable | None = None  # built on first use (_gram_table)
        self._no_table = False

    def analyze(self, text: str) -> list[str]:
        """Tokens then word n-grams, exactly as ``TfidfVectorizer(lowercase=True)`` makes them."""
        tokens = self._find(text.lower())
        grams = list(tokens)
        for n in range(2, self.params.ngram_max + 1):
            grams.extend(map(" ".join, zip(*(tokens[i:] for i in range(n)), strict=False)))
        return grams

    def counts(self, texts: Iterable[str]) -> sp.csr_matrix:
        """Raw term counts (documents × vocabulary); terms outside the vocabulary are dropped."""
        blocks = [self._count_block(chunk) for chunk in _chunks(texts, 4096)]
        n_rows = sum(block.shape[0] for block in blocks)
        offsets = np.cumsum([0] + [block.nnz for block in blocks])
        indptr = np.concatenate(
            [[0], *(block.indptr[1:] + offset for block, offset in zip(blocks, offsets,
                                                                       strict=False))]
        ).astype(np.int64)
        # Concatenate one array at a time, dropping the blocks' copy as we go (memory).
        indices = np.concatenate([block.indices for block in blocks] or [np.zeros(0, np.int32)])
        for block in blocks:
            block.indices = np.zeros(0, np.int32)
        data = np.concatenate([block.data for block in blocks] or [np.zeros(0)])
        del blocks
        return sp.csr_matrix((data, indices, indptr), shape=(n_rows, len(self.terms)))

    def _count_block(self, texts: Sequence[str]) -> sp.csr_matrix:
        # Each token becomes a small integer (0: in no term) with one dict look-up; the
        # n-grams are then looked up with numpy on those integers (no n-gram string is
        # built) and np.unique counts the (text, column) pairs. The same counts, value for
        # value, as looking every ``analyze`` gram up by its string (tests/model).
        table = self._gram_table()
        if table is None or not self.terms:
            return self._count_block_by_strings(texts)
        token_ids, unigram_columns, ngrams, base = table
        find, get = self._find, token_ids.get
        tokens: list[str] = []
        lengths = array("q")
        for text in texts:
            found = find(text.lower())
            tokens += found
            lengths.append(len(found))
        ids = np.fromiter(map(get, tokens, repeat(0, len(tokens))), dtype=np.int64,
                          count=len(tokens))
        del tokens
        n_docs, n_terms = len(lengths), len(self.terms)
        doc = np.repeat(np.arange(n_docs, dtype=np.int64), np.frombuffer(lengths, np.int64))
        # One int64 per (text, column) occurrence: text · n_terms + column.
        columns = unigram_columns[ids]
        found_at = [(doc * n_terms + columns)[columns >= 0]]
        key = ids
        for n, (keys, key_columns, starts, ends) in enumerate(ngrams, 2):
            # the n-gram at token i: tokens i..i+n-1, all of one text
            key = key[:-1] * base + ids[n - 1:]
            if not len(keys):
                continue
            first = np.flatnonzero(starts[ids[: len(key)]] & ends[ids[n - 1:]]
                                   & (doc[n - 1:] == doc[: len(key)]))
            at = np.searchsorted(keys, key[first])
            at[at == len(keys)] = 0
            hit = keys[at] == key[first]
            found_at.append(doc[first[hit]] * n_terms + key_columns[at[hit]])
        occurrences, counted = np.unique(np.concatenate(found_at), return_counts=True)
        indptr = np.zeros(n_docs + 1, dtype=np.int32)
        np.cumsum(np.bincount(occurrences // n_terms, minlength=n_docs), out=indptr[1:])
        return sp.csr_matrix(
            (counted.astype(np.float64), (occurrences % n_terms).astype(np.int32), indptr),
            shape=(n_docs, n_terms),
        )

    def _gram_table(self) -> _GramTable | None:
        """The vocabulary as integers: token -> id (1..; 0 is "in no term"), each id's
        unigram column (-1: none), and per n = 2..ngram_max the sorted n-gram keys (ids as
        digits in base ``base``), their columns, and which ids start and which end one.
        None when the keys would not fit in 62 bits (then n-grams are looked up as strings)."""
        if self._table is not None or self._no_table:
            return self._table
        token_ids: dict[str, int] = {}
        split = [term.split(" ") for term in self.terms]
        for parts in split:
            for part in parts:
                if part and part not in token_ids:
                    token_ids[part] = len(token_ids) + 1
        base = len(token_ids) + 1
        if base ** max(self.params.ngram_max, 1) >= 2**62:
            self._no_table = True
            return None
        unigram_columns = np.full(base, -1, dtype=np.int64)
        by_n: list[dict[int, int]] = [{} for _ in range(2, self.params.ngram_max + 1)]
        for column, parts in enumerate(split):
            if not all(parts):  # an empty part ("a  b"): no n-gram ever equals the term
                continue
            if len(parts) == 1:
                unigram_columns[token_ids[parts[0]]] = column  # the last one wins, as in index
            elif len(parts) <= self.params.ngram_max:
                key = 0
                for part in parts:
                    key = key * base + token_ids[part]
                by_n[len(parts) - 2][key] = column
        ngrams = []
        for n, grams in enumerate(by_n, 2):
            keys = np.fromiter(grams.keys(), dtype=np.int64, count=len(grams))
            columns = np.fromiter(grams.values(), dtype=np.int64, count=len(grams))
            order = np.argsort(keys)
            keys, columns = keys[order], columns[order]
            # Only positions whose first and last ids can start and end one are looked up.
            starts = np.zeros(base, dtype=bool)
            starts[keys // base ** (n - 1)] = True
            ends = np.zeros(base, dtype=bool)
            ends[keys % base] = True
            ngrams.append((keys, columns, starts, ends))
        self._table = (token_ids, unigram_columns, tuple(ngrams), base)
        return self._table

    def _count_block_by_strings(self, texts: Sequence[str]) -> sp.csr_matrix:
        # Every n-gram's column (-1 when unknown) goes into one compact C array; numpy drops
        # the unknown ones and scipy sums the repeats.
        lookup = self.index.get
        columns = array("i")
        lengths = array("q")
        for text in texts:
            grams = self.analyze(text)
            columns.extend(map(lookup, grams, repeat(-1, len(grams))))
            lengths.append(len(grams))
        cols = np.frombuffer(columns, dtype=np.int32)
        rows = np.repeat(np.arange(len(lengths), dtype=np.int32), np.frombuffer(lengths, np.int64))
        known = cols >= 0
        matrix = sp.csr_matrix(
            (np.ones(int(known.sum())), (rows[known], cols[known])),
            shape=(len(lengths), len(self.terms)),
        )
        matrix.sum_duplicates()
        return matrix

    def weigh(self, counts: sp.csr_matrix, *, copy: bool = True) -> sp.csr_matrix:
        """Counts → L2-normalised TF-IDF (on a copy unless ``copy=False``)."""
        matrix = counts.astype(np.float64, copy=copy)
        if self.params.sublinear_tf:
            np.log(matrix.data, out=matrix.data)
            matrix.data += 1.0
        matrix.data *= self.idf[matrix.indices]
        norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
        norms[norms == 0.0] = 1.0
        matrix.data /= np.repeat(norms, np.diff(matrix.indptr))
        return matrix

    def transform(self, texts: Iterable[str]) -> sp.csr_matrix:
        return self.weigh(self.counts(texts))


def choose_vocabulary(
    positive_texts: Sequence[str], sample_texts: Sequence[str], params: ModelParams
) -> list[str]:
    """The terms the model will know, sorted (see the module docstring for the rule)."""
    analyze = TextVectorizer((), np.zeros(0), params).analyze
    df: Counter[str] = Counter()
    positive_df: Counter[str] = Counter()
    for text in positive_texts:
        grams = set(analyze(text))
        df.update(grams)
        positive_df.update(grams)
    for text in sample_texts:
        df.update(set(analyze(text)))
    n_docs = len(positive_texts) + len(sample_texts)
    max_count = params.max_df * n_docs
    min_count = min(params.min_df, n_docs)
    eligible = [(count, term) for term, count in df.items() if min_count <= count <= max_count]
    eligible.sort(key=lambda item: (-item[0], item[1]))
    chosen = {term for _, term in eligible[: params.max_features]}
    chosen.update(
        term
        for term, count in positive_df.items()
        if count >= min(params.min_positive_df, len(positive_texts)) and df[term] <= max_count
    )
    if not chosen:
        raise TrainingError(
            "no usable words: every term is too rare or too common in the training texts"
        )
    return sorted(chosen)


def smoothed_idf(counts: sp.csr_matrix) -> np.ndarray:
    """``ln((1 + n) / (1 + df)) + 1``, scikit-learn's smooth idf."""
    n_docs = counts.shape[0]
    df = np.bincount(counts.indices, minlength=counts.shape[1])
    return np.log((1.0 + n_docs) / (1.0 + df)) + 1.0


# --------------------------------------------------------------------------- the model


@dataclass(eq=False)
class RelevanceModel:
    """A trained model: vectoriser, linear weights, calibration, threshold, list entries."""

    params: ModelParams
    terms: tuple[str, ...]
    idf: np.ndarray
    coef: np.ndarray
    intercept: float
    calibration: tuple[float, float]  # Platt's (a, b): p = 1 / (1 + exp(-(a·d + b)))
    threshold: float
    entries: tuple[ListEntry, ...]
    entry_texts: dict[str, str]  # arXiv id -> title + abstract of each entry's paper
    card: ModelCard = field(default_factory=ModelCard)  # documentation, not content
    facet_coef: np.ndarray = field(default_factory=lambda: np.zeros(0))  # one per flag column
    decision_scale: tuple[float, float] = (0.0, 1.0)  # classifier's (mean, std) on negatives
    low_rank: LowRank | None = None
    sklearn_version: str = "none"  # major.minor of the scikit-learn that fitted it
    # The content's sha256 once computed (or verified by the loader): the content fields
    # above are never changed after training, so it never goes stale.
    _digest: str | None = field(default=None, repr=False)
    _vectorizer: TextVectorizer | None = field(default=None, repr=False)
    _entry_vectors: sp.csr_matrix | None = field(default=None, repr=False)

    @property
    def vectorizer(self) -> TextVectorizer:
        if self._vectorizer is None:
            self._vectorizer = TextVectorizer(self.terms, self.idf, self.params)
        return self._vectorizer

    @property
    def entry_vectors(self) -> sp.csr_matrix:
        """One L2-normalised TF-IDF row per entry (same order as ``entries``)."""
        if self._entry_vectors is None:
            texts = [self.entry_texts.get(entry.id, entry.name) for entry in self.entries]
            self._entry_vectors = self.vectorize(texts)
        return self._entry_vectors

    @property
    def backtest_ap(self) -> float | None:
        """Average precision of the model's backtest, when its card records one."""
        return self.card.backtest_ap

    @property
    def digest(self) -> str:
        """sha256 of the model's canonical content: what its file carries as ``digest``."""
        if self._digest is None:
            self._digest = canonical.content_digest(self.content())
        return self._digest

    @property
    def version(self) -> str:
        """The model's name: the first 12 hex digits of its content digest."""
        return self.digest[: canonical.VERSION_DIGITS]

    def content(self) -> dict[str, Any]:
        """Everything that defines the model, as JSON-ready values (without the digest)."""
        entries = [
            {"id": e.id, "name": e.name, "section": e.section, "list": e.list}
            for e in self.entries
        ]
        return {
            "format": canonical.FORMAT,
            "format_version": canonical.FORMAT_VERSION,
            "sklearn_version": self.sklearn_version,
            "params": self.params.to_dict(),
            # [term, idf, weight]: the vocabulary in column order (sorted), one per line
            "terms": [
                [term, float(idf), float(weight)]
                for term, idf, weight in zip(self.terms, self.idf, self.coef, strict=True)
            ],
            "intercept": float(self.intercept),
            "calibration": {"a": self.calibration[0], "b": self.calibration[1]},
            "threshold": float(self.threshold),
            "entries": entries,
            # [id, title + abstract]: what ``nearest`` and section placement compare papers to
            "entry_texts": [[key, text] for key, text in sorted(self.entry_texts.items())],
            "facet_coef": [float(v) for v in self.facet_coef],
            "decision_scale": list(self.decision_scale),
            **_low_rank_content(self.low_rank),
        }

    def vectorize(self, texts: Sequence[str]) -> sp.csr_matrix:
        """The L2-normalised TF-IDF matrix of ``texts`` (rows = texts, columns = terms)."""
        return self.vectorizer.transform(texts)

    def decision(self, matrix: sp.csr_matrix, flags: np.ndarray | None = None) -> np.ndarray:
        """The combined score: the classifier's decision (with the facet flags), and when the
        model has one the low-rank score, each on the negatives' scale, blended."""
        value = np.asarray(matrix @ self.coef).ravel() + self.intercept
        if flags is not None and len(self.facet_coef):
            value = value + flags @ self.facet_coef
        if self.low_rank is None:
            return value
        mean, std = self.decision_scale
        lr_mean, lr_std = self.low_rank.scale
        blend = self.params.lsa_blend
        return ((1.0 - blend) * (value - mean) / std
                + blend * (self.low_rank.score(matrix) - lr_mean) / lr_std)

    def read(self, papers: Sequence[Paper]) -> tuple[sp.csr_matrix, np.ndarray | None]:
        """The TF-IDF matrix and the facet flags (None without facets) of ``papers``."""
        texts = [self.params.text(paper) for paper in papers]
        flags = (facet_flags([paper.text for paper in papers], self.params.facets)
                 if len(self.facet_coef) else None)
        return self.vectorize(texts), flags

    def probability(self, decision: np.ndarray) -> np.ndarray:
        a, b = self.calibration
        return _sigmoid(a * decision + b)

    def score(
        self,
        papers: Sequence[Paper],
        *,
        max_per_day: int | None = None,
        threshold: float | None = None,
        nearest: bool = True,
    ) -> list[ScoredPaper]:
        """Score, select and explain ``papers``; the output keeps the input order.

        A paper is selected when its score reaches the threshold (the model's own unless one
        is given) and it is among the ``max_per_day`` best of its announcement date.
        ``nearest=False`` leaves ``ScoredPaper.nearest`` empty, for a caller that looks the
        nearest entries up on the target list itself (or does not need them).
        """
        if not papers:
            return []
        matrix, flags = self.read(papers)
        scores = self.probability(self.decision(matrix, flags))
        cut = self.threshold if threshold is None else threshold
        selected = select(scores, [paper.date for paper in papers], cut, max_per_day)
        terms = self.top_terms(matrix)
        neighbours = self.nearest(matrix) if nearest else [() for _ in papers]
        return [
            ScoredPaper(
                paper=paper,
                score=float(scores[i]),
                selected=bool(selected[i]),
                top_terms=terms[i],
                nearest=neighbours[i],
            )
            for i, paper in enumerate(papers)
        ]

    def top_terms(self, matrix: sp.csr_matrix) -> list[tuple[str, ...]]:
        """Per row, the terms with the largest positive contributions x_i · w_i."""
        k = self.params.top_terms
        contributions = matrix.data * self.coef[matrix.indices]
        result: list[tuple[str, ...]] = []
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            values = contributions[start:end]
            if not len(values):
                result.append(())
                continue
            order = np.argsort(-values, kind="stable")[:k]
            result.append(
                tuple(self.terms[matrix.indices[start + j]] for j in order if values[j] > 0)
            )
        return result

    def nearest(self, matrix: sp.csr_matrix) -> list[tuple[tuple[str, str], ...]]:
        """Per row, the ``params.nearest`` most similar list entries (cosine), distinct ids."""
        if not self.entries:
            return [() for _ in range(matrix.shape[0])]
        want = self.params.nearest
        result: list[tuple[tuple[str, str], ...]] = []
        # In slices: papers × entries is dense, and a long list times 78k papers is not small.
        for start in range(0, matrix.shape[0], 2048):
            similarity = (matrix[start : start + 2048] @ self.entry_vectors.T).toarray()
            # The best few columns are enough, even when an id sits on several lists.
            keep = min(similarity.shape[1], 4 * want)
            best = np.argpartition(-similarity, keep - 1, axis=1)[:, :keep]
            for row in range(similarity.shape[0]):
                columns = sorted(best[row], key=partial(_by_similarity, similarity[row]))
                picked: list[tuple[str, str]] = []
                for column in columns:
                    if similarity[row, column] <= 0.0 or len(picked) == want:
                        break
                    entry = self.entries[int(column)]
                    if all(entry.id != seen for seen, _ in picked):
                        picked.append((entry.id, entry.name))
                result.append(tuple(picked))
        return result


def _low_rank_content(low_rank: LowRank | None) -> dict[str, Any]:
    """The fitted truncated SVD as data: one line per vocabulary term it reads, holding
    ``[term column, component values...]``, plus the centroid and the score's scale."""
    if low_rank is None:
        return {"low_rank": None}
    return {
        "low_rank": {"centroid": [float(v) for v in low_rank.centroid],
                     "scale": list(low_rank.scale)},
        "low_rank_components": [
            [int(column), *(float(v) for v in low_rank.components[:, i])]
            for i, column in enumerate(low_rank.columns)
        ],
    }


def sklearn_version() -> str:
    """The installed scikit-learn's major.minor, e.g. ``"1.9"`` (cheap: no import)."""
    from importlib import metadata

    try:
        return ".".join(metadata.version("scikit-learn").split(".")[:2])
    except metadata.PackageNotFoundError:
        return "none"


def _by_similarity(row_similarity: np.ndarray, column: int) -> tuple[float, int]:
    """Sort key of a column: most similar first, ties by column."""
    return (-row_similarity[column], column)


def select(
    scores: np.ndarray, dates: Sequence[str], threshold: float, max_per_day: int | None
) -> np.ndarray:
    """Which papers are proposed: score ≥ threshold and within the day's ``max_per_day`` best."""
    chosen = np.asarray(scores) >= threshold
    if max_per_day is None:
        return chosen
    by_day: dict[str, list[int]] = {}
    for i in np.flatnonzero(chosen):
        by_day.setdefault(dates[int(i)], []).append(int(i))
    for rows in by_day.values():
        rows.sort(key=lambda i: -scores[i])  # stable: ties keep input order
        for dropped in rows[max(max_per_day, 0) :]:
            chosen[dropped] = False
    return chosen


def threshold_for_recall(
    positive_scores: Sequence[float] | np.ndarray, recall_target: float
) -> float:
    """The highest score that keeps at least ``recall_target`` of these positives."""
    ordered = sorted(positive_scores, reverse=True)
    if not ordered:
        raise TrainingError("no held-out positives to choose a threshold on")
    keep = min(len(ordered), max(1, math.ceil(recall_target * len(ordered) - 1e-9)))
    return ordered[keep - 1]


# --------------------------------------------------------------------------- training


def train(
    positives: Sequence[Paper],
    negatives: Sequence[Paper],
    *,
    entries: Sequence[ListEntry] = (),
    hard_negatives: Sequence[Paper] = (),
    params: ModelParams | None = None,
) -> RelevanceModel:
    """Fit a model: ``positives`` belong on the list, ``negatives`` do not.

    ``entries`` name the list entries (their ``id`` must be a positive's id) that
    ``nearest`` reports; ``hard_negatives`` are proposals the maintainers turned down.
    Same inputs, same model: every random choice has a fixed seed.
    """
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold

    params = params or ModelParams()
    positives = _unique(positives)
    positive_ids = {paper.id for paper in positives}
    hard_negatives = [p for p in _unique(hard_negatives) if p.id not in positive_ids]
    hard_ids = {paper.id for paper in hard_negatives}
    negatives = [p for p in _unique(negatives) if p.id not in positive_ids | hard_ids]
    if not positives:
        raise TrainingError("no positives: the lists have no arXiv papers to learn from")
    if not negatives and not hard_negatives:
        raise TrainingError("no negatives: give listings with papers that are not on the lists")

    rng = np.random.RandomState(params.random_state)
    sample_rows = np.arange(len(negatives))
    if len(negatives) > params.vocabulary_sample:
        sample_rows = np.sort(rng.choice(len(negatives), params.vocabulary_sample, replace=False))
    read = params.text
    terms = choose_vocabulary(
        [read(p) for p in positives],
        [read(negatives[i]) for i in sample_rows] + [read(p) for p in hard_negatives],
        params,
    )
    counting = TextVectorizer(terms, np.ones(len(terms)), params)
    all_papers = [*positives, *hard_negatives, *negatives]
    counts = counting.counts(read(p) for p in all_papers)
    digits = min(params.digits, canonical.SCALAR_DIGITS)
    term_digits = min(params.digits, canonical.TERM_DIGITS)
    idf = _round(smoothed_idf(counts), term_digits)
    vectorizer = TextVectorizer(terms, idf, params)
    matrix = vectorizer.weigh(counts, copy=False)
    del counts

    n_pos, n_hard, n_neg = len(positives), len(hard_negatives), len(negatives)
    labels = np.zeros(len(all_papers), dtype=np.int8)
    labels[:n_pos] = 1
    weights = _sample_weights(n_pos, n_hard, n_neg, params.hard_negative_weight)

    # Facet flags, when the list's own papers show the conjunction (training checks it).
    facet_share = None
    features: Any = matrix
    use_facets = bool(params.facets) and params.facet_value > 0.0
    if use_facets:
        flags = facet_flags([p.text for p in all_papers], params.facets)
        facet_share = float(flags[:n_pos, -1].mean())
        use_facets = facet_share >= params.facet_min_share
        if use_facets:
            features = sp.hstack([matrix, sp.csr_matrix(flags * params.facet_value)],
                                 format="csr")
            # Its first columns are ``matrix``, value for value: keep one copy (memory).
            del matrix

    def fit(held_out: np.ndarray | None = None, start: Any = None) -> Any:
        # Held-out rows get weight 0 rather than being sliced out: same fit, no matrix copy.
        fold_weights = weights.copy()
        if held_out is not None:
            fold_weights[held_out] = 0.0
        model = LogisticRegression(
            C=params.c, max_iter=params.max_iter, tol=1e-6, warm_start=start is not None
        )
        if start is not None:
            # The objective is strictly convex: starting from the full fit reaches the fold's
            # optimum (to the solver's tolerance) in about half the iterations.
            model.coef_, model.intercept_ = start.coef_.copy(), start.intercept_.copy()
        return model.fit(features, labels, sample_weight=fold_weights)

    # Out-of-fold decision values for calibration and the threshold.
    folds = min(params.cv_folds, n_pos, n_hard + n_neg)
    oof = np.zeros(len(all_papers))
    fold_rows: list[np.ndarray] = []
    with progress.task("fitting", total=1 + (folds if folds >= 2 else 0), unit="fits") as fitted:
        final = fit()
        fitted(1)
        if folds >= 2:
            splitter = StratifiedKFold(
                n_splits=folds, shuffle=True, random_state=params.random_state
            )
            for _, test_rows in splitter.split(np.zeros(len(labels)), labels):
                fold_model = fit(test_rows, start=final)
                oof[test_rows] = fold_model.decision_function(features[test_rows])
                fold_rows.append(test_rows)
                fitted(1)
    raw_coef = final.coef_.ravel()
    all_coef = np.r_[_round(raw_coef[: len(terms)], term_digits),
                     _round(raw_coef[len(terms):], digits)]
    coef = all_coef[: len(terms)]
    facet_coef = all_coef[len(terms):] * params.facet_value if use_facets else np.zeros(0)
    facet_coef = _round(facet_coef, digits) if use_facets else facet_coef
    intercept = _round(final.intercept_, digits)[0]
    if folds < 2:  # too few positives to hold any out: score on the training fit itself
        oof = np.asarray(features @ all_coef).ravel() + intercept

    low_rank = None
    decision_scale = (0.0, 1.0)
    combined = oof
    if params.lsa_dims > 0:
        negative = labels == 0
        decision_scale = _scale(oof[negative], digits)
        low_rank, lsa_oof = _fit_low_rank(features, len(terms), labels,
                                          sample_rows + n_pos + n_hard, fold_rows, params)
        mean, std = decision_scale
        lr_mean, lr_std = low_rank.scale
        combined = ((1.0 - params.lsa_blend) * (oof - mean) / std
                    + params.lsa_blend * (lsa_oof - lr_mean) / lr_std)

    a, b = _round(np.asarray(platt(combined, labels)), digits)
    calibrated = _sigmoid(a * combined + b)
    threshold = _round_down(
        threshold_for_recall(calibrated[:n_pos], params.recall_target), digits
    )
    recall_threshold = threshold
    # The budget: on the most recent listing days (out-of-fold scores), never more than
    # ``daily_budget`` candidates a day on average; the card says what it would have been.
    recent = _recent_rows(all_papers, n_pos + n_hard, params.budget_days)
    n_recent_days = len({all_papers[i].date for i in recent})

    def per_day(cut: float) -> float:
        return float((calibrated[recent] >= cut).sum()) / n_recent_days if n_recent_days else 0.0

    if params.daily_budget > 0 and n_recent_days and per_day(threshold) > params.daily_budget:
        ranked = np.sort(calibrated[recent])[::-1]
        allowed = min(int(params.daily_budget * n_recent_days), len(ranked) - 1)
        threshold = float(_round(np.array([ranked[allowed]]), digits)[0])
        threshold = _step_up(threshold, digits) if per_day(threshold) > params.daily_budget \
            else threshold

    known_ids = {paper.id: paper.text for paper in positives}
    kept_entries = tuple(e for e in entries if e.id in known_ids)
    entry_texts = {e.id: known_ids[e.id] for e in kept_entries}

    card = ModelCard(
        counts=Counts(positives=n_pos, negatives=n_neg, hard_negatives=n_hard),
        vocabulary_size=len(terms),
        facets=FacetUse(share_of_positives_with_all=facet_share, used=use_facets),
        out_of_fold=OutOfFold(
            folds=folds,
            average_precision=_average_precision(calibrated, labels) if folds >= 2 else None,
            recall_at_threshold=float(np.mean(calibrated[:n_pos] >= threshold)),
        ),
        threshold_rule=ThresholdRule(
            recall_target=params.recall_target,
            threshold_for_recall=recall_threshold,
            daily_budget=params.daily_budget or None,
            raised_by_budget=threshold > recall_threshold,
            recent_days=n_recent_days,
            recent_candidates_per_day=per_day(threshold),
        ),
    )
    return RelevanceModel(
        params=params,
        terms=tuple(terms),
        idf=idf,
        coef=coef,
        intercept=float(intercept),
        calibration=(float(a), float(b)),
        threshold=float(threshold),
        entries=kept_entries,
        entry_texts=dict(sorted(entry_texts.items())),
        card=card,
        facet_coef=facet_coef,
        decision_scale=decision_scale,
        low_rank=low_rank,
        sklearn_version=sklearn_version(),
        _vectorizer=vectorizer,
    )


def _fit_low_rank(
    matrix: sp.csr_matrix,
    n_terms: int,
    labels: np.ndarray,
    sample_rows: np.ndarray,
    fold_rows: Sequence[np.ndarray],
    params: ModelParams,
) -> tuple[LowRank, np.ndarray]:
    """The LSA space (fitted on the positives and the vocabulary sample of negatives), the
    centroid direction, and the out-of-fold low-rank scores of every row. Only the first
    ``n_terms`` columns of ``matrix`` (the TF-IDF ones, before any facet flags) are read."""
    from sklearn.decomposition import TruncatedSVD

    df = np.bincount(matrix.indices, minlength=matrix.shape[1])[:n_terms]
    keep = min(params.lsa_terms, n_terms)
    columns = np.sort(np.argsort(-df, kind="stable")[:keep])
    sub = matrix[:, columns]
    fit_rows = np.r_[np.flatnonzero(labels == 1), sample_rows]
    dims = max(1, min(params.lsa_dims, len(columns) - 1, len(fit_rows) - 1))
    svd = TruncatedSVD(n_components=dims, random_state=params.random_state, n_iter=5)
    svd.fit(sub[fit_rows])
    # Four significant digits: the space's directions, not its last decimals, carry the score.
    components = _round(svd.components_, 4).reshape(svd.components_.shape)
    projected = np.asarray(sub @ components.T)
    norms = np.linalg.norm(projected, axis=1)
    norms[norms == 0.0] = 1.0
    projected /= norms[:, None]

    def direction(rows: np.ndarray) -> np.ndarray:
        mask = np.zeros(len(labels), dtype=bool)
        mask[rows] = True
        positive = projected[mask & (labels == 1)].mean(axis=0)
        negative = projected[mask & (labels == 0)].mean(axis=0)
        vector = positive - params.lsa_negative_share * negative
        return vector / (np.linalg.norm(vector) or 1.0)

    everything = np.arange(len(labels))
    oof = np.zeros(len(labels))
    if fold_rows:
        for rows in fold_rows:
            oof[rows] = projected[rows] @ direction(np.setdiff1d(everything, rows))
    digits = min(params.digits, canonical.SCALAR_DIGITS)
    centroid = _round(direction(everything), digits)
    if not fold_rows:
        oof = projected @ centroid
    low_rank = LowRank(columns=columns, components=components, centroid=centroid,
                       scale=_scale(oof[labels == 0], digits))
    return low_rank, oof


def _recent_rows(papers: Sequence[Paper], first_negative: int, days: int) -> np.ndarray:
    """Rows of the negatives announced on the last ``days`` listing days."""
    dates = sorted({p.date for p in papers[first_negative:] if p.date})[-days:]
    wanted = set(dates)
    return np.array([i for i in range(first_negative, len(papers))
                     if papers[i].date in wanted], dtype=np.int64)


def _scale(values: np.ndarray, digits: int) -> tuple[float, float]:
    """(mean, std) of ``values`` (std 1 when they do not vary), rounded for the model file."""
    mean = float(np.mean(values)) if len(values) else 0.0
    std = float(np.std(values)) if len(values) else 1.0
    mean, std = (float(v) for v in _round(np.array([mean, std or 1.0]), digits))
    return mean, std


def platt(decision: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Platt's sigmoid fit with his smoothed targets; returns (a, b) of p = σ(a·d + b)."""
    from scipy.optimize import minimize

    n_pos = int(labels.sum())
    n_neg = len(labels) - n_pos
    target = np.where(labels == 1, (n_pos + 1.0) / (n_pos + 2.0), 1.0 / (n_neg + 2.0))
    scale = float(np.std(decision)) or 1.0  # optimise on a unit scale, report in d's units
    d = decision / scale

    def loss(theta: np.ndarray) -> tuple[float, np.ndarray]:
        z = theta[0] * d + theta[1]
        # log(1 + e^z) - t·z, the cross-entropy with soft targets, computed stably
        value = float(np.sum(np.logaddexp(0.0, z) - target * z))
        residual = _sigmoid(z) - target
        return value, np.array([float(residual @ d), float(residual.sum())])

    start = np.array([1.0, math.log((n_pos + 1.0) / (n_neg + 1.0))])
    result = minimize(loss, start, jac=True, method="L-BFGS-B")
    a, b = result.x
    return float(a / scale), float(b)


def _sample_weights(n_pos: int, n_hard: int, n_neg: int, hard_weight: float) -> np.ndarray:
    """Balanced classes: positives and negatives each carry half the total weight."""
    total = n_pos + n_hard + n_neg
    negative_units = n_neg + hard_weight * n_hard
    positive_weight = total / (2.0 * n_pos)
    negative_weight = total / (2.0 * negative_units) if negative_units else 0.0
    return np.concatenate(
        [
            np.full(n_pos, positive_weight),
            np.full(n_hard, negative_weight * hard_weight),
            np.full(n_neg, negative_weight),
        ]
    )


def _average_precision(scores: np.ndarray, labels: np.ndarray) -> float:
    from sklearn.metrics import average_precision_score

    return float(average_precision_score(labels, scores))


def _unique(papers: Iterable[Paper]) -> list[Paper]:
    seen: set[str] = set()
    result = []
    for paper in papers:
        if paper.id not in seen:
            seen.add(paper.id)
            result.append(paper)
    return result


def _sigmoid(z: np.ndarray) -> np.ndarray:
    return np.exp(-np.logaddexp(0.0, -z))


def _round(values: np.ndarray, digits: int) -> np.ndarray:
    """Floats cut to ``digits`` significant digits, so a saved and reloaded model is identical."""
    return np.asarray([canonical.significant(v, digits) for v in np.ravel(values)],
                      dtype=np.float64)


def _round_down(value: float, digits: int) -> float:
    """``value`` cut to ``digits`` significant digits, never above it (a threshold must keep
    the positive it was chosen on)."""
    rounded = canonical.significant(value, digits)
    step = abs(value) * 10.0 ** (1 - digits) or 10.0 ** (-digits)
    while rounded > value:
        rounded = canonical.significant(rounded - step, digits)
    return rounded


def _step_up(value: float, digits: int) -> float:
    """The smallest number of ``digits`` significant digits above ``value`` (a threshold just
    over a score, that the model file holds exactly)."""
    step = abs(value) * 10.0 ** (1 - digits) or 10.0 ** (-digits)
    rounded = canonical.significant(value, digits)
    while rounded <= value:
        rounded = canonical.significant(rounded + step / 10.0, digits)
        step *= 2.0
    return rounded


def _chunks(items: Iterable[str], size: int) -> Iterator[list[str]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
