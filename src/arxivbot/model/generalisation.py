"""The out-of-list, out-of-time backtest: does the ranking hold on a list it never saw?

For each list given (the *held-out* list), a model is trained on the **other** lists' papers
announced by the cutoff and on the listings up to the cutoff; then every paper of every full
listing day after the cutoff (up to the held-out list's last paper) is scored. The positives
are the held-out list's papers that are on none of the training lists. Papers on a training
list are taken out of the test days (they are on-topic by another list's judgement, neither a
positive nor a negative of this one), and the held-out list's papers up to the cutoff stay
ordinary negatives of training: the model learns nothing from the list it is tested on.

**Wider labels** (``label_ids``): papers held by other curated lists on the topic count as
positives of the test days too (labels from one list are incomplete). They are used for
evaluation only: nothing learned from them reaches training.

Every method is measured on the same papers: the model (the shipped recipe), the keyword
gate (RL terms AND multimodal terms: proposes every match, ranks nothing; ranked by hits for
the curve), and an untuned scikit-learn TF-IDF + logistic regression.

Pure: papers in, figures out.
"""

from __future__ import annotations

import builtins
import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Final, Literal

import numpy as np

from arxivbot.model import classifier
from arxivbot.model.evaluate import full_days, keyword_hits
from arxivbot.model.training_data import TrainingSet, known_by
from arxivbot.records import Paper

Method = Literal["model", "keyword", "tfidf-lr"]
LabelSet = Literal["list", "wider"]
MODEL: Final = "model"
KEYWORD: Final = "keyword"
UNTUNED: Final = "tfidf-lr"
METHODS: tuple[Method, ...] = (MODEL, KEYWORD, UNTUNED)
KS = (3, 10)
LIST_LABELS: Final = "list"
WIDER_LABELS: Final = "wider"
RECALL_POINT = 0.9

Trainer = Callable[[TrainingSet, classifier.ModelParams], classifier.RelevanceModel]


@dataclass
class Figures:
    """One method's figures on one held-out list and one label set."""

    average_precision: float
    recall_at_threshold: float
    candidates_per_day: float
    candidates_per_day_at_recall: float  # at RECALL_POINT, the best any threshold gives
    precision_at_recall: float
    recall_at: dict[int, float]  # k -> share of positives in their day's top k
    positives: int
    # The best recall any one threshold reaches without proposing more than the daily budget
    # a day on average over the test days: what the budget allows, whatever the threshold.
    recall_at_budget: float = math.nan
    # (recall, precision, candidates a day) at each positive's rank, one threshold over all
    # days: the plot's curves (not in to_dict: the card records figures, not curves)
    curve: tuple[list[float], list[float], list[float]] = field(
        default_factory=lambda: ([], [], []), repr=False)

    def to_dict(self) -> dict[str, Any]:
        return {
            "average_precision": self.average_precision,
            "recall_at_threshold": self.recall_at_threshold,
            "candidates_per_day": self.candidates_per_day,
            "candidates_per_day_at_recall_0.9": self.candidates_per_day_at_recall,
            "precision_at_recall_0.9": self.precision_at_recall,
            **{f"recall_at_{k}": v for k, v in self.recall_at.items()},
            "recall_at_budget": self.recall_at_budget,
            "positives": self.positives,
        }


@dataclass
class HeldOut:
    """The figures for one held-out list."""

    list: str
    train_lists: builtins.list[str]  # `list` is a field name here
    train_positives: int
    train_negatives: int
    test_days: int
    test_papers: int
    first_test_day: str
    last_test_day: str
    threshold: float
    figures: dict[LabelSet, dict[Method, Figures]]  # label set -> method -> figures
    leaked: int = 0  # test positives found in training (must stay 0)


@dataclass
class OutOfList:
    cutoff: str
    held_out: list[HeldOut]
    max_per_day: int | None
    params: dict[str, Any] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # list -> its papers after the cutoff
    daily_budget: float | None = None  # candidates a day that ``recall_at_budget`` allows

    def label_sets(self) -> list[LabelSet]:
        return [s for s in (LIST_LABELS, WIDER_LABELS)
                if all(s in h.figures for h in self.held_out)]

    def summary(self) -> dict[str, Any]:
        """Mean over held-out lists, per label set and method."""
        result: dict[str, Any] = {"cutoff": self.cutoff,
                                  "held_out": [h.list for h in self.held_out],
                                  "max_per_day": self.max_per_day,
                                  "daily_budget": self.daily_budget}
        for labels in self.label_sets():
            result[labels] = {}
            for method in [m for m in METHODS if m in self.held_out[0].figures[labels]]:
                rows = [h.figures[labels][method].to_dict() for h in self.held_out]
                result[labels][method] = {
                    key: _mean(row[key] for row in rows) for key in rows[0]
                    if key != "positives"
                }
                result[labels][method]["positives"] = sum(row["positives"] for row in rows)
        return result


def split(
    data: TrainingSet, listings: Sequence[Paper], held_out: str, cutoff: str,
    held_ids: Iterable[str] = (),
) -> tuple[TrainingSet, set[str], set[str]]:
    """(training set, training-list ids, held-out ids) for one held-out list.

    Training: the other lists' papers known by ``cutoff``; negatives every listing paper up to
    ``cutoff`` that is on no training list (the held-out list's papers included). A list of
    ``data`` is held out by its name; another list by ``held_ids`` (its papers).
    """
    train_ids = {e.id for e in data.entries if e.list != held_out}
    held_ids = ({e.id for e in data.entries if e.list == held_out} | set(held_ids)) - train_ids
    positives = tuple(p for p in data.positives if p.id in train_ids and known_by(p, cutoff))
    known = {p.id for p in positives}
    negatives = tuple(
        Paper(id=p.id, title=p.title, abstract=p.abstract, date=p.date)
        for p in listings if p.date and p.date <= cutoff and p.id not in train_ids
    )
    training = TrainingSet(
        positives=positives,
        entries=tuple(e for e in data.entries if e.id in known and e.list != held_out),
        negatives=negatives,
        text_sources={i: s for i, s in data.text_sources.items() if i in known},
        negatives_rule=f"listings up to the cutoff {cutoff}",
    )
    return training, train_ids, held_ids


def default_trainer(data: TrainingSet, params: classifier.ModelParams
                    ) -> classifier.RelevanceModel:
    return classifier.train(data.positives, data.negatives, entries=data.entries, params=params)


def run_out_of_list(
    data: TrainingSet,
    listings: Sequence[Paper],
    cutoff: str,
    *,
    label_ids: Iterable[str] = (),
    other_lists: Mapping[str, Iterable[str]] | None = None,
    min_positives: int = 5,
    end: str | None = None,
    categories: Sequence[str] = ("cs.CV", "cs.CL"),
    max_per_day: int | None = 10,
    params: classifier.ModelParams | None = None,
    trainer: Trainer = default_trainer,
    baselines: bool = True,
) -> OutOfList:
    """Hold out each list in turn (see the module docstring).

    The lists of ``data`` are held out in turn, trained on the others; each of
    ``other_lists`` (name -> its arXiv ids; lists that only label) is held out against all the
    lists of ``data``. A held-out list with fewer than ``min_positives`` papers in the test
    days is skipped (``OutOfList.skipped`` says so). ``end`` caps every test window.
    """
    params = params or classifier.ModelParams()
    budget = params.daily_budget or None
    wider = set(label_ids)
    others = {name: set(ids) for name, ids in (other_lists or {}).items()}
    lists = list(dict.fromkeys(e.list for e in data.entries))
    if len(lists) + len(others) < 2:
        raise ValueError("the out-of-list backtest needs at least two lists")
    complete = full_days(listings, categories)
    dates = {p.id: p.date for p in listings if p.date}
    dates.update({p.id: p.date for p in data.positives if p.date})
    results = []
    skipped: dict[str, int] = {}
    for held in [*lists, *others]:
        training, train_ids, held_ids = split(data, listings, held, cutoff,
                                              others.get(held, ()))
        ends = [dates[i] for i in held_ids
                if i in dates and dates[i] > cutoff and (end is None or dates[i] <= end)]
        last = max(ends) if ends else None
        if len(ends) < min_positives or last is None:
            skipped[held] = len(ends)
            continue
        test = [p for p in listings if cutoff < p.date <= last
                and p.date in complete and p.id not in train_ids]
        if not test:
            raise ValueError(f"{held}: no full listing day after {cutoff}")
        trained_ids = {p.id for p in training.positives} | {p.id for p in training.negatives}
        model = trainer(training, params)
        days = [p.date for p in test]
        scored = model.score(test, max_per_day=max_per_day, nearest=False)
        scores: dict[Method, np.ndarray] = {MODEL: np.array([s.score for s in scored])}
        selected: dict[Method, np.ndarray] = {MODEL: np.array([s.selected for s in scored])}
        if baselines:
            hits = np.array([keyword_hits(p.text) for p in test], dtype=float)
            scores[KEYWORD], selected[KEYWORD] = hits, hits > 0
            untuned = untuned_tfidf_lr(training, test)
            scores[UNTUNED] = untuned
            selected[UNTUNED] = classifier.select(untuned, days, 0.5, max_per_day)
        label_sets: dict[LabelSet, np.ndarray] = {
            LIST_LABELS: np.array([p.id in held_ids for p in test])}
        if wider:
            label_sets[WIDER_LABELS] = np.array(
                [p.id in held_ids or (p.id in wider) for p in test])
        figures = {
            name: {m: figures_for(scores[m], selected[m], labels, days, budget=budget)
                   for m in scores}
            for name, labels in label_sets.items()
        }
        test_positive_ids = {p.id for p, y in zip(test, label_sets[LIST_LABELS], strict=True)
                             if y}
        results.append(HeldOut(
            list=held,
            train_lists=[name for name in lists if name != held],
            train_positives=len(training.positives),
            train_negatives=len(training.negatives),
            test_days=len(set(days)),
            test_papers=len(test),
            first_test_day=min(days),
            last_test_day=max(days),
            threshold=model.threshold,
            figures=figures,
            leaked=len(test_positive_ids & trained_ids),
        ))
    if not results:
        raise ValueError(f"no held-out list has {min_positives} papers after {cutoff}")
    return OutOfList(cutoff, results, max_per_day, params.to_dict(), skipped, budget)


def untuned_tfidf_lr(training: TrainingSet, test: Sequence[Paper]) -> np.ndarray:
    """scikit-learn's TfidfVectorizer + LogisticRegression, defaults but balanced classes."""
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    texts = [p.text for p in training.positives] + [p.text for p in training.negatives]
    labels = np.r_[np.ones(len(training.positives)), np.zeros(len(training.negatives))]
    vectorizer = TfidfVectorizer(sublinear_tf=True, min_df=2)
    matrix = vectorizer.fit_transform(texts)
    model = LogisticRegression(class_weight="balanced", max_iter=1000).fit(matrix, labels)
    return np.asarray(model.predict_proba(vectorizer.transform([p.text for p in test]))[:, 1])


def figures_for(
    scores: np.ndarray, selected: np.ndarray, labels: np.ndarray, days: Sequence[str],
    *, budget: float | None = None,
) -> Figures:
    """AP, the operating point at the threshold and at recall 0.9, recall@k per day, and the
    best recall within ``budget`` candidates a day (one threshold over all days)."""
    from sklearn.metrics import average_precision_score

    positives = int(labels.sum())
    n_days = len(set(days))
    if not positives:
        nan = math.nan
        return Figures(nan, nan, float(selected.sum()) / n_days, nan, nan,
                       dict.fromkeys(KS, nan), 0)
    order = np.argsort(-scores, kind="stable")
    found = np.cumsum(labels[order])
    need = math.ceil(RECALL_POINT * positives - 1e-9)
    at = int(np.searchsorted(found, need))  # first rank reaching the recall point
    cut = scores[order[at]]
    chosen = int((scores >= cut).sum())  # ties at the cut are all proposed
    hits = int(labels[scores >= cut].sum())
    day_rows: dict[str, list[int]] = {}
    for i, day in enumerate(days):
        day_rows.setdefault(day, []).append(i)
    top = dict.fromkeys(KS, 0)
    for rows_list in day_rows.values():
        rows = np.array(rows_list)
        ranked = rows[np.argsort(-scores[rows], kind="stable")]
        for k in KS:
            top[k] += int(labels[ranked[:k]].sum())
    ranks = np.flatnonzero(labels[order]) + 1.0  # 1-based rank of each positive
    counted = np.arange(1, len(ranks) + 1, dtype=float)  # positives found at that rank
    curve = ((counted / positives).tolist(), (counted / ranks).tolist(),
             (ranks / n_days).tolist())
    return Figures(
        recall_at_budget=(recall_within(scores, labels, budget * n_days)
                          if budget is not None else math.nan),
        curve=curve,
        average_precision=float(average_precision_score(labels, scores)),
        recall_at_threshold=float((selected & labels).sum() / positives),
        candidates_per_day=float(selected.sum()) / n_days,
        candidates_per_day_at_recall=chosen / n_days,
        precision_at_recall=hits / chosen,
        recall_at={k: top[k] / positives for k in KS},
        positives=positives,
    )


def recall_within(scores: np.ndarray, labels: np.ndarray, allowed: float) -> float:
    """The largest share of positives one threshold finds proposing at most ``allowed``
    papers (ties at the threshold are all proposed, so a tie never sneaks past the limit)."""
    limit = math.floor(allowed + 1e-9)
    positives = int(labels.sum())
    if not positives or limit < 1:
        return 0.0 if positives else math.nan
    ordered = np.sort(scores)[::-1]
    cut = ordered[min(limit, len(ordered)) - 1]
    if int((scores >= cut).sum()) > limit:  # ties spill past the limit: the next score up
        higher = ordered[ordered > cut]
        if not len(higher):
            return 0.0
        cut = higher.min()
    return float(labels[scores >= cut].sum()) / positives


def _mean(values: Iterable[float]) -> float:
    items = [v for v in values if not math.isnan(v)]
    return float(sum(items) / len(items)) if items else math.nan


def _f(value: float | None, digits: int = 3) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    return f"{value:.{digits}f}"


COLUMNS = ("AP", "recall at thr.", "cand./day at thr.", "cand./day at recall 0.9",
           "precision at recall 0.9", "recall@3/day", "recall@10/day", "best recall at budget")


def _row(name: str, f: Mapping[str, float]) -> str:
    return (f"| {name} | {_f(f['average_precision'])} | {_f(f['recall_at_threshold'])} | "
            f"{_f(f['candidates_per_day'], 1)} | {_f(f['candidates_per_day_at_recall_0.9'], 1)}"
            f" | {_f(f['precision_at_recall_0.9'])} | {_f(f['recall_at_3'])} | "
            f"{_f(f['recall_at_10'])} | {_f(f.get('recall_at_budget'))} |")


def render_markdown(result: OutOfList, *, plot: str | None = None) -> str:
    """The out-of-list section of the backtest report (``plot``: the PNG beside it)."""
    summary = result.summary()
    header = "| method | " + " | ".join(COLUMNS) + " |"
    rule = "|---" * (len(COLUMNS) + 1) + "|"
    lines = [
        "## Out of list, out of time",
        "",
        f"Each list held out in turn: trained on the other lists' papers and the listings up "
        f"to {result.cutoff}, tested on every full listing day after it (up to the held-out "
        "list's last paper); positives are the held-out list's papers on no training list. "
        "Papers on a training list are left out of the test days. *Wider labels* add the "
        "papers of other curated lists on the topic (`--label-list`, evaluation only). "
        f"Selection: score ≥ threshold, at most {result.max_per_day} a day; the keyword gate "
        "proposes every match; the untuned TF-IDF + LR proposes p ≥ 0.5.",
        "",
        "The product scenario, each list trained on alone and scored on its own later months "
        "(`benchmarks/own_list_later_months.py`, on lists nobody developed on), is in the "
        "notes below: *Own list, later months*.",
        "",
    ]
    if result.daily_budget:
        lines += [
            f"*Best recall at budget*: the largest share of positives that any one threshold "
            f"finds while proposing at most {result.daily_budget:g} papers a day on average over "
            "the test days (the recipe's daily budget), chosen on the test days themselves: a "
            "ceiling for recall at that budget under any rule that picks one threshold.",
            "",
        ]
    if result.skipped:
        lines += ["Not held out (too few papers after the cutoff): " + ", ".join(
            f"{name} ({n})" for name, n in result.skipped.items()) + ".", ""]
    names = {LIST_LABELS: "the held-out list's labels", WIDER_LABELS: "wider labels"}
    for labels in result.label_sets():
        lines += [f"### Mean over held-out lists, {names[labels]}", "", header, rule]
        lines += [_row(m, summary[labels][m]) for m in summary[labels]]
        lines.append("")
    if plot:
        lines += [f"![out of list: precision-recall and candidates/day against recall]({plot})",
                  ""]
    for held in result.held_out:
        lines += [
            f"### Held out: {held.list}",
            "",
            f"- trained on {', '.join(held.train_lists)}: {held.train_positives} list papers, "
            f"{held.train_negatives} negatives; threshold {held.threshold:.4g}",
            f"- tested on {held.test_papers} papers of {held.test_days} full days, "
            f"{held.first_test_day} … {held.last_test_day}",
            "",
        ]
        for labels, per_method in held.figures.items():
            positives = per_method[MODEL].positives
            lines += [f"{names[labels]} ({positives} positives):", "", header, rule]
            lines += [_row(m, per_method[m].to_dict()) for m in METHODS if m in per_method]
            lines.append("")
    return "\n".join(lines)


# --------------------------------------------------------------------------- own list, later


@dataclass
class OwnList:
    """The product scenario on one list: trained on that list alone up to the cutoff, tested
    on its later months (every full listing day after the cutoff, up to its last paper)."""

    list: str
    cutoff: str
    train_positives: int
    train_title_only: int  # training positives with no abstract: they train on their title
    train_negatives: int
    test_days: int
    test_papers: int
    first_test_day: str
    last_test_day: str
    threshold: float
    recent_candidates_per_day: float | None  # the threshold on the last training days
    figures: dict[Method, Figures]
    daily_budget: float | None = None
    facet_share: float | None = None  # share of the training positives with all facets
    facets_used: bool = False  # whether the recipe's facet flags were on for this list

    def summary(self) -> dict[str, Any]:
        return {"list": self.list, "cutoff": self.cutoff,
                "facet_share": self.facet_share, "facets_used": self.facets_used,
                "train_positives": self.train_positives,
                "train_title_only": self.train_title_only,
                "test_days": self.test_days, "test_papers": self.test_papers,
                "first_test_day": self.first_test_day, "last_test_day": self.last_test_day,
                "recent_candidates_per_day": self.recent_candidates_per_day,
                **{m: f.to_dict() for m, f in self.figures.items()}}


def run_own_list(
    data: TrainingSet,
    listings: Sequence[Paper],
    cutoff: str,
    *,
    name: str = "",
    end: str | None = None,
    categories: Sequence[str] = ("cs.CV", "cs.CL"),
    max_per_day: int | None = 10,
    params: classifier.ModelParams | None = None,
    trainer: Trainer = default_trainer,
    baselines: bool = True,
) -> OwnList:
    """Train on ``data`` (one list) as known at ``cutoff``; score every later full day.

    The positives of the test days are the list's papers announced after the cutoff (up to
    ``end``, default the list's latest paper). The keyword gate and the untuned TF-IDF + LR
    run on the same papers.
    """
    params = params or classifier.ModelParams()
    budget = params.daily_budget or None
    list_ids = {e.id for e in data.entries}
    dates = {p.id: p.date for p in listings if p.date}
    later = [dates[i] for i in list_ids if i in dates and dates[i] > cutoff
             and (end is None or dates[i] <= end)]
    if not later:
        raise ValueError(f"{name or 'the list'}: no paper in the listings after {cutoff}")
    last = max(later)
    complete = full_days(listings, categories)
    test = [p for p in listings if cutoff < p.date <= last and p.date in complete]
    if not test:
        raise ValueError(f"{name or 'the list'}: no full listing day after {cutoff}")
    training = data.until(cutoff)
    if not training.positives:
        raise ValueError(f"{name or 'the list'}: no paper announced by {cutoff}")
    model = trainer(training, params)
    days = [p.date for p in test]
    scored = model.score(test, max_per_day=max_per_day, nearest=False)
    scores: dict[Method, np.ndarray] = {MODEL: np.array([s.score for s in scored])}
    selected: dict[Method, np.ndarray] = {MODEL: np.array([s.selected for s in scored])}
    if baselines:
        hits = np.array([keyword_hits(p.text) for p in test], dtype=float)
        scores[KEYWORD], selected[KEYWORD] = hits, hits > 0
        untuned = untuned_tfidf_lr(training, test)
        scores[UNTUNED] = untuned
        selected[UNTUNED] = classifier.select(untuned, days, 0.5, max_per_day)
    labels = np.array([p.id in list_ids for p in test])
    rule = model.card.threshold_rule
    return OwnList(
        list=name,
        cutoff=cutoff,
        train_positives=len(training.positives),
        train_title_only=len(training.title_only),
        train_negatives=len(training.negatives),
        test_days=len(set(days)),
        test_papers=len(test),
        first_test_day=min(days),
        last_test_day=max(days),
        threshold=model.threshold,
        recent_candidates_per_day=rule.recent_candidates_per_day if rule else None,
        figures={m: figures_for(scores[m], selected[m], labels, days, budget=budget)
                 for m in scores},
        daily_budget=budget,
        facet_share=model.card.facets.share_of_positives_with_all if model.card.facets else None,
        facets_used=bool(model.card.facets and model.card.facets.used),
    )


def own_list_summary(results: Sequence[OwnList]) -> dict[str, Any]:
    """Mean over lists, per method (positives summed), and each list's figures."""
    methods = [m for m in METHODS if all(m in r.figures for r in results)]
    mean: dict[str, Any] = {}
    for method in methods:
        rows = [r.figures[method].to_dict() for r in results]
        mean[method] = {key: _mean(row[key] for row in rows) for key in rows[0]
                        if key != "positives"}
        mean[method]["positives"] = sum(row["positives"] for row in rows)
    return {"note": "the recipe trained on each list alone (its papers and the listings up to "
                    "the cutoff), tested on the full listing days after it; positives the "
                    "list's later papers",
            "lists": [r.list for r in results],
            "cutoff": results[0].cutoff if results else None,
            "daily_budget": results[0].daily_budget if results else None,
            "mean": mean, "per_list": [r.summary() for r in results]}


def render_own_list(results: Sequence[OwnList]) -> str:
    """A markdown table: one row per list, then the mean, for every method."""
    budget = results[0].daily_budget if results else None
    lines = ["| list | trained on (title only) | test days | positives | method | AP | "
             "recall at thr. | cand./day at thr. | "
             f"best recall at {budget or 0:g}/day |",
             "|---|---|---|---|---|---|---|---|---|"]
    for r in results:
        for i, (method, f) in enumerate(r.figures.items()):
            head = (f"| {r.list} | {r.train_positives} ({r.train_title_only}) | "
                    f"{r.test_days} | {f.positives} |" if i == 0 else "| | | | |")
            lines.append(f"{head} {method} | {_f(f.average_precision)} | "
                         f"{_f(f.recall_at_threshold)} | {_f(f.candidates_per_day, 1)} | "
                         f"{_f(f.recall_at_budget)} |")
    if results:
        summary = own_list_summary(results)
        for i, (method, f) in enumerate(summary["mean"].items()):
            head = (f"| **mean of {len(results)}** | "
                    f"{sum(r.train_positives for r in results)} "
                    f"({sum(r.train_title_only for r in results)}) | | {f['positives']} |"
                    if i == 0 else "| | | | |")
            lines.append(f"{head} {method} | {_f(f['average_precision'])} | "
                         f"{_f(f['recall_at_threshold'])} | "
                         f"{_f(f['candidates_per_day'], 1)} | {_f(f['recall_at_budget'])} |")
    return "\n".join(lines)
