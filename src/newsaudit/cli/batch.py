"""`newsaudit batch`: a crawl audited on Dask into sharded Parquet, resumable; a thin layer over
`newsaudit.batch.run_batch`.

The progress bar (stderr, a terminal only) counts articles with their rate and the time left; the closing
table says what was done now, what an earlier run had done, and the errors by code. `newsaudit summary DIR`
and `newsaudit report DIR ID` read a batch folder afterwards.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from newsaudit.cli.options import (
    EtaColumn,
    IdFieldOption,
    InputFormatOption,
    QuietOption,
    RateColumn,
    TextFieldOption,
    TitleFieldOption,
    UrlFieldOption,
    fail,
    flag,
    left_out_line,
    require_store_files,
    stderr,
)
from newsaudit.errors import NewsauditError


def batch(
    inputs: Annotated[list[str], typer.Argument(help="Files, folders or globs to audit (not standard input).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (audits/, errors/, manifest.json).")],
    workers: Annotated[
        int | None, typer.Option(help="Worker processes of a local Dask cluster (default: one per core).")
    ] = None,
    scheduler: Annotated[
        str | None, typer.Option(help="Address of an existing Dask scheduler (tcp://HOST:8786) instead.")
    ] = None,
    format: Annotated[str, typer.Option("--format", "-f", help="Part files: parquet or jsonl.")] = "parquet",
    shard_size: Annotated[int, typer.Option(help="Articles per shard (the unit that is done exactly once).")] = 500,
    corpus: Annotated[
        str | None,
        typer.Option(help="Corpus store (file or postgresql:// URL) to add the crawl to and find shared text in."),
    ] = None,
    factchecks: Annotated[Path | None, typer.Option(help="Fact-check store to match claims against.")] = None,
    sources: Annotated[Path | None, typer.Option(help="Source-reputation store to rate the sites.")] = None,
    input_format: InputFormatOption = None,
    text_field: TextFieldOption = None,
    title_field: TitleFieldOption = None,
    url_field: UrlFieldOption = None,
    id_field: IdFieldOption = None,
    time_limit: Annotated[float | None, typer.Option(help="Seconds per document (default 120; 0 = none).")] = None,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML).")] = None,
    force: Annotated[
        bool, flag("--force", help="Start the output folder over when it holds another run's output.")
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Audit a crawl on Dask: sharded Parquet out, resumable after an interruption.

    Rerunning the same command skips the shards already done. With --scheduler, the workers must see the
    inputs at the same paths and have the same newsaudit installed.

    Examples:

      newsaudit batch crawl/ --out audits/

      newsaudit batch 'crawl/*.warc.gz' --out audits/ --workers 8

      newsaudit batch crawl/ --out audits/ --scheduler tcp://10.0.0.5:8786
    """
    from newsaudit.batch import run_batch
    from newsaudit.ingest.readers import FieldMap
    from newsaudit.settings import Settings

    columns = (SpinnerColumn(), TextColumn("auditing"), BarColumn(), TextColumn("{task.completed}/{task.total}"))
    bar = Progress(
        *columns,
        RateColumn(),
        EtaColumn(),
        TimeElapsedColumn(),
        console=stderr,
        transient=True,
        disable=quiet or not stderr.is_terminal,
    )
    task = bar.add_task("auditing", total=None, visible=False)
    skipped: dict[str, list[str]] = {}

    def planned(pending: int, total: int) -> None:
        if not quiet and pending < total:
            stderr.print(f"{total - pending:,} of {total:,} articles already done in {out}", highlight=False)
        bar.update(task, total=pending, visible=True)

    def cluster(client) -> None:
        from newsaudit.runners.dask import dashboard_link

        link = dashboard_link(client)
        if not quiet and link:
            stderr.print(f"Dask dashboard: {link}", highlight=False)

    try:
        settings = Settings.load(
            config,
            time_limit=time_limit,
            factchecks=str(factchecks) if factchecks else None,
            corpus=corpus,
            sources=str(sources) if sources else None,
        )
        require_store_files(settings, created=("corpus",))
        with bar:
            result = run_batch(
                inputs,
                out,
                settings=settings,
                workers=workers,
                scheduler=scheduler,
                format=format,
                shard_size=shard_size,
                input_format=input_format.value if input_format else None,
                fields=FieldMap(text=text_field, title=title_field, url=url_field, id=id_field),
                force=force,
                on_plan=planned,
                on_progress=lambda n: bar.advance(task, n),
                on_cluster=cluster,
                on_skip=lambda path, reason: skipped.setdefault(reason, []).append(path),
            )
    except (NewsauditError, OSError) as error:
        fail(error)
    if not quiet:
        stderr.print(_summary(result))
        line = left_out_line(skipped)
        if line:
            stderr.print(line, highlight=False, soft_wrap=True)
    if result.slow_workers:
        from newsaudit.runners.dask import WORKER_ENVIRONMENT_FIX

        stderr.print(
            f"warning: {len(result.slow_workers)} worker(s) run with MALLOC_TRIM_THRESHOLD_ set, which makes "
            f"auditing about a third slower; start them with {WORKER_ENVIRONMENT_FIX}",
            highlight=False,
        )


def _summary(result) -> Table:
    table = Table(title=f"newsaudit batch → {result.out}", show_header=False, title_justify="left")
    table.add_column("what")
    table.add_column("count", justify="right")
    table.add_row("shards", f"{result.shards:,} ({result.skipped_shards:,} done before)")
    table.add_row("articles audited now", f"{result.articles:,}")
    if result.skipped_articles:
        table.add_row("articles done before", f"{result.skipped_articles:,}")
    if result.articles:
        table.add_row("time", f"{result.seconds:.1f} s on {result.workers} worker(s), {result.rate:.1f} articles/s")
    if result.worker_peak_mb:
        table.add_row("peak memory (largest worker)", f"{max(result.worker_peak_mb.values()):,.0f} MB")
    if result.indexed or result.looked_up:
        table.add_row("corpus: articles indexed now", f"{result.indexed:,}")
        table.add_row("corpus: articles looked up now", f"{result.looked_up:,}")
        table.add_row("corpus: with copying signals", f"{result.copying:,}")
    for code, count in result.errors.most_common():
        table.add_row(f"errors: {code}", f"{count:,}")
    return table


def summary(
    folder: Annotated[Path, typer.Argument(help="A `newsaudit batch` output folder.")],
    format: Annotated[str, typer.Option("--format", "-f", help="text (tables) or json.")] = "text",
    html: Annotated[bool, flag("--html", help="Also rewrite DIR/summary.html.")] = False,
) -> None:
    """Summarise a batch folder: counts, errors, credibility, languages, sites, signals, lowest scores.

    Reads only the finished shards, so it works while a run is still going.

    Examples:

      newsaudit summary audited/

      newsaudit summary audited/ --format json --html
    """
    from newsaudit.batch import write_summary
    from newsaudit.batch.summary import summarise

    if format not in ("text", "json"):
        fail(NewsauditError(f"unknown format {format!r}; choose text or json"))
    try:
        figures = summarise(folder)
        if html:
            write_summary(folder)
    except (NewsauditError, OSError) as error:
        fail(error)
    if format == "json":
        typer.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    from rich.console import Console

    from newsaudit.render.terminal import summary_tables

    Console().print(*summary_tables(figures))


def report(
    folder: Annotated[Path, typer.Argument(help="A `newsaudit batch` output folder.")],
    article_id: Annotated[str, typer.Argument(metavar="ID", help="The article's id (the `id` column).")],
) -> None:
    """Write one article's report page into DIR/reports/ (the article is audited again, as the run did).

    Example:

      newsaudit report audited/ fnc1-712
    """
    from newsaudit.batch.report import write_report

    try:
        written = write_report(folder, article_id)
    except (NewsauditError, OSError) as error:
        fail(error)
    if not written.matches_stored:
        stderr.print(
            "warning: today's audit differs from the stored one (the input or the models changed since the run)",
            highlight=False,
        )
    typer.echo(str(written.path))
