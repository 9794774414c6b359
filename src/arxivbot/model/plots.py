"""The eval report's plots, one PNG per protocol: precision against recall, and candidates a
day against recall (what a maintainer would have to read to reach that recall).

Needs the ``[eval]`` extra (matplotlib); ``available()`` says whether it is installed, so the
command can write the report without plots and say so in one line. Pure: results in, PNG
bytes out (no timestamp in the metadata: the same run gives the same bytes).

Candidates a day against recall is one threshold over all test days (no daily cap): the
papers scoring at least the score of the k-th best positive, divided by the days.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from arxivbot.model.evaluate import Backtest
    from arxivbot.model.generalisation import OutOfList

EXTRA_NOTE = ("matplotlib is not installed, so the report has no plots: "
              "pip install 'arxivbot[eval]' to draw them")
COLOURS = {"model": "tab:blue", "keyword": "tab:red", "keyword-ranked": "tab:orange",
           "similarity": "tab:green", "tfidf-lr": "tab:purple"}


def available() -> bool:
    """Whether matplotlib (the ``[eval]`` extra) can be imported."""
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _per_day(recall: Sequence[float], precision: Sequence[float], positives: int,
             days: int) -> tuple[list[float], list[float]]:
    """(recall, candidates a day) from a precision-recall curve: proposed = found / precision."""
    points = [(r, r * positives / p / days) for r, p in zip(recall, precision, strict=True)
              if p > 0 and r > 0 and days]
    return [r for r, _ in points], [c for _, c in points]


def _axes(axis: Any, title: str, per_day: bool) -> None:
    axis.set_title(title, fontsize=9)
    axis.set_xlabel("recall")
    axis.set_xlim(0, 1.02)
    axis.grid(alpha=0.3)
    if per_day:
        axis.set_ylabel("candidates / day (one threshold)")
        axis.set_yscale("log")
    else:
        axis.set_ylabel("precision")
        axis.set_ylim(0, 1.02)
    axis.legend(fontsize=7, loc="upper left" if per_day else "upper right")


def _png(figure: Any) -> bytes:
    import matplotlib.pyplot as plt

    figure.tight_layout()
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=100, metadata={"Software": None})
    plt.close(figure)
    return buffer.getvalue()


def _figure(columns: int) -> tuple[Any, Any]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt.subplots(2, columns, figsize=(4.6 * columns, 8.0), squeeze=False)


def backtest_png(result: Backtest) -> bytes:
    """The in-time backtest: per cutoff, precision-recall (top) and candidates/day (bottom)."""
    from arxivbot.model.evaluate import KEYWORD, METHODS

    figure, axes = _figure(len(result.cutoffs))
    for column, cut in enumerate(result.cutoffs):
        days = len(next(iter(cut.methods.values())).per_day)
        for name in METHODS:
            m = cut.methods[name]
            label = f"{name} (AP {m.average_precision:.2f})"
            if name == KEYWORD:  # a filter ranks nothing: one operating point, not a curve
                chosen = sum(day["candidates"] for day in m.per_day)
                hits = sum(day["selected_positives"] for day in m.per_day)
                axes[0][column].plot([m.recall_at_threshold], [hits / chosen if chosen else 0],
                                     "o", color=COLOURS[name], label=label)
                axes[1][column].plot([m.recall_at_threshold], [m.candidates_per_day], "o",
                                     color=COLOURS[name], label=label)
                continue
            recall, precision = m.curve
            axes[0][column].step(recall, precision, where="post", color=COLOURS[name],
                                 label=label)
            axes[1][column].plot(*_per_day(recall, precision, cut.test_positives, days),
                                 color=COLOURS[name], label=label)
        model = cut.methods["model"]
        axes[1][column].plot([model.recall_at_threshold], [model.candidates_per_day], "x",
                             color="black", label="model at its threshold")
        title = f"cutoff {cut.cutoff}: {cut.test_positives} positives, {cut.test_papers} papers"
        _axes(axes[0][column], title, per_day=False)
        _axes(axes[1][column], title, per_day=True)
    return _png(figure)


def out_of_list_png(result: OutOfList) -> bytes:
    """Out of list, out of time: per held-out list and label set, precision-recall (top) and
    candidates/day (bottom) for the model and the baselines of the same run."""
    from arxivbot.model.generalisation import KEYWORD, METHODS, WIDER_LABELS

    panels = [(held, labels, per_method) for held in result.held_out
              for labels, per_method in held.figures.items()]
    figure, axes = _figure(len(panels))
    for column, (held, labels, per_method) in enumerate(panels):
        for name in [m for m in METHODS if m in per_method]:
            f = per_method[name]
            label = f"{name} (AP {f.average_precision:.2f})"
            if name == KEYWORD:
                chosen = f.candidates_per_day * held.test_days
                found = f.recall_at_threshold * f.positives
                axes[0][column].plot([f.recall_at_threshold], [found / chosen if chosen else 0],
                                     "o", color=COLOURS[name], label=label)
                axes[1][column].plot([f.recall_at_threshold], [f.candidates_per_day], "o",
                                     color=COLOURS[name], label=label)
                continue
            recall, precision, per_day = f.curve
            axes[0][column].step(recall, precision, where="post", color=COLOURS[name],
                                 label=label)
            axes[1][column].plot(recall, per_day, color=COLOURS[name], label=label)
        model = per_method["model"]
        axes[1][column].plot([model.recall_at_threshold], [model.candidates_per_day], "x",
                             color="black", label="model at its threshold")
        short = held.list.removesuffix(".md")[:38]
        kind = "wider labels" if labels == WIDER_LABELS else "its own labels"
        title = f"{short}\n{kind}: {per_method['model'].positives} positives, {held.test_days} days"
        _axes(axes[0][column], title, per_day=False)
        _axes(axes[1][column], title, per_day=True)
    return _png(figure)
