"""The model file's canonical text and digest: the one definition of a model's identity.

``render`` writes a model's content (a JSON-ready dict) as stable text: sorted keys, the long
lists one item per line, so that the file reads well in a diff. ``content_digest`` is the
sha256 of that text without the ``digest`` key; a model's version is its first 12 hex digits
(``RelevanceModel.version``), a pure function of the content, never stamped on afterwards.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

FORMAT = "arxivbot-relevance-model"
FORMAT_VERSION = 2  # 2: facet flags and the low-rank score (a version-1 file still loads)
VERSION_DIGITS = 12  # hex digits of the digest that name a model
_ONE_ITEM_PER_LINE = ("entries", "entry_texts", "terms", "low_rank_components")


def render(body: dict[str, Any]) -> str:
    """Stable JSON text: sorted keys, the long lists one item per line."""
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


def content_digest(body: dict[str, Any]) -> str:
    """sha256 of the rendered body without its ``digest`` key."""
    unsigned = {key: value for key, value in body.items() if key != "digest"}
    return hashlib.sha256(render(unsigned).encode("utf-8")).hexdigest()
