"""Retrain the relevance model from what the maintainers decided, and keep it only if it is
not worse than the current one on the same backtest.

- **Positives**: the list's entries as they are now, so every accepted proposal (kept in a
  merged PR) is one; plus papers accepted by a comment command but not on the list.
- **Hard negatives**: papers whose latest decision is a rejection, weighted above ordinary
  negatives (``ModelParams.hard_negative_weight``).
- **Negatives**: the listings' other papers.

**The comparison.** ``evaluate.run_backtest`` is run twice with the same cutoff, the same
test days and the same labels (the list as it is now): once with the decisions the current
model was trained with (its card remembers how many), once with all of them. Both train only
on what was known at the cutoff, so a rejection counts in the backtest only if it was made
on or before the cutoff; the default cutoff leaves the last ``holdout_days`` listing days to
test on, and moves back to just before the latest list paper's day when no list paper was
announced after it. When the test days still hold no list paper (AP undefined), the two full
models' out-of-fold AP is compared instead (on different training data, so only a rough
guide), and the report says so. The new model is kept when its
figure is not below the current one's, or when forced.

Pure: papers, decisions and models in; an ``Outcome`` (the new model, its card, the PR title
and body) out. The command reads and writes the files and opens the pull request.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from arxivbot.errors import ModelError
from arxivbot.feedback.decisions import ACCEPTED, REJECTED, Decision, latest
from arxivbot.model import classifier, evaluate
from arxivbot.model.card import Feedback, ModelCard, Retrain
from arxivbot.model.classifier import ModelParams, RelevanceModel
from arxivbot.model.training_data import Lookup, TrainingSet, build_training_set
from arxivbot.records import CatalogEntry, Paper
from arxivbot.safe_text import safe_inline

ACCEPTED_LIST = "accepted by comment"  # pseudo-list of accepted papers the list lacks
HOLDOUT_DAYS = 5  # listing days after the default cutoff: a week of announcements
MAX_SCORE_ROWS = 25  # rejected papers listed in the PR body


@dataclass(frozen=True, slots=True)
class Since:
    """What the decisions file says, and how much of it is new since the current model."""

    accepted: frozenset[str]  # papers whose latest decision is an acceptance
    rejected: frozenset[str]  # ... a rejection
    accepted_since: int  # of those, decided after the current model was trained
    rejected_since: int
    known_rejected: frozenset[str]  # rejections the current model already learned from
    records: int  # decision records in the file now (the new card remembers it)


@dataclass(frozen=True, slots=True)
class Figures:
    """One model's figures on the comparison; None where they are undefined."""

    average_precision: float | None
    recall_at_threshold: float | None = None
    recall_at_10: float | None = None
    recall_at_25: float | None = None
    candidates_per_day: float | None = None
    threshold: float | None = None
    hard_negatives: int = 0


@dataclass(frozen=True, slots=True)
class Comparison:
    """The current and the new model on the same test, and what it was."""

    metric: str  # "backtest AP" | "out-of-fold AP"
    before: Figures
    after: Figures
    test: dict[str, Any] = field(default_factory=dict)  # cutoff, days, papers, positives
    note: str = ""

    @property
    def not_worse(self) -> bool | None:
        """True/False, or None when the figures cannot be compared."""
        a, b = self.before.average_precision, self.after.average_precision
        if a is None or b is None:
            return None
        return b >= a - 1e-9


@dataclass(frozen=True, slots=True)
class ScoreMove:
    id: str
    before: float
    after: float


@dataclass
class Outcome:
    """What a retrain produced and decided."""

    model: RelevanceModel  # the new model, trained on everything
    card: ModelCard  # the new model's card (training data, feedback, comparison)
    comparison: Comparison
    since: Since
    rejected_scores: list[ScoreMove]
    keep: bool  # write the new model (not worse, or forced)
    forced: bool
    reason: str
    title: str = ""
    body: str = ""


def since_last_model(decisions: Sequence[Decision], card: ModelCard) -> Since:
    """Split the decisions into those the current model knew and those made since."""
    seen = card.decision_records
    seen = max(0, min(seen, len(decisions)))
    now, then = latest(decisions), latest(decisions[:seen])
    new = latest(decisions[seen:])
    return Since(
        accepted=frozenset(i for i, d in now.items() if d.decision == ACCEPTED),
        rejected=frozenset(i for i, d in now.items() if d.decision == REJECTED),
        accepted_since=sum(1 for i, d in new.items()
                           if d.decision == ACCEPTED and now[i].decision == ACCEPTED),
        rejected_since=sum(1 for i, d in new.items()
                           if d.decision == REJECTED and now[i].decision == REJECTED),
        known_rejected=frozenset(i for i, d in then.items() if d.decision == REJECTED),
        records=len(decisions),
    )


def default_cutoff(listings: Sequence[Paper], holdout_days: int = HOLDOUT_DAYS) -> str | None:
    """The listing day that leaves ``holdout_days`` later days to test on."""
    days = sorted({p.date for p in listings if p.date})
    if len(days) < 2:
        return None
    return days[max(0, len(days) - 1 - holdout_days)]


def retrain(
    current: RelevanceModel,
    lists: Mapping[str, Sequence[CatalogEntry]],
    listings: Sequence[Paper],
    decisions: Sequence[Decision],
    *,
    abstracts: Mapping[str, Paper] | None = None,
    cached: Lookup | None = None,
    lookup: Lookup | None = None,
    params: ModelParams | None = None,
    cutoff: str | None = None,
    categories: Sequence[str] = ("cs.CV", "cs.CL"),
    max_per_day: int | None = 10,
    force: bool = False,
) -> Outcome:
    """Train a new model with all decisions; compare it with the current one; decide."""
    params = params or current.params
    since = since_last_model(decisions, current.card)
    lists = _with_comment_accepts(lists, since.accepted)

    def training_set(rejected: frozenset[str]) -> TrainingSet:
        return build_training_set(lists, listings, abstracts=abstracts, cached=cached,
                                  lookup=lookup, rejected_ids=rejected)

    new_data = training_set(since.rejected)
    old_data = training_set(since.known_rejected) if since.known_rejected != since.rejected \
        else new_data
    try:
        model = classifier.train(new_data.positives, new_data.negatives,
                                 entries=new_data.entries,
                                 hard_negatives=new_data.hard_negatives, params=params)
    except classifier.TrainingError as exc:
        raise ModelError(f"cannot retrain: {exc}") from exc

    comparison = _compare(current, model, old_data, new_data, listings,
                          cutoff or default_cutoff(listings), categories=categories,
                          max_per_day=max_per_day, params=params, movable=cutoff is None)
    moves = _score_moves(current, model, new_data.hard_negatives)
    verdict = comparison.not_worse
    keep = force or verdict is True
    if verdict is None:
        reason = "the figures cannot be compared (" + (comparison.note or "no test data") + ")"
    else:
        reason = (f"{'not worse' if verdict else 'worse'} than the current model "
                  f"({comparison.metric})")
    if force and verdict is not True:
        reason += "; kept because --force was given"
    card = model.card.but(
        training_data=new_data.card(),
        lists=current.card.lists,
        feedback=Feedback(
            decision_records=since.records,
            accepted=len(since.accepted),
            rejected=len(since.rejected),
            accepted_since_last_model=since.accepted_since,
            rejected_since_last_model=since.rejected_since,
        ),
        retrain=Retrain(
            previous_model=current.version,
            comparison=_comparison_card(comparison),
            kept=keep,
            forced=force,
            reason=reason,
        ),
    )
    outcome = Outcome(model, card, comparison, since, moves, keep, force, reason)
    outcome.title = title(comparison, since)
    outcome.body = body(outcome)
    return outcome


def title(comparison: Comparison, since: Since) -> str:
    """``Retrain: AP 0.41 → 0.47, 12 accepted / 5 rejected since last model``."""
    metric = "AP" if comparison.metric == "backtest AP" else comparison.metric
    return (f"Retrain: {metric} {_f(comparison.before.average_precision, 2)} → "
            f"{_f(comparison.after.average_precision, 2)}, {since.accepted_since} accepted / "
            f"{since.rejected_since} rejected since last model")


def body(outcome: Outcome) -> str:
    """The PR body: the decision, the comparison table, the rejected papers' scores."""
    c, since = outcome.comparison, outcome.since
    rows = [
        ("average precision", c.before.average_precision, c.after.average_precision),
        ("recall at threshold", c.before.recall_at_threshold, c.after.recall_at_threshold),
        ("recall@10 per day", c.before.recall_at_10, c.after.recall_at_10),
        ("recall@25 per day", c.before.recall_at_25, c.after.recall_at_25),
        ("candidates per day", c.before.candidates_per_day, c.after.candidates_per_day),
        ("threshold", c.before.threshold, c.after.threshold),
    ]
    lines = [
        f"**{'Keep' if outcome.keep else 'Do not keep'} the new model:** {outcome.reason}.",
        "",
        f"Decisions since the last model: **{since.accepted_since} accepted**, "
        f"**{since.rejected_since} rejected** ({len(since.accepted)} accepted and "
        f"{len(since.rejected)} rejected in all, {since.records} records).",
        "",
        f"### Comparison ({c.metric})",
        "",
    ]
    if c.test:
        t = c.test
        lines += [
            f"Both trained on what was known on {t['cutoff']}; tested on {t['test_papers']} "
            f"papers of {t['test_days']} full listing days ({t['first_test_day']} … "
            f"{t['last_test_day']}), {t['test_positives']} of them on the list.",
            "",
        ]
    if c.note:
        lines += [c.note, ""]
    lines += [
        "| | current model | new model |",
        "|---|---:|---:|",
        *(f"| {name} | {_f(a)} | {_f(b)} |" for name, a, b in rows if a is not None
          or b is not None),
        f"| hard negatives | {c.before.hard_negatives} | {c.after.hard_negatives} |",
        "",
        f"New model `{safe_inline(outcome.model.version)}` replaces "
        f"`{safe_inline(outcome.card.retrain.previous_model if outcome.card.retrain else '')}`.",
    ]
    if outcome.rejected_scores:
        moved = outcome.rejected_scores[:MAX_SCORE_ROWS]
        lines += [
            "",
            "### Rejected papers: score before → after",
            "",
            "The new model learned from these rejections; the daily run never proposes them "
            "again in any case.",
            "",
            "| paper | current model | new model |",
            "|---|---:|---:|",
            *(f"| [{m.id}](https://arxiv.org/abs/{m.id}) | {m.before:.3f} | {m.after:.3f} |"
              for m in moved),
        ]
        if len(outcome.rejected_scores) > len(moved):
            lines.append(f"\n_{len(outcome.rejected_scores) - len(moved)} more not shown._")
    return "\n".join(lines) + "\n"


def summary(outcome: Outcome) -> str:
    """A few lines for stdout and the job summary."""
    c = outcome.comparison
    lines = [outcome.title, f"{'keeping' if outcome.keep else 'not keeping'} the new model: "
             f"{outcome.reason}"]
    if c.test:
        lines.append(f"test: cutoff {c.test['cutoff']}, {c.test['test_days']} days, "
                     f"{c.test['test_papers']} papers, {c.test['test_positives']} on the list")
    if c.note:
        lines.append(c.note)
    if outcome.rejected_scores:
        mean_before = sum(m.before for m in outcome.rejected_scores) / len(outcome.rejected_scores)
        mean_after = sum(m.after for m in outcome.rejected_scores) / len(outcome.rejected_scores)
        lines.append(f"rejected papers ({len(outcome.rejected_scores)}): mean score "
                     f"{mean_before:.3f} → {mean_after:.3f}")
    return "\n".join(lines)


# ---- steps -------------------------------------------------------------------------------------


def _with_comment_accepts(
    lists: Mapping[str, Sequence[CatalogEntry]], accepted: frozenset[str]
) -> dict[str, Sequence[CatalogEntry]]:
    """The lists plus papers accepted by a comment but absent from every list."""
    on_lists = {e.arxiv_id for entries in lists.values() for e in entries if e.arxiv_id}
    extra = [
        CatalogEntry(line=0, end_line=0, section="", kind="paper", arxiv_id=paper_id,
                     title=paper_id, name=None, date=None)
        for paper_id in sorted(accepted - on_lists)
    ]
    return {**lists, ACCEPTED_LIST: extra} if extra else dict(lists)


def _compare(
    current: RelevanceModel,
    new: RelevanceModel,
    old_data: TrainingSet,
    new_data: TrainingSet,
    listings: Sequence[Paper],
    cutoff: str | None,
    *,
    categories: Sequence[str],
    max_per_day: int | None,
    params: ModelParams,
    movable: bool,
) -> Comparison:
    note = ""
    list_ids = {p.id for p in new_data.positives}
    if cutoff is not None and movable:
        earlier = cutoff_with_positives(listings, list_ids, cutoff)
        if earlier != cutoff:
            note = (f"no list paper was announced after {cutoff}, so the cutoff moved back to "
                    f"{earlier}; decisions made after it do not count in this comparison")
            cutoff = earlier
    if cutoff is not None:
        last_day = max((p.date for p in listings if p.date), default=None)
        try:
            before = _backtest(old_data, listings, cutoff, list_ids, last_day, categories,
                               max_per_day, params)
            after = _backtest(new_data, listings, cutoff, list_ids, last_day, categories,
                              max_per_day, params)
        except (ValueError, classifier.TrainingError) as exc:
            note = f"no backtest at {cutoff}: {exc}"
        else:
            result = after[1]
            test = {
                "cutoff": cutoff,
                "first_test_day": result.first_test_day,
                "last_test_day": result.last_test_day,
                "test_days": result.test_days,
                "test_papers": result.test_papers,
                "test_positives": result.test_positives,
            }
            if result.test_positives:
                return Comparison("backtest AP", before[0], after[0], test, note)
            note = (f"the {result.test_days} test days after {cutoff} hold no list paper, "
                    "so the backtest has no AP")
    else:
        note = "too few listing days for a backtest"
    # Fallback: the two full models' out-of-fold AP (their own cross-validation).
    return Comparison(
        "out-of-fold AP",
        Figures(_finite(current.card.out_of_fold_ap), threshold=current.threshold,
                hard_negatives=current.card.hard_negatives),
        Figures(_finite(new.card.out_of_fold_ap), threshold=new.threshold,
                hard_negatives=len(new_data.hard_negatives)),
        note=(note + "; " if note else "") + "compared on the models' out-of-fold AP instead",
    )


def cutoff_with_positives(listings: Sequence[Paper], list_ids: set[str], cutoff: str) -> str:
    """``cutoff``, or the latest earlier listing day with a list paper announced after it."""
    days = sorted({p.date for p in listings if p.date})
    positive_days = [p.date for p in listings if p.id in list_ids and p.date]
    if not positive_days or max(positive_days) > cutoff:
        return cutoff
    before = [d for d in days if d < max(positive_days)]
    return before[-1] if before else cutoff


def _backtest(
    data: TrainingSet,
    listings: Sequence[Paper],
    cutoff: str,
    list_ids: set[str],
    end: str | None,
    categories: Sequence[str],
    max_per_day: int | None,
    params: ModelParams,
) -> tuple[Figures, evaluate.CutoffResult]:
    result = evaluate.run_backtest(data, listings, [cutoff], list_ids=list_ids, end=end,
                                   categories=categories, max_per_day=max_per_day,
                                   params=params).cutoffs[0]
    method = result.methods[evaluate.MODEL]
    figures = Figures(
        average_precision=_finite(method.average_precision),
        recall_at_threshold=_finite(method.recall_at_threshold),
        recall_at_10=_finite(method.recall_at.get(10, math.nan)),
        recall_at_25=_finite(method.recall_at.get(25, math.nan)),
        candidates_per_day=_finite(method.candidates_per_day),
        threshold=result.threshold,
        hard_negatives=len(data.until(cutoff).hard_negatives),
    )
    return figures, result


def _score_moves(
    current: RelevanceModel, new: RelevanceModel, rejected: Sequence[Paper]
) -> list[ScoreMove]:
    """How each rejected paper's score moved, the biggest drops first."""
    if not rejected:
        return []
    before = current.score(rejected)
    after = new.score(rejected)
    moves = [ScoreMove(b.paper.id, b.score, a.score) for b, a in zip(before, after, strict=True)]
    moves.sort(key=lambda m: (m.after - m.before, m.id))
    return moves


def _comparison_card(c: Comparison) -> dict[str, Any]:
    return {"metric": c.metric, "before": dataclasses.asdict(c.before),
            "after": dataclasses.asdict(c.after), "test": c.test, "note": c.note}


def _finite(value: float | None) -> float | None:
    return None if value is None or math.isnan(value) else float(value)


def _f(value: float | None, digits: int = 3) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


