"""`newsaudit factchecks …`: load published fact-checks into a local store and search it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from newsaudit.cli.options import (
    Command,
    FactChecksStoreOption,
    FormatOption,
    Group,
    OutputFormat,
    QuietOption,
    default_factchecks,
    fail,
    stderr,
)
from newsaudit.errors import NewsauditError

factchecks_app = typer.Typer(help="Published fact-checks: load them into a local store and search it.", cls=Group)


@factchecks_app.command("add", cls=Command)
def factchecks_add(
    files: Annotated[list[Path], typer.Argument(help="ClaimReview JSON/JSON-LD/JSONL/HTML files or LIAR .tsv files.")],
    db: FactChecksStoreOption = None,
    quiet: QuietOption = False,
) -> None:
    """Load published fact-checks into the store; adding the same ones again changes nothing. Files may be
    gzip'ed and in any encoding `audit` reads; every file is found before the store is opened.

    `newsaudit audit` matches claims against the default store (without --db) whenever it exists.

    Example: newsaudit factchecks add reviews.jsonld ../shared/data/liar/train.tsv
    """
    from newsaudit.stores.factchecks import FactCheckStore, read_factchecks

    path = db or default_factchecks()
    added = unchanged = 0
    skipped = []
    try:
        readers = [(file, read_factchecks(file)) for file in files]  # a missing file fails here, before any write
        with FactCheckStore(path) as store:
            for file, records in readers:
                result = store.add(records)
                added, unchanged = added + result.added, unchanged + result.unchanged
                skipped += result.skipped
                if not quiet:
                    stderr.print(
                        f"{file}: {result.added} added, {result.unchanged} already there, "
                        f"{len(result.skipped)} skipped",
                        soft_wrap=True,
                        highlight=False,
                    )
            total = len(store)
    except (NewsauditError, OSError) as error:
        fail(error)
    for item in skipped[:20]:
        stderr.print(Text(f"skipped {item.where}: {item.reason}", style="yellow"), soft_wrap=True)
    if len(skipped) > 20:
        stderr.print(Text(f"… and {len(skipped) - 20} more skipped", style="yellow"))
    typer.echo(
        json.dumps(
            {"store": str(path), "added": added, "unchanged": unchanged, "skipped": len(skipped), "total": total}
        )
    )


@factchecks_app.command("search", cls=Command)
def factchecks_search(
    text: Annotated[str, typer.Argument(help="A claim to look up.")],
    db: FactChecksStoreOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many fact-checks to show.")] = 5,
    format: FormatOption = OutputFormat.text,
) -> None:
    """The published fact-checks closest to a claim, best first, as a table, a JSON array, JSON Lines or an
    HTML page.

    Example: newsaudit factchecks search "The state cut school funding by a third"
    """
    from newsaudit.schema import plain
    from newsaudit.stores.factchecks import FactCheckStore

    path = db or default_factchecks()
    try:
        with FactCheckStore(path, read_only=True) as store:
            matches = store.search(text, limit)
    except (NewsauditError, OSError) as error:
        fail(error)
    if format is OutputFormat.html:
        from newsaudit.render.html.lists import render_factcheck_matches

        typer.echo(render_factcheck_matches(text, matches, str(path)), nl=False)
        return
    if format is OutputFormat.json:
        typer.echo(json.dumps([plain(match) for match in matches], ensure_ascii=False, indent=2))
        return
    if format is OutputFormat.jsonl:
        for match in matches:
            typer.echo(json.dumps(plain(match), ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"Fact-checks in {path}", title_justify="left", expand=True, show_lines=True)
    table.add_column("score", justify="right", no_wrap=True)
    table.add_column("verdict", ratio=1, overflow="fold")
    table.add_column("claim reviewed", ratio=4)
    table.add_column("publisher", ratio=1)
    table.add_column("date", no_wrap=True)
    table.add_column("link", ratio=2, overflow="fold")
    for match in matches:
        table.add_row(
            f"{match.score:.2f}",
            match.verdict or "",
            match.claim_reviewed,
            match.publisher or "",
            match.date or "",
            match.url or "",
        )
    Console().print(table if matches else Text("no fact-check matches", style="yellow"))
