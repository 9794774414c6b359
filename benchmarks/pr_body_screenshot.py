"""Render a real PR body the way GitHub does (cmarkgfm, GitHub's cmark fork) and screenshot
its first screen (1280 x 900, headless Chromium), for docs/pr_body.png.

The body is the one ``arxivbot run`` writes for seed list 001 on a replayed day of the
shared listings, with the shipped model. Also prints the rendered page's height and how many
papers' table rows are on the first screen.

Run from the repository root: ``.venv/bin/python benchmarks/pr_body_screenshot.py
[--day 2025-05-20]``. Needs ``pip install cmarkgfm`` and a Chromium (``apt-get install
chromium-headless-shell``); reads ../shared and exits with a message when absent.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from arxivbot.config import Settings
from arxivbot.jobs import daily
from arxivbot.model.store import load_model
from arxivbot.publish.local import LocalPublisher
from arxivbot.sources.day import load_day
from common import LISTINGS, ROOT, require_shared, seed_lists

CSS = """
body { font-family: -apple-system, BlinkMacSystemFont, "Segoe UI", "Noto Sans", Helvetica,
       Arial, sans-serif; font-size: 14px; line-height: 1.5; color: #1f2328; margin: 0; }
.page { max-width: 1012px; margin: 16px auto; border: 1px solid #d1d9e0; border-radius: 6px; }
.head { background: #f6f8fa; border-bottom: 1px solid #d1d9e0; padding: 8px 16px; }
.markdown-body { padding: 16px; }
table { border-collapse: collapse; display: block; overflow: auto; margin: 0 0 16px; }
th, td { border: 1px solid #d1d9e0; padding: 6px 13px; }
tr:nth-child(2n) { background: #f6f8fa; }
code { background: #eff1f3; border-radius: 6px; padding: .2em .4em; font-size: 85%; }
a { color: #0969da; text-decoration: none; }
details { margin: 0 0 8px; }
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--day", default="2025-05-20")
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "pr_body.png")
    args = parser.parse_args()
    require_shared()
    try:
        import cmarkgfm
        from cmarkgfm.cmark import Options
    except ImportError:
        sys.exit("needs cmarkgfm: .venv/bin/pip install cmarkgfm")
    browser = shutil.which("chromium-headless-shell") or shutil.which("chromium") or \
        next((str(p) for p in Path("/usr/lib/chromium").glob("chrom*") if p.is_file()), None)
    if browser is None:
        sys.exit("needs Chromium: apt-get install chromium-headless-shell")

    seed = seed_lists()[1]
    with tempfile.TemporaryDirectory() as tmp:
        repo = Path(tmp) / "list"
        repo.mkdir()
        shutil.copyfile(seed, repo / "README.md")
        for command in (["init", "-q", "--initial-branch=main"], ["add", "README.md"],
                        ["-c", "user.name=x", "-c", "user.email=x@x.invalid", "commit", "-q",
                         "-m", "list"]):
            subprocess.run(["git", "-C", str(repo), *command], check=True)
        listing = load_day(Settings().arxiv, date=args.day, replay=[LISTINGS])
        report = daily.run(listing, LocalPublisher(repo, "README.md"), load_model(None),
                           Settings())
        # GitHub keeps <details>/<summary> (its sanitiser allows them); cmark's safe mode
        # would drop them, so render unsafe: every untrusted value is escaped already.
        html = cmarkgfm.github_flavored_markdown_to_html(
            report.body, options=Options.CMARK_OPT_UNSAFE
        )
        page = Path(tmp) / "pr.html"
        page.write_text(
            f"<!doctype html><meta charset=utf-8><style>{CSS}</style><div class=page>"
            f"<div class=head><b>arxivbot</b> commented</div><div class=markdown-body>{html}"
            "</div></div>", encoding="utf-8")
        args.out.parent.mkdir(parents=True, exist_ok=True)
        subprocess.run([browser, "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", f"--screenshot={args.out}",
                        "--window-size=1280,900", page.as_uri()],
                       check=True, capture_output=True, timeout=120)
    print(f"{report.title}")
    print(f"{len(report.candidates)} papers in the table, {len(report.waiting)} waiting; "
          f"body {len(report.body)} characters; screenshot {args.out}")


if __name__ == "__main__":
    main()
