"""The model card: what a model was trained on, with which settings, and how well it did.

One typed record (``ModelCard``), turned into JSON and back only here (``to_dict`` /
``from_dict``); everything else reads its fields. The card is documentation that travels
beside the model file (``default.json`` → ``default.card.json``): it is not part of the
model's content or digest, so a card that cannot be read is an empty card, never an error.

Keys this arxivbot does not know (a newer version's, or a hand-written note) are kept in
``extra`` and written back as they were.
"""

from __future__ import annotations

import dataclasses
import hashlib
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

R = TypeVar("R")


@dataclass(frozen=True, slots=True)
class Counts:
    """The training papers: list papers, other papers, rejected proposals."""

    positives: int = 0
    negatives: int = 0
    hard_negatives: int = 0


@dataclass(frozen=True, slots=True)
class FacetUse:
    """Whether the facet flags were used: the share of list papers showing every facet."""

    share_of_positives_with_all: float | None = None
    used: bool = False


@dataclass(frozen=True, slots=True)
class OutOfFold:
    """The model's own cross-validation on its training data."""

    folds: int = 0
    average_precision: float | None = None
    recall_at_threshold: float | None = None


@dataclass(frozen=True, slots=True)
class ThresholdRule:
    """How the threshold was chosen: for recall on held-out list papers, then the budget."""

    recall_target: float = 0.9
    threshold_for_recall: float = 0.0
    daily_budget: float | None = None
    raised_by_budget: bool = False
    recent_days: int = 0
    recent_candidates_per_day: float = 0.0


@dataclass(frozen=True, slots=True)
class TrainingData:
    """What the model learnt from: counts, where the list papers' texts came from, a digest."""

    positives: int = 0
    positives_with_abstract: int = 0
    positives_title_only: int = 0
    positive_text_sources: dict[str, int] = field(default_factory=dict)
    title_only_ids: list[str] = field(default_factory=list)
    list_entries_with_arxiv_id: dict[str, int] = field(default_factory=dict)
    negatives: int = 0
    hard_negatives: int = 0
    listing_days: dict[str, str | None] = field(default_factory=dict)  # first, last
    negatives_rule: str = ""
    sha256: str = ""


@dataclass(frozen=True, slots=True)
class Feedback:
    """The maintainers' decisions the model was retrained with."""

    decision_records: int = 0
    accepted: int = 0
    rejected: int = 0
    accepted_since_last_model: int = 0
    rejected_since_last_model: int = 0


@dataclass(frozen=True, slots=True)
class Retrain:
    """What a retrain compared and decided."""

    previous_model: str = ""
    comparison: dict[str, Any] = field(default_factory=dict)
    kept: bool = False
    forced: bool = False
    reason: str = ""


@dataclass(frozen=True, slots=True)
class ApiNegatives:
    """Negatives fetched from the arXiv API (training without listings)."""

    first_day: str = ""
    last_day: str = ""
    papers: int = 0
    requests: int = 0


_RECORDS: dict[str, type] = {
    "counts": Counts, "facets": FacetUse, "out_of_fold": OutOfFold,
    "threshold_rule": ThresholdRule, "training_data": TrainingData, "feedback": Feedback,
    "retrain": Retrain, "api_negatives": ApiNegatives,
}
_SEQUENCES = ("lists", "listings")


@dataclass(frozen=True)
class ModelCard:
    """Everything a model card says. Sections a model does not have yet are None."""

    # identity, stamped when the model is saved
    model_file: str | None = None
    model_version: str | None = None
    model_sha256: str | None = None
    format: str | None = None
    format_version: int | None = None
    library_versions: dict[str, str] = field(default_factory=dict)
    hyperparameters: dict[str, Any] = field(default_factory=dict)
    threshold: float | None = None
    # training (the classifier's part)
    counts: Counts | None = None
    vocabulary_size: int | None = None
    facets: FacetUse | None = None
    out_of_fold: OutOfFold | None = None
    threshold_rule: ThresholdRule | None = None
    # training (the data's and the command's part)
    training_data: TrainingData | None = None
    lists: tuple[str, ...] = ()  # the lists trained on, as paths
    list_digests: dict[str, str] = field(default_factory=dict)  # list path -> sha256 then
    listings: tuple[str, ...] = ()
    api_negatives: ApiNegatives | None = None  # without listings: what the API gave
    abstracts: str | None = None
    until: str | None = None
    all_listings: bool = False
    # evaluation (``arxivbot eval --card``): figure tables, see evaluate / generalisation
    backtest: dict[str, Any] | None = None
    out_of_list: dict[str, Any] | None = None
    # the product scenario (benchmarks/own_list_later_months.py): each list trained on alone,
    # scored on its later months
    own_list: dict[str, Any] | None = None
    # retraining
    feedback: Feedback | None = None
    retrain: Retrain | None = None
    extra: dict[str, Any] = field(default_factory=dict)  # keys this arxivbot does not know

    def but(self, **changes: Any) -> ModelCard:
        """A copy with ``changes`` (field names) applied."""
        return dataclasses.replace(self, **changes)

    # ------------------------------------------------------------------ what readers ask

    @property
    def backtest_ap(self) -> float | None:
        """Average precision of the model's backtest, when the card records one."""
        return _number((self.backtest or {}).get("average_precision"))

    @property
    def out_of_list_ap(self) -> float | None:
        """The headline: average precision on lists (and months) the recipe was not trained on,
        from ``arxivbot eval --out-of-list`` (the list labels, the model's own row)."""
        return _number(self._out_of_list_model().get("average_precision"))

    @property
    def out_of_list_recall(self) -> float | None:
        """Recall at the model's own threshold in that same out-of-list backtest."""
        return _number(self._out_of_list_model().get("recall_at_threshold"))

    def _out_of_list_model(self) -> Mapping[str, Any]:
        labels = (self.out_of_list or {}).get("list")
        row = labels.get("model") if isinstance(labels, Mapping) else None
        return row if isinstance(row, Mapping) else {}

    @property
    def out_of_fold_ap(self) -> float | None:
        return _number(self.out_of_fold.average_precision) if self.out_of_fold else None

    @property
    def hard_negatives(self) -> int:
        """Rejected proposals trained on (0 when the card does not say)."""
        for part in (self.training_data, self.counts):
            if part is not None and isinstance(part.hard_negatives, int):
                return part.hard_negatives
        return 0

    @property
    def decision_records(self) -> int:
        """Decision records the model was (re)trained with (0 when none)."""
        value = self.feedback.decision_records if self.feedback else 0
        return value if isinstance(value, int) and not isinstance(value, bool) else 0

    # ------------------------------------------------------------------ JSON

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready values: one key per field (``extra`` spread at the top level)."""
        body: dict[str, Any] = dict(self.extra)
        for f in dataclasses.fields(self):
            if f.name == "extra":
                continue
            value = getattr(self, f.name)
            if dataclasses.is_dataclass(value) and not isinstance(value, type):
                value = dataclasses.asdict(value)
            elif f.name in _SEQUENCES:
                value = list(value)
            body[f.name] = value
        return body

    @classmethod
    def from_dict(cls, data: Any) -> ModelCard:
        """The card ``data`` describes; parts of the wrong shape are left out (None)."""
        if not isinstance(data, Mapping):
            return cls()
        known = {f.name for f in dataclasses.fields(cls)} - {"extra"}
        values: dict[str, Any] = {}
        for key in known & set(data):
            value = data[key]
            if key in _RECORDS:
                values[key] = _record(_RECORDS[key], value)
            elif key in _SEQUENCES:
                values[key] = tuple(str(v) for v in value) if isinstance(value, list) else ()
            elif key in ("library_versions", "hyperparameters", "list_digests"):
                values[key] = dict(value) if isinstance(value, Mapping) else {}
            elif key in ("backtest", "out_of_list", "own_list"):
                values[key] = dict(value) if isinstance(value, Mapping) else None
            elif key == "all_listings":
                values[key] = value is True
            else:
                values[key] = value
        extra = {key: value for key, value in data.items() if key not in known}
        return cls(**values, extra=extra)


def trained_on(card: ModelCard, list_path: str) -> bool:
    """Whether the card names ``list_path`` (a path relative to the list's repository) among
    the lists the model was trained on: the one rule for "this model was trained on this list"
    (``run``'s warning, the PR body, the action's choice of a model).

    A list is the file at its path: a list edited since training is still the same list (its
    digest then differs, see ``edited_since``), and another list holding the same papers is not.
    """
    return _trained_path(card, list_path) is not None


def edited_since(card: ModelCard, list_path: str, content: bytes) -> bool:
    """Whether the list the model was trained on at ``list_path`` now holds other bytes than
    the digest the card recorded then (False when the card records none)."""
    path = _trained_path(card, list_path)
    recorded = card.list_digests.get(path) if path is not None else None
    return recorded is not None and recorded != hashlib.sha256(content).hexdigest()


def _trained_path(card: ModelCard, list_path: str) -> str | None:
    wanted = Path(list_path).parts
    return next((p for p in card.lists if Path(p).parts[-len(wanted):] == wanted), None)


def _record(kind: type[R], value: Any) -> R | None:
    if not isinstance(value, Mapping):
        return None
    names = {f.name for f in dataclasses.fields(kind)}  # type: ignore[arg-type]
    try:
        return kind(**{key: v for key, v in value.items() if key in names})
    except TypeError:
        return None


def _number(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value):
        return float(value)
    return None
