"""`newsaudit corpus …`: a store of articles indexed for text reuse, and the reuse families in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsaudit.cli.options import (
    FormatOption,
    IdFieldOption,
    InputFormatOption,
    OutputFormat,
    QuietOption,
    TextFieldOption,
    TitleFieldOption,
    UrlFieldOption,
    fail,
    stderr,
)
from newsaudit.errors import NewsauditError

corpus_app = typer.Typer(help="A corpus of articles indexed for text reuse: who copied whom.")


@corpus_app.command("add")
def corpus_add(
    db: Annotated[str, typer.Argument(help="Store: a SQLite file (created if missing) or a postgresql:// URL.")],
    inputs: Annotated[list[str], typer.Argument(help="Files or directories of articles (any input `audit` reads).")],
    input_format: InputFormatOption = None,
    text_field: TextFieldOption = None,
    title_field: TitleFieldOption = None,
    url_field: UrlFieldOption = None,
    id_field: IdFieldOption = None,
    quiet: QuietOption = False,
) -> None:
    """Store and index articles for text-reuse search; adding the same article again changes nothing.

    Example: newsaudit corpus add corpus.db examples/
    """
    import os

    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import FieldMap, ReadFailure, read
    from newsaudit.settings import Settings
    from newsaudit.stores.corpus import Corpus

    settings = Settings.load()
    failed = 0

    def articles():
        nonlocal failed
        fields = FieldMap(text=text_field, title=title_field, url=url_field, id=id_field)
        for item in read(inputs, format=input_format.value if input_format else None, fields=fields):
            if isinstance(item, ReadFailure):
                failed += 1
                stderr.print(Text(f"skipped {item.source}: {item.error}", style="yellow"), soft_wrap=True)
                continue
            try:
                article = extract_article(item, remove_chrome=settings.remove_chrome, extraction=settings.extraction)
            except NewsauditError as error:
                failed += 1
                stderr.print(Text(f"skipped {item.source}: {error}", style="yellow"), soft_wrap=True)
                continue
            if article.text.strip():
                yield article

    try:
        columns = (SpinnerColumn(), TextColumn("indexing"), TextColumn("{task.completed} articles"))
        show_bar = not quiet and stderr.is_terminal
        with (
            Corpus(db) as store,
            Progress(*columns, TimeElapsedColumn(), console=stderr, transient=True, disable=not show_bar) as bar,
        ):
            task = bar.add_task("index", total=None)

            def counted():
                for article in articles():
                    bar.advance(task)
                    yield article

            # Fingerprints in worker processes while the main one writes; the key index is built once at the
            # end (bulk): the articles become searchable when the command finishes, each batch committed.
            workers = len(os.sched_getaffinity(0)) if len(os.sched_getaffinity(0)) > 1 else 0
            result = store.add(counted(), workers=workers, bulk=True)
            total = len(store)
    except (NewsauditError, OSError) as error:
        fail(error)
    summary = {"store": db, "added": result.added, "replaced": result.replaced, "updated": result.updated}
    typer.echo(json.dumps({**summary, "unchanged": result.unchanged, "skipped": failed, "total": total}))


@corpus_app.command("clusters")
def corpus_clusters(
    db: Annotated[str, typer.Argument(help="Store: a SQLite file or a postgresql:// URL.")],
    min_share: Annotated[float, typer.Option(help="Least share of either text two articles must share.")] = 0.25,
    format: FormatOption = OutputFormat.text,
) -> None:
    """Reuse families (syndication chains): articles joined by shared passages, earliest member first.

    Example: newsaudit corpus clusters corpus.db --format jsonl
    """
    from newsaudit.stores.corpus import Corpus

    if "://" not in db and not Path(db).is_file():
        fail(FileNotFoundError(f"no corpus store at {db}"))
    try:
        with Corpus(db) as store:
            families = store.clusters(min_share=min_share)
    except (NewsauditError, OSError) as error:
        fail(error)
    if format is not OutputFormat.text:
        for family in families:
            typer.echo(json.dumps({"earliest": family.earliest, "members": list(family.members)}))
        return
    from rich.table import Table

    table = Table(title=f"Reuse families in {db} (shared ≥ {min_share:.0%})", title_justify="left", expand=True)
    table.add_column("earliest", ratio=1)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("members", ratio=3)
    for family in sorted(families, key=lambda f: -len(f.members)):
        table.add_row(family.earliest, str(len(family.members)), ", ".join(family.members[:12]))
    Console().print(table if families else Text("no reuse families", style="yellow"))
