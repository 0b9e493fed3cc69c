"""`newsaudit corpus …`: a store of articles indexed for text reuse, and the reuse families in it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.text import Text

from newsaudit.cli.options import (
    Command,
    FormatOption,
    Group,
    IdFieldOption,
    InputFormatOption,
    OutputFormat,
    QuietOption,
    Tally,
    TextFieldOption,
    TitleFieldOption,
    UrlFieldOption,
    fail,
    left_out_line,
    plural,
    progress,
    stderr,
    tracked,
)
from newsaudit.errors import NewsauditError

corpus_app = typer.Typer(help="A corpus of articles indexed for text reuse: who copied whom.", cls=Group)


@corpus_app.command("add", cls=Command)
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

    Every input is found before the store is opened, and a failed add indexes what it stored before it stops:
    the store is as it was or fully indexed. Example: newsaudit corpus add corpus.db examples/
    """
    import os

    from newsaudit.ingest.extract import extract_article
    from newsaudit.ingest.readers import FieldMap, ReadFailure, count_documents, read
    from newsaudit.settings import Settings
    from newsaudit.stores.corpus import Corpus

    tally = Tally()
    skipped: dict[str, list[str]] = {}

    def articles(documents):
        for item in documents:
            if isinstance(item, ReadFailure):
                tally.failed += 1
                stderr.print(Text(f"skipped {item.source}: {item.error}", style="yellow"), soft_wrap=True)
                continue
            try:
                article = extract_article(item, remove_chrome=settings.remove_chrome, extraction=settings.extraction)
            except NewsauditError as error:
                tally.failed += 1
                stderr.print(Text(f"skipped {item.source}: {error}", style="yellow"), soft_wrap=True)
                continue
            if article.text.strip():
                yield article

    try:
        settings = Settings.load()
        chosen = input_format.value if input_format else None
        documents = read(
            inputs,
            format=chosen,
            fields=FieldMap(text=text_field, title=title_field, url=url_field, id=id_field),
            max_bytes=settings.max_bytes,
            on_skip=lambda path, reason: skipped.setdefault(reason, []).append(path),
        )
        tally.total = count_documents(inputs, format=chosen)
        with Corpus(db) as store, progress("indexing", tally.total, quiet=quiet) as step:
            # Fingerprints in worker processes while the main one writes; the key index is built once at the
            # end (bulk): the articles become searchable when the command finishes, each batch committed.
            workers = len(os.sched_getaffinity(0)) if len(os.sched_getaffinity(0)) > 1 else 0
            result = store.add(articles(tracked(documents, tally, step)), workers=workers, bulk=True)
            total = len(store)
    except (NewsauditError, OSError) as error:
        fail(error)
    if not quiet:
        line = f"read {plural(tally.count, 'document')}, {tally.failed} skipped, in {tally.seconds:.1f} s"
        for text in (line, left_out_line(skipped)):
            if text:
                stderr.print(text, soft_wrap=True, highlight=False, markup=False)
    summary = {"store": db, "added": result.added, "replaced": result.replaced, "updated": result.updated}
    typer.echo(json.dumps({**summary, "unchanged": result.unchanged, "skipped": tally.failed, "total": total}))


@corpus_app.command("clusters", cls=Command)
def corpus_clusters(
    db: Annotated[str, typer.Argument(help="Store: a SQLite file or a postgresql:// URL.")],
    min_share: Annotated[float, typer.Option(help="Least share of either text two articles must share.")] = 0.25,
    format: FormatOption = OutputFormat.text,
) -> None:
    """Reuse families (syndication chains): articles joined by shared passages, earliest member first, as a
    table, a JSON array, JSON Lines or an HTML page.

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
    if format is OutputFormat.html:
        from newsaudit.render.html.lists import render_clusters

        typer.echo(render_clusters(families, db, min_share), nl=False)
        return
    rows = [{"earliest": family.earliest, "members": list(family.members)} for family in families]
    if format is OutputFormat.json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if format is OutputFormat.jsonl:
        for row in rows:
            typer.echo(json.dumps(row, ensure_ascii=False))
        return
    from rich.table import Table

    table = Table(title=f"Reuse families in {db} (shared ≥ {min_share:.0%})", title_justify="left", expand=True)
    table.add_column("earliest", ratio=1)
    table.add_column("size", justify="right", no_wrap=True)
    table.add_column("members", ratio=3)
    for family in sorted(families, key=lambda f: -len(f.members)):
        table.add_row(family.earliest, str(len(family.members)), ", ".join(family.members[:12]))
    Console().print(table if families else Text("no reuse families", style="yellow"))
