"""An honest backtest over time, and the two baselines it is compared with.

For each cutoff date the model is trained only on what was known that day (list papers
announced by then, listings up to then), then every paper of every full listing day after
it is scored, with the lists' later papers as the positives. "Full" days are days whose
listing has every category the bot reads (a day missing cs.CV would flatter every method).
The test window ends at the lists' last paper: after it, nothing is labelled.

Two baselines run on the same papers:
- **keyword**: the filter peers use, RL terms AND multimodal terms in title + abstract. It
  proposes every match and ranks nothing: a match scores 1, anything else 0 (ties keep the
  listing's order for recall@k).
- **keyword-ranked**: the same filter with its matches ordered by how many terms hit: a
  stronger baseline than peers publish, reported so the margin is not flattered.
- **similarity**: TF-IDF cosine to the closest list entry, no classifier; its threshold is
  chosen like the model's (leave-one-out similarity of the list's own papers reaching the
  recall target) under the same per-day cap.

Pure: papers in, figures out; the command writes the report and the plot.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np

from arxivbot import progress
from arxivbot.model import classifier
from arxivbot.model.training_data import TrainingSet, known_by
from arxivbot.records import Paper

Method = Literal["model", "keyword", "keyword-ranked", "similarity"]
MODEL: Final = "model"
KEYWORD: Final = "keyword"
KEYWORD_RANKED: Final = "keyword-ranked"
SIMILARITY: Final = "similarity"
METHODS: tuple[Method, ...] = (MODEL, KEYWORD, KEYWORD_RANKED, SIMILARITY)
KS = (10, 25)

# The filter peers use: an RL term AND a multimodal term (one home: the classifier's facets).
RL_TERMS = classifier.RL_TERMS
MULTIMODAL_TERMS = classifier.MULTIMODAL_TERMS


def _any_of(terms: Sequence[str]) -> re.Pattern[str]:
    return re.compile(r"\b(?:" + "|".join(map(re.escape, terms)) + r")\b", re.IGNORECASE)


_RL = _any_of(RL_TERMS)
_MULTIMODAL = _any_of(MULTIMODAL_TERMS)


def keyword_hits(text: str) -> int:
    """Matched terms when the text has RL terms AND multimodal terms; else 0."""
    rl = len(_RL.findall(text))
    multimodal = len(_MULTIMODAL.findall(text))
    return rl + multimodal if rl and multimodal else 0


@dataclass
class MethodResult:
    """One method's figures on one cutoff's test days."""

    name: str
    average_precision: float
    recall_at_threshold: float
    candidates_per_day: float
    recall_at: dict[int, float]  # k -> share of positives in their day's top k
    per_day: list[dict[str, Any]] = field(default_factory=list)
    curve: tuple[list[float], list[float]] = ((), ())  # type: ignore[assignment]  # recall, precision


@dataclass
class CutoffResult:
    cutoff: str
    first_test_day: str
    last_test_day: str
    test_days: int
    test_papers: int
    test_positives: int
    positives_not_in_listings: list[str]
    train_positives: int
    train_title_only: int
    train_negatives: int
    threshold: float
    model_version: str
    out_of_fold: dict[str, Any]
    methods: dict[Method, MethodResult]


@dataclass
class Backtest:
    cutoffs: list[CutoffResult]
    max_per_day: int | None
    recall_target: float
    params: dict[str, Any]

    def summary(self) -> dict[str, Any]:
        """The figures a model card records: the mean over cutoffs, per method."""
        result: dict[str, Any] = {
            "cutoffs": [c.cutoff for c in self.cutoffs],
            "test_positives": sum(c.test_positives for c in self.cutoffs),
            "max_per_day": self.max_per_day,
        }
        for name in METHODS:
            results = [c.methods[name] for c in self.cutoffs]
            figures = {
                "average_precision": _mean(r.average_precision for r in results),
                "recall_at_threshold": _mean(r.recall_at_threshold for r in results),
                "candidates_per_day": _mean(r.candidates_per_day for r in results),
            }
            for k in KS:
                figures[f"recall_at_{k}"] = _mean(r.recall_at[k] for r in results)
            if name == MODEL:
                result.update(figures)
            else:
                result[name] = figures
        return result


def full_days(papers: Sequence[Paper], categories: Sequence[str]) -> set[str]:
    """Days whose listing has at least one paper in every one of ``categories``."""
    seen: dict[str, set[str]] = {}
    for paper in papers:
        seen.setdefault(paper.date, set()).update(paper.categories)
    return {day for day, cats in seen.items() if day and all(c in cats for c in categories)}


def run_backtest(
    data: TrainingSet,
    listings: Sequence[Paper],
    cutoffs: Sequence[str],
    *,
    list_ids: set[str] | None = None,
    end: str | None = None,
    categories: Sequence[str] = ("cs.CV", "cs.CL"),
    max_per_day: int | None = 10,
    params: classifier.ModelParams | None = None,
) -> Backtest:
    """Train at each cutoff on what was known then; score the full days after it.

    ``data`` is the training set built from all the listings without ``until``;
    ``list_ids`` are every arXiv id on the lists (default: ``data``'s positives);
    ``end`` is the last test day (default: the latest list paper's date).
    """
    params = params or classifier.ModelParams()
    list_ids = set(list_ids or {p.id for p in data.positives})
    dated = [p.date for p in data.positives if p.date]
    end = end or (max(dated) if dated else None)
    complete = full_days(listings, categories)
    results = []
    for cutoff in progress.track(sorted(cutoffs), "backtest", "cutoffs"):
        known = data.until(cutoff)
        model = classifier.train(
            known.positives, known.negatives, entries=known.entries,
            hard_negatives=known.hard_negatives, params=params,
        )
        test = [p for p in listings if p.date > cutoff and (not end or p.date <= end)
                and p.date in complete]
        if not test:
            raise ValueError(f"cutoff {cutoff}: no full listing day after it (up to {end})")
        labels = np.array([p.id in list_ids for p in test])
        later = {p.id for p in data.positives
                 if not known_by(p, cutoff) and not (end and p.date and p.date > end)}
        missing = sorted(later - {p.id for p in test})
        days = [p.date for p in test]

        scored = model.score(test, max_per_day=max_per_day, nearest=False)
        model_scores = np.array([s.score for s in scored])
        model_selected = np.array([s.selected for s in scored])

        keyword_scores = np.array([keyword_hits(p.text) for p in test], dtype=float)
        keyword_selected = keyword_scores > 0
        keyword_binary = keyword_selected.astype(float)

        similarity_scores, similarity_threshold = _similarity(model, known, test, params)
        similarity_selected = classifier.select(
            similarity_scores, days, similarity_threshold, max_per_day
        )
        methods: dict[Method, MethodResult] = {
            MODEL: _figures(MODEL, model_scores, model_selected, labels, days),
            KEYWORD: _figures(KEYWORD, keyword_binary, keyword_selected, labels, days),
            KEYWORD_RANKED: _figures(
                KEYWORD_RANKED, keyword_scores, keyword_selected, labels, days
            ),
            SIMILARITY: _figures(
                SIMILARITY, similarity_scores, similarity_selected, labels, days
            ),
        }
        results.append(
            CutoffResult(
                cutoff=cutoff,
                first_test_day=min(days),
                last_test_day=max(days),
                test_days=len(set(days)),
                test_papers=len(test),
                test_positives=int(labels.sum()),
                positives_not_in_listings=missing,
                train_positives=len(known.positives),
                train_title_only=len(known.title_only),
                train_negatives=len(known.negatives),
                threshold=model.threshold,
                model_version=model.version,
                out_of_fold=dataclasses.asdict(model.card.out_of_fold)
                if model.card.out_of_fold else {},
                methods=methods,
            )
        )
    return Backtest(results, max_per_day, params.recall_target, params.to_dict())


def _similarity(
    model: classifier.RelevanceModel,
    known: TrainingSet,
    test: Sequence[Paper],
    params: classifier.ModelParams,
) -> tuple[np.ndarray, float]:
    """Max cosine of each test paper to the known list papers, and a threshold for it."""
    positives = model.vectorize([p.text for p in known.positives])
    scores = np.asarray((model.vectorize([p.text for p in test]) @ positives.T).max(axis=1)
                        .toarray()).ravel()
    if positives.shape[0] < 2:
        return scores, 0.0
    inner = (positives @ positives.T).toarray()
    np.fill_diagonal(inner, -1.0)  # leave each one out: its nearest *other* list paper
    threshold = classifier.threshold_for_recall(inner.max(axis=1).tolist(), params.recall_target)
    return scores, float(threshold)


def _figures(
    name: str, scores: np.ndarray, selected: np.ndarray, labels: np.ndarray, days: Sequence[str]
) -> MethodResult:
    from sklearn.metrics import average_precision_score, precision_recall_curve

    positives = int(labels.sum())
    ap = float(average_precision_score(labels, scores)) if positives else math.nan
    per_day = []
    hits = dict.fromkeys(KS, 0)
    day_rows: dict[str, list[int]] = {}
    for i, day in enumerate(days):
        day_rows.setdefault(day, []).append(i)
    for day in sorted(day_rows):
        rows = np.array(day_rows[day])
        order = rows[np.argsort(-scores[rows], kind="stable")]
        day_labels = labels[rows]
        row: dict[str, Any] = {
            "day": day,
            "papers": len(rows),
            "positives": int(day_labels.sum()),
            "candidates": int(selected[rows].sum()),
            "selected_positives": int((selected[rows] & labels[rows]).sum()),
        }
        for k in KS:
            found = int(labels[order[:k]].sum())
            hits[k] += found
            row[f"top{k}"] = found
        row["average_precision"] = (
            float(average_precision_score(day_labels, scores[rows])) if day_labels.any()
            else None
        )
        per_day.append(row)
    if positives:
        precision, recall, _ = precision_recall_curve(labels, scores)
        curve = (recall.tolist(), precision.tolist())
    else:
        curve = ([], [])
    return MethodResult(
        name=name,
        average_precision=ap,
        recall_at_threshold=float((selected & labels).sum() / positives) if positives else math.nan,
        candidates_per_day=float(selected.sum()) / len(day_rows),
        recall_at={k: (hits[k] / positives if positives else math.nan) for k in KS},
        per_day=per_day,
        curve=curve,
    )


def _mean(values: Any) -> float:
    items = [v for v in values if not math.isnan(v)]
    return float(sum(items) / len(items)) if items else math.nan


# --------------------------------------------------------------------------- the report


def _f(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


def render_markdown(result: Backtest, *, command: str = "", data_note: str = "",
                    plot: str | None = "backtest-pr.png") -> str:
    """The backtest report (docs/backtest.md); ``plot``: the PNG beside it, if drawn."""
    summary = result.summary()
    lines = [
        "# Backtest of the relevance model",
        "",
        "The figures are produced by `arxivbot eval` and replaced on every run"
        + (f":\n\n```\n{command}\n```" if command else "."),
        "",
        "For each cutoff the model is trained only on list papers and listings announced on "
        "or before it, then every paper of every full listing day after it (up to the lists' "
        "last paper) is scored; the lists' later papers are the positives. Selection: score ≥ "
        f"threshold (chosen for {result.recall_target:.0%} recall on held-out list papers) "
        f"and at most {result.max_per_day} per day. Baselines on the same papers: **keyword** "
        "(RL terms AND multimodal terms in title + abstract, the filter peers use: it "
        "proposes every match and ranks nothing), **keyword-ranked** (the same matches ordered "
        "by how many terms hit: stronger than what peers publish) and **similarity** (max "
        "TF-IDF cosine to the list's papers, no classifier; threshold chosen the same way, "
        "same cap).",
        "",
        "Keyword terms (whole words, any case): RL = " + ", ".join(RL_TERMS)
        + "; multimodal = " + ", ".join(MULTIMODAL_TERMS) + ".",
        "",
    ]
    if data_note:
        lines += [data_note, ""]
    lines += [
        "## Summary (mean over cutoffs)",
        "",
        "| method | average precision | recall at threshold | candidates / day | recall@10 "
        "| recall@25 |",
        "|---|---|---|---|---|---|",
    ]
    for name in METHODS:
        figures = summary if name == MODEL else summary[name]
        lines.append(
            f"| {name} | {_f(figures['average_precision'])} | "
            f"{_f(figures['recall_at_threshold'])} | {_f(figures['candidates_per_day'], 1)} | "
            f"{_f(figures['recall_at_10'])} | {_f(figures['recall_at_25'])} |"
        )
    ratios = []
    for name in (KEYWORD, KEYWORD_RANKED):
        base = summary[name]["average_precision"]
        if base and not math.isnan(base):
            ratios.append(f"{summary['average_precision'] / base:.1f}× the {name} baseline's")
    if ratios:
        lines += ["", "Model average precision: " + ", ".join(ratios) + "."]
    if plot:
        lines += ["", f"![precision-recall and candidates/day against recall]({plot})"]
    lines.append("")
    for cut in result.cutoffs:
        lines += [
            f"## Cutoff {cut.cutoff}",
            "",
            f"- trained on {cut.train_positives} list papers ({cut.train_title_only} on their "
            f"title only) and {cut.train_negatives} other papers; model {cut.model_version}, "
            f"threshold {cut.threshold:.4g}; out-of-fold AP "
            f"{_f(cut.out_of_fold.get('average_precision'))}",
            f"- tested on {cut.test_papers} papers of {cut.test_days} full days, "
            f"{cut.first_test_day} … {cut.last_test_day}: {cut.test_positives} positives"
            + (f"; later list papers not in these listings, so never scored: "
               f"{', '.join(cut.positives_not_in_listings)}"
               if cut.positives_not_in_listings else ""),
            "",
            "| method | AP | recall at threshold | candidates / day | recall@10 | recall@25 |",
            "|---|---|---|---|---|---|",
        ]
        for name in METHODS:
            m = cut.methods[name]
            lines.append(
                f"| {name} | {_f(m.average_precision)} | {_f(m.recall_at_threshold)} | "
                f"{_f(m.candidates_per_day, 1)} | {_f(m.recall_at[10])} | {_f(m.recall_at[25])} |"
            )
        lines += [
            "",
            "Per day, for " + " / ".join(METHODS) + ": candidates, positives among them, "
            "positives in the day's top 10.",
            "",
            "| day | papers | positives | model AP | candidates | selected pos. | top-10 pos. |",
            "|---|---|---|---|---|---|---|",
        ]
        days = [cut.methods[name].per_day for name in METHODS]
        for same_day in zip(*days, strict=True):
            first = same_day[0]
            lines.append(
                f"| {first['day']} | {first['papers']} | {first['positives']} | "
                f"{_f(first['average_precision'], 2)} | "
                + " / ".join(str(d["candidates"]) for d in same_day) + " | "
                + " / ".join(str(d["selected_positives"]) for d in same_day) + " | "
                + " / ".join(str(d["top10"]) for d in same_day) + " |"
            )
        lines.append("")
    return "\n".join(lines)
