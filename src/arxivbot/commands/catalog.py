"""``arxivbot catalog LIST.md``: what a list holds, and how it writes an entry."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import click

from arxivbot.catalog.native import native_check
from arxivbot.catalog.parse import Catalog, read_catalog
from arxivbot.catalog.render import check_style as round_trip
from arxivbot.catalog.style import list_style
from arxivbot.records import CatalogEntry
from arxivbot.resources import package_path

EXAMPLE_LIST = "examples/awesome-example.md"


@click.command()
@click.argument("list_path", required=False, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="One JSON object per entry.")
@click.option("--check-style", is_flag=True, help="Re-render every entry and compare.")
@click.option(
    "--template",
    "template_path",
    type=click.Path(path_type=Path),
    help="A jinja2 entry template (e.g. config/entry.j2) to check instead of the inferred one.",
)
def catalog(
    list_path: Path | None, as_json: bool, check_style: bool, template_path: Path | None
) -> None:
    """Summarise an awesome-list: sections, entries, arXiv links, duplicates.

    Without LIST_PATH, reads the small example list shipped with arxivbot.

    Example: arxivbot catalog README.md --check-style
    """
    path = list_path or package_path(EXAMPLE_LIST)
    parsed = read_catalog(path)
    if as_json:
        for entry in parsed.entries:
            click.echo(_json_line(entry))
        return
    if check_style:
        _print_round_trip(parsed, template_path)
        return
    click.echo(summary(parsed))


def _json_line(entry: CatalogEntry) -> str:
    record = {
        "arxiv_id": entry.arxiv_id,
        "title": entry.title,
        "name": entry.name,
        "date": entry.date,
        "section": entry.section,
        "kind": entry.kind,
        "links": entry.links_dict,
        "line": entry.line,
        "end_line": entry.end_line,
    }
    # Undecodable bytes of the list come out as \udcXX escapes rather than breaking stdout.
    text = json.dumps(record, ensure_ascii=False)
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _printable(text: str) -> str:
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def summary(parsed: Catalog) -> str:
    """The human summary: sections with counts, arXiv coverage, duplicates, entry style."""
    counts = Counter(e.section for e in parsed.entries)
    lines = [f"{parsed.source}: {len(parsed.entries)} entries in {len(counts)} sections"]
    width = max((len(path or "(top)") for path in counts), default=0)
    for section in parsed.sections:
        if section.path in counts:
            label = section.path or "(top)"
            lines.append(f"  {label:<{width}}  {counts[section.path]:>4}  {section.kind}")
            counts.pop(section.path)
    for path, count in counts.items():  # entries above the first heading
        lines.append(f"  {path or '(top)':<{width}}  {count:>4}")
    papers = [e for e in parsed.entries if e.kind != "project"]
    linked = sum(1 for e in papers if e.arxiv_id)
    lines.append(
        f"papers: {len(papers)} ({linked} with an arXiv link, {len(papers) - linked} without); "
        f"projects: {len(parsed.entries) - len(papers)}"
    )
    duplicates = parsed.duplicates
    lines.append(f"duplicates: {len(duplicates)}")
    for group in duplicates:
        key = group[0].arxiv_id or group[0].title
        where = ", ".join(f"line {e.line} ({e.section or 'top'})" for e in group)
        lines.append(f"  {key}: {where}")
    lines.append(f"entry style: {list_style(parsed, skeletons=False).default.describe()}")
    return _printable("\n".join(lines))


def _print_round_trip(parsed: Catalog, template_path: Path | None) -> None:
    style = list_style(parsed)
    result = round_trip(parsed, template_override=template_path, style=style)
    native = native_check(parsed, style)
    click.echo(result.summary())
    click.echo(result.strict_summary())
    click.echo(native.summary())
    for item in result.diffs:
        click.echo(_printable(item.diff))
    if native.misses:
        click.echo("new entries that do not look like the entry they were rendered for:")
    for miss in native.misses:
        click.echo(_printable(miss.diff))
