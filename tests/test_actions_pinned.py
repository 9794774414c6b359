"""Every third-party action is pinned by commit SHA with its tag beside it, and Dependabot
keeps the pins fresh: a moved tag cannot change what the workflows run."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
USES = re.compile(r"^\s*-?\s*uses:\s*(\S+)(.*)$", re.MULTILINE)
PINNED = re.compile(r"^[\w.-]+/[\w./-]+@[0-9a-f]{40}$")
TAG = re.compile(r"#\s*v\d+(\.\d+)*\s*$")


def action_files() -> list[Path]:
    return [ROOT / "action.yml", *sorted((ROOT / ".github" / "workflows").glob("*.yml"))]


def test_every_action_is_pinned_by_sha_with_its_tag() -> None:
    """Every third-party action is pinned by commit SHA with its version tag in a comment."""
    seen = 0
    for path in action_files():
        for match in USES.finditer(path.read_text(encoding="utf-8")):
            ref, rest = match[1], match[2]
            if ref.startswith("./"):
                continue
            seen += 1
            assert PINNED.match(ref), f"{path.name}: {ref} is not pinned by commit SHA"
            assert TAG.search(rest), f"{path.name}: {ref} lacks its '# vX.Y.Z' comment"
    assert seen >= 5


def test_dependabot_updates_the_actions() -> None:
    """Dependabot keeps the pinned actions up to date."""
    text = (ROOT / ".github" / "dependabot.yml").read_text(encoding="utf-8")
    assert "package-ecosystem: github-actions" in text
