"""Why the out-of-list AP is low: the issue's recipe rebuilt with plain scikit-learn.

Issue 11 reports, on a test "train on the three seed lists with listings up to mid-May 2025;
score every paper of the next 54 announcement days; positives the papers that other list
added", an untuned TF-IDF + LR at AP 0.30 and an untuned reimplementation with (a) facet
flags, (b) title ×3, (c) an LSA centroid score blended on the negatives' scale at 0.44-0.46.
This script rebuilds those steps with TfidfVectorizer / LogisticRegression / TruncatedSVD,
independently of ``arxivbot.model.classifier``, on exactly the papers ``arxivbot eval
--out-of-list`` uses (its ``split`` and its test-day rule), and prints AP per step, per
held-out list, label set and test window, beside the shipped recipe on the same papers.

    python benchmarks/ranking_diagnosis.py [--lists lwpyh,HITsz-TMG] [--windows eval,54]

Reads ../shared (or $ARXIVBOT_SHARED); skips with a clear message without it. The shared
lists are evaluation labels only: nothing here feeds the shipped model.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ABSTRACTS, LISTINGS, LISTS, require_shared, seed_lists

CUTOFF = "2025-05-15"
TOPIC_LISTS = ("lwpyh", "HITsz-TMG", "TsinghuaC3I", "opendilab", "JLZhong23")
RL = ("reinforcement learning", "rl", "grpo", "rlhf", "rlvr", "dpo", "ppo", "reward",
      "rewards", "policy optimization", "policy optimisation")
MM = ("vision-language", "vision language", "multimodal", "multi-modal", "mllm", "mllms", "vlm",
      "vlms", "lvlm", "lvlms", "lmm", "lmms", "image", "images", "video", "videos", "visual")


def _pattern(terms: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b")


RL_RE, MM_RE = _pattern(RL), _pattern(MM)


@dataclass
class Split:
    name: str
    window: str
    train_pos: list  # Paper
    train_neg: list
    test: list
    labels: dict[str, np.ndarray]  # label set -> 0/1 per test paper
    days: int


def flags(papers: Sequence) -> np.ndarray:
    """RL, multimodal, both (title + abstract, lower-cased, whole words)."""
    out = np.zeros((len(papers), 3))
    for i, p in enumerate(papers):
        text = f"{p.title}\n{p.abstract}".lower()
        out[i, 0] = RL_RE.search(text) is not None
        out[i, 1] = MM_RE.search(text) is not None
    out[:, 2] = out[:, 0] * out[:, 1]
    return out


def text(p, title_times: int) -> str:
    return "\n".join([p.title] * title_times + [p.abstract])


def sk_scores(train_pos: list, train_neg: list, test: list, *, title_times: int = 1,
              facets: bool = False, lsa: float = 0.0, neg_share: float = 0.5,
              mapping: str = "z", lsa_dims: int = 128, **tfidf: object) -> np.ndarray:
    """The issue's recipe, plain scikit-learn; returns one score per test paper."""
    import scipy.sparse as sp
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold
    from sklearn.preprocessing import normalize

    train = train_pos + train_neg
    y = np.r_[np.ones(len(train_pos)), np.zeros(len(train_neg))]
    options = {"sublinear_tf": True, "min_df": 2, **tfidf}
    vec = TfidfVectorizer(**options)  # type: ignore[arg-type]
    x_train = vec.fit_transform([text(p, title_times) for p in train])
    x_test = vec.transform([text(p, title_times) for p in test])
    if facets:
        x_train = sp.hstack([x_train, sp.csr_matrix(flags(train))], format="csr")
        x_test = sp.hstack([x_test, sp.csr_matrix(flags(test))], format="csr")
    clf = LogisticRegression(class_weight="balanced", max_iter=2000)
    clf.fit(x_train, y)
    s_clf = clf.decision_function(x_test)
    if not lsa:
        return s_clf
    n_terms = len(vec.vocabulary_)
    svd = TruncatedSVD(n_components=lsa_dims, random_state=0)
    z_train = normalize(svd.fit_transform(x_train[:, :n_terms]))
    z_test = normalize(svd.transform(x_test[:, :n_terms]))
    centroid = z_train[y == 1].mean(0) - neg_share * z_train[y == 0].mean(0)
    centroid /= np.linalg.norm(centroid)
    s_lsa = z_test @ centroid
    # The negatives' distribution of each score: held-out (out-of-fold) negatives.
    oof_clf = np.zeros(len(train))
    oof_lsa = np.zeros(len(train))
    for fit_rows, held in StratifiedKFold(5, shuffle=True, random_state=0).split(x_train, y):
        fold = LogisticRegression(class_weight="balanced", max_iter=2000)
        fold.fit(x_train[fit_rows], y[fit_rows])
        oof_clf[held] = fold.decision_function(x_train[held])
        c = (z_train[fit_rows][y[fit_rows] == 1].mean(0)
             - neg_share * z_train[fit_rows][y[fit_rows] == 0].mean(0))
        oof_lsa[held] = z_train[held] @ (c / np.linalg.norm(c))
    neg = y == 0
    if mapping == "z":
        a = (s_clf - oof_clf[neg].mean()) / oof_clf[neg].std()
        b = (s_lsa - oof_lsa[neg].mean()) / oof_lsa[neg].std()
    else:  # "rank": share of held-out negatives below the score
        a = np.searchsorted(np.sort(oof_clf[neg]), s_clf) / neg.sum()
        b = np.searchsorted(np.sort(oof_lsa[neg]), s_lsa) / neg.sum()
    return (1 - lsa) * a + lsa * b


VARIANTS: dict[str, Callable[[Split], np.ndarray]] = {
    "untuned": lambda s: sk_scores(s.train_pos, s.train_neg, s.test),
    "+title x3": lambda s: sk_scores(s.train_pos, s.train_neg, s.test, title_times=3),
    "+facets": lambda s: sk_scores(s.train_pos, s.train_neg, s.test, facets=True),
    "+lsa blend": lambda s: sk_scores(s.train_pos, s.train_neg, s.test, lsa=0.5),
    "untuned gated": lambda s: sk_scores(s.train_pos, s.train_neg, s.test)
    + 100.0 * flags(s.test)[:, 2],
    "all three": lambda s: sk_scores(s.train_pos, s.train_neg, s.test, title_times=3,
                                     facets=True, lsa=0.5),
    "all + rank map": lambda s: sk_scores(s.train_pos, s.train_neg, s.test, title_times=3,
                                         facets=True, lsa=0.5, mapping="rank"),
}


def load() -> tuple:
    from arxivbot.catalog.parse import read_catalog
    from arxivbot.commands.eval import _label_ids
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    lists = {p.name: read_catalog(p).entries for p in seed_lists()}
    papers = replay.read_papers([LISTINGS])
    abstracts = {p.id: p for p in replay.read_papers([ABSTRACTS])}
    data = build_training_set(lists, papers, abstracts=abstracts)
    topic = {path.name.split("__")[0]: path for path in sorted(LISTS.glob("*__*.md"))}
    ids = {name: _label_ids(path) for name, path in topic.items()}
    return data, papers, ids


def held_ids_of(ids: dict[str, set[str]], held: str) -> set[str]:
    """A topic list's ids, or the union of several ("lwpyh+HITsz-TMG")."""
    return set().union(*(ids[name] for name in held.split("+")))


def make_split(data, papers, ids: dict[str, set[str]], held: str, window: str) -> Split:
    from arxivbot.model.evaluate import full_days
    from arxivbot.model.generalisation import split

    training, train_ids, held_ids = split(data, papers, held, CUTOFF, held_ids_of(ids, held))
    complete = full_days(papers, ("cs.CV", "cs.CL"))
    later = sorted({p.date for p in papers if p.date > CUTOFF})
    if window == "eval":  # arxivbot eval: full days up to the held-out list's last paper
        dates = {p.id: p.date for p in papers}
        later_ids = [dates[i] for i in held_ids if i in dates and dates[i] > CUTOFF]
        if not later_ids:
            raise LookupError(f"{held}: no paper after {CUTOFF} in the listings")
        last = max(later_ids)
        test = [p for p in papers if CUTOFF < p.date <= last and p.date in complete
                and p.id not in train_ids]
    else:  # the issue's: every paper of the next N announcement days
        days = set(later[: int(window)])
        test = [p for p in papers if p.date in days and p.id not in train_ids]
    wider = set().union(*(ids[name] for name in TOPIC_LISTS))
    labels = {"list": np.array([p.id in held_ids for p in test], dtype=int),
              "wider": np.array([p.id in held_ids or p.id in wider for p in test], dtype=int)}
    return Split(held, window, list(training.positives), list(training.negatives), test,
                 labels, len({p.date for p in test}))


def shipped(s: Split) -> np.ndarray:
    from arxivbot.model import classifier

    model = classifier.train(s.train_pos, s.train_neg)
    return np.array([r.score for r in model.score(s.test, max_per_day=None, nearest=False)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", default=",".join(TOPIC_LISTS))
    parser.add_argument("--windows", default="eval,54")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--no-shipped", action="store_true")
    args = parser.parse_args()
    require_shared()
    if not LISTS.is_dir():
        sys.exit(f"the shared topic lists are not at {LISTS}")
    from sklearn.metrics import average_precision_score

    data, papers, ids = load()
    print(f"training positives: {len(data.positives)} "
          f"({sum(1 for p in data.positives if not p.abstract)} title only)")
    variants = {name: VARIANTS[name] for name in args.variants.split(",")}
    if not args.no_shipped:
        variants["shipped recipe"] = shipped
    print("| held out | window | days | papers | pos list / wider | method | AP list | AP wider |")
    print("|---|---|---|---|---|---|---|---|")
    for held in args.lists.split(","):
        for window in args.windows.split(","):
            try:
                s = make_split(data, papers, ids, held, window)
            except LookupError as exc:
                print(f"| {held} | {window} | skipped: {exc} |")
                continue
            for name, variant in variants.items():
                start = time.perf_counter()
                scores = variant(s)
                ap = {k: average_precision_score(y, scores) for k, y in s.labels.items()}
                print(f"| {held} | {window} | {s.days} | {len(s.test)} | "
                      f"{s.labels['list'].sum()} / {s.labels['wider'].sum()} | {name} | "
                      f"{ap['list']:.3f} | {ap['wider']:.3f} |  "
                      f"({time.perf_counter() - start:.0f} s)",
                      flush=True)


if __name__ == "__main__":
    main()
