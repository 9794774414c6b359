"""The model file's canonical text and digest: the one definition of a model's identity.

``render`` writes a model's content (a JSON-ready dict) as stable text: sorted keys, the long
lists one item per line, so that the file reads well in a diff, and every number cut to a
fixed number of significant digits: ``TERM_DIGITS`` (6) in the long per-term lists (``terms``:
idf and weight; ``low_rank_components``), ``SCALAR_DIGITS`` (8) everywhere else (intercept,
calibration, scales, threshold, centroid, facet weights). ``content_digest`` is the sha256
of that text without the ``digest`` key; a model's version is its first 12 hex digits
(``RelevanceModel.version``), a pure function of the content, never stamped on afterwards.

Why the cut: the same training on another machine (another BLAS, another thread count)
(OpenBLAS kernels measured: Haswell vs Prescott) differs by ~1e-12..1e-11 in the weights,
which at 8 digits renamed the rebuilt model about once per rebuild (0.9 weights expected to
round the other way). 6 digits on the 20k weights put that noise ~100x under the rounding
step (~0.01-0.2 flips expected per rebuild, measured); the ~10 scalars keep 8 because the
score subtracts numbers of size ~6 (intercept minus the negatives' mean), where 6 digits
would move scores by 1e-5. Measured on 9,748 papers: every score within 3.1e-7 (1.3e-6
relative) of the full-precision model's, the same papers selected. Rounding is idempotent,
so a file written this way renders to the same text whether or not it is cut again.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

FORMAT = "arxivbot-relevance-model"
FORMAT_VERSION = 3  # 2: facet flags and the low-rank score; 3: numbers cut to 6 digits
# (files of versions 1 and 2 still load)
VERSION_DIGITS = 12  # hex digits of the digest that name a model
# Significant digits of the numbers in a model file from format version 3 on (the file's
# precision). Files of versions 1 and 2 were written in full and are checked as written.
TERM_DIGITS = 6  # in the one-item-per-line lists (the per-term numbers)
SCALAR_DIGITS = 8  # every other number
_ONE_ITEM_PER_LINE = ("entries", "entry_texts", "terms", "low_rank_components")


def significant(value: float, digits: int) -> float:
    """``value`` cut to ``digits`` significant digits (round half even on its decimal form)."""
    return float(f"{value:.{digits}g}")


def _cut(value: Any, digits: int) -> Any:
    """``value`` with every float in it (in lists and dicts too) cut to ``digits``."""
    if isinstance(value, float):
        return significant(value, digits)
    if isinstance(value, list | tuple):
        return [_cut(item, digits) for item in value]
    if isinstance(value, dict):
        return {key: _cut(item, digits) for key, item in value.items()}
    return value


def render(body: dict[str, Any], *, exact: bool = False) -> str:
    """Stable JSON text: sorted keys, the long lists one item per line, every float cut to
    ``TERM_DIGITS`` in those lists and ``SCALAR_DIGITS`` elsewhere (``exact``: the numbers as
    they are, for a body read from a file, whose numbers are already cut when it is valid)."""
    if not exact:
        body = {key: _cut(value, TERM_DIGITS if key in _ONE_ITEM_PER_LINE else SCALAR_DIGITS)
                for key, value in body.items()}
    lines = ["{"]
    items = sorted(body.items())
    for position, (key, value) in enumerate(items):
        comma = "," if position < len(items) - 1 else ""
        if key in _ONE_ITEM_PER_LINE and value:
            lines.append(f"  {json.dumps(key)}: [")
            for i, item in enumerate(value):
                text = json.dumps(item, sort_keys=True, ensure_ascii=False, allow_nan=False)
                lines.append(f"    {text}{',' if i < len(value) - 1 else ''}")
            lines.append(f"  ]{comma}")
        else:
            text = json.dumps(value, sort_keys=True, ensure_ascii=False, allow_nan=False)
            lines.append(f"  {json.dumps(key)}: {text}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"


def content_digest(body: dict[str, Any], *, exact: bool = False) -> str:
    """sha256 of the rendered body without its ``digest`` key (``exact``: see ``render``)."""
    unsigned = {key: value for key, value in body.items() if key != "digest"}
    return hashlib.sha256(render(unsigned, exact=exact).encode("utf-8")).hexdigest()
