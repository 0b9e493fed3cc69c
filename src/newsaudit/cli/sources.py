"""`newsaudit sources …`: site-reputation lists the user loads, and what they say about a site."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from newsaudit.cli.options import Command, Group, SourcesStoreOption, default_sources, fail, stderr
from newsaudit.errors import NewsauditError

sources_app = typer.Typer(
    help="Site reputation lists you load (none ships with newsaudit): rate the article's site.", cls=Group
)


class ListFormat(StrEnum):
    opensources = "opensources"
    opensources_csv = "opensources-csv"
    baly = "baly"
    plain = "plain"


@sources_app.command("add", cls=Command)
def sources_add(
    files: Annotated[list[Path], typer.Argument(help="OpenSources JSON/CSV, Baly/MBFC TSV or domain,rating,note CSV.")],
    db: SourcesStoreOption = None,
    list_format: Annotated[
        ListFormat | None, typer.Option("--list-format", help="Layout of the list (default: from its content).")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="Name the list is stored under (default: the file name without suffix).")
    ] = None,
) -> None:
    """Load site-reputation lists; adding a list again replaces its previous version.

    newsaudit ships no list: an unlisted site is "unknown", never "reliable". Then audit with --sources.

    Example: newsaudit sources add ../shared/data/opensources/sources.json --db sources.db
    """
    from newsaudit.stores.sources import SourceStore, add_sources

    path = db or default_sources()
    if name and len(files) > 1:
        fail(ValueError("--name names one list: give one file per command"))
    for file in files:  # every list is found before the store is written
        if not file.is_file():
            fail(FileNotFoundError(f"no such file: {file}"))
    results = {}
    try:
        for file in files:
            result = add_sources(file, path, format=list_format.value if list_format else None, list_name=name)
            results[str(file)] = result
            stderr.print(
                f"{file}: {result.added} added, {result.unchanged} unchanged, {result.removed} removed, "
                f"{len(result.skipped)} skipped",
                soft_wrap=True,
                highlight=False,
            )
            for item in result.skipped[:10]:
                stderr.print(Text(f"skipped {item.where}: {item.reason}", style="yellow"), soft_wrap=True)
        with SourceStore(path, read_only=True) as store:
            lists = store.lists()
    except (NewsauditError, OSError) as error:
        fail(error)
    typer.echo(
        json.dumps(
            {
                "store": str(path),
                "added": sum(r.added for r in results.values()),
                "skipped": sum(len(r.skipped) for r in results.values()),
                "lists": lists,
            }
        )
    )


@sources_app.command("lookup", cls=Command)
def sources_lookup(
    sites: Annotated[list[str], typer.Argument(help="Domains or URLs.")],
    db: SourcesStoreOption = None,
) -> None:
    """What the loaded lists say about sites, one JSON object per line ("unknown" when no list rates one).

    Example: newsaudit sources lookup https://news.example.com/story --db sources.db
    """
    from newsaudit.schema import plain
    from newsaudit.stores.sources import SourceStore

    path = db or default_sources()
    if not path.is_file():
        fail(FileNotFoundError(f"no source store at {path}; create one with `newsaudit sources add`"))
    try:
        with SourceStore(path, read_only=True) as store:
            for site in sites:
                found = store.lookup(site)
                if found is None:
                    typer.echo(json.dumps({"site": site, "level": "unknown", "ratings": []}))
                else:
                    typer.echo(
                        json.dumps(
                            {
                                "site": site,
                                "level": found.level,
                                "matched": found.matched,
                                "ratings": [plain(rating) for rating in found.ratings],
                            }
                        )
                    )
    except (NewsauditError, OSError) as error:
        fail(error)
