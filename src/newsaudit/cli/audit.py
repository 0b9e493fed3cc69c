"""`newsaudit audit`: read articles, audit them, write the audits as text, JSON, JSONL or HTML pages."""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsaudit.cli.options import (
    FormatOption,
    IdFieldOption,
    InputFormatOption,
    OutputFormat,
    QuietOption,
    RateColumn,
    TextFieldOption,
    TitleFieldOption,
    UrlFieldOption,
    fail,
    stderr,
)
from newsaudit.errors import NewsauditError


def audit(
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to audit, or - for standard input.")],
    format: FormatOption = OutputFormat.text,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")] = None,
    input_format: InputFormatOption = None,
    text_field: TextFieldOption = None,
    title_field: TitleFieldOption = None,
    url_field: UrlFieldOption = None,
    id_field: IdFieldOption = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to load (default: the bundled one).")] = None,
    max_bytes: Annotated[int | None, typer.Option(help="Largest document read, in bytes (default 10 MB).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes for many articles; 0 = one per core.")] = None,
    keep_chrome: Annotated[bool, typer.Option("--keep-chrome", help="Do not cut site chrome from the text.")] = False,
    factchecks: Annotated[
        Path | None, typer.Option(help="Fact-check store to match claims against (see `newsaudit factchecks`).")
    ] = None,
    corpus: Annotated[
        str | None, typer.Option(help="Corpus store (file or postgresql:// URL) to find shared text in.")
    ] = None,
    sources: Annotated[
        Path | None, typer.Option(help="Source-reputation store to rate the article's site (see `newsaudit sources`).")
    ] = None,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML).")] = None,
    quiet: QuietOption = False,
) -> None:
    """Audit articles from HTML, text, JSONL/CSV corpora, WARC files, directories or stdin.

    Examples:

      newsaudit audit examples/

      newsaudit audit page.html --format json -o audit.json

      newsaudit audit page.html --format html -o report.html

      newsaudit audit examples/ --format html -o reports/

      cat corpus.jsonl | newsaudit audit - --format jsonl --text-field content --title-field title
    """
    from newsaudit.auditor import Auditor
    from newsaudit.ingest.readers import FieldMap, read
    from newsaudit.settings import Settings

    try:
        settings = Settings.load(
            config,
            model=model,
            max_bytes=max_bytes,
            workers=workers,
            remove_chrome=False if keep_chrome else None,
            factchecks=str(factchecks) if factchecks else None,
            corpus=corpus,
            sources=str(sources) if sources else None,
        )
        if settings.sources and not Path(settings.sources).is_file():
            raise FileNotFoundError(f"no source store at {settings.sources}; create one with `newsaudit sources add`")
        if settings.corpus and "://" not in settings.corpus and not Path(settings.corpus).is_file():
            raise FileNotFoundError(f"no corpus store at {settings.corpus}; create one with `newsaudit corpus add`")
        if settings.factchecks and not Path(settings.factchecks).is_file():
            raise FileNotFoundError(
                f"no fact-check store at {settings.factchecks}; create one with `newsaudit factchecks add`"
            )
        auditor = Auditor(settings)
        fields = FieldMap(text=text_field, title=title_field, url=url_field, id=id_field)
        documents = read(
            inputs,
            format=input_format.value if input_format else None,
            fields=fields,
            max_bytes=settings.max_bytes,
        )
        if format is OutputFormat.html:
            failed = _write_pages(auditor, documents, output, quiet=quiet)
        else:
            with ExitStack() as stack:
                out: TextIO = stack.enter_context(output.open("w", encoding="utf-8")) if output else sys.stdout
                failed = _write_audits(auditor, documents, format, out, quiet=quiet)
    except (NewsauditError, OSError) as error:
        fail(error)
    if failed:
        stderr.print(
            Text(f"{failed} article(s) could not be audited; see their errors.", style="yellow"), soft_wrap=True
        )
        raise typer.Exit(1)


def _write_audits(auditor, documents, format: OutputFormat, out: TextIO, *, quiet: bool) -> int:
    """Write every audit as it comes; return how many failed."""
    from newsaudit.render.terminal import render

    to_stdout = out is sys.stdout
    file_console = None if to_stdout else Console(file=out, width=120, no_color=True)
    json_writer = _JsonWriter(out)
    failed = count = 0
    columns = (SpinnerColumn(), TextColumn("auditing"), BarColumn(), TextColumn("{task.completed} articles"))
    show_bar = not quiet and stderr.is_terminal
    with Progress(
        *columns, RateColumn(), TimeElapsedColumn(), console=stderr, transient=True, disable=not show_bar
    ) as bar:
        # Hidden until a second article arrives: a single article needs no progress bar.
        task = bar.add_task("audit", total=None, visible=False)
        for result in auditor.audit_many(documents):
            count += 1
            failed += result.failed
            if format is OutputFormat.text:
                (Console() if to_stdout else file_console).print(render(result))
            elif format is OutputFormat.jsonl:
                out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            else:
                json_writer.write(result.to_dict())
            bar.update(task, advance=1, visible=count > 1)
    if format is OutputFormat.json:
        json_writer.close()
    if count == 0:
        stderr.print(Text("no articles found in the input", style="yellow"))
    return failed


def _write_pages(auditor, documents, output: Path | None, *, quiet: bool) -> int:
    """HTML reports: one page to `output` (or stdout); with `output` a folder (an existing one, or a name
    without a suffix such as `reports`), one page per article plus an index.html linking them."""
    from newsaudit.render.html import render_html, render_index

    folder = output is not None and (output.is_dir() or not output.suffix)
    if folder:
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
    failed = count = 0
    written: list[tuple[str, object]] = []
    for result in auditor.audit_many(documents):
        count += 1
        failed += result.failed
        page = render_html(result)
        if folder:
            assert output is not None
            name = _page_name(result.article.id, len(written))
            (output / name).write_text(page, encoding="utf-8")
            written.append((name, result))
        elif count > 1:
            raise NewsauditError("several articles: give --output a folder (e.g. -o reports) for one page each")
        elif output is not None:
            output.write_text(page, encoding="utf-8")
        else:
            sys.stdout.write(page)
    if folder and written:
        assert output is not None
        (output / "index.html").write_text(render_index(written), encoding="utf-8")
        if not quiet:
            stderr.print(f"wrote {len(written)} report(s) and index.html to {output}", highlight=False)
    if count == 0:
        stderr.print(Text("no articles found in the input", style="yellow"))
    return failed


def _page_name(article_id: str, number: int) -> str:
    """A file name from the article id: letters, digits, dots, dashes only (ids come from the input)."""
    import re

    safe = re.sub(r"[^A-Za-z0-9.-]+", "-", article_id).strip(".-")[:80]
    return f"{number + 1:04d}-{safe or 'article'}.html"


class _JsonWriter:
    """One audit becomes one JSON object; several become an array, written as they come."""

    def __init__(self, out: TextIO) -> None:
        self.out = out
        self.count = 0
        self.first: dict | None = None

    def write(self, data: dict) -> None:
        if self.count == 0:
            self.first = data
        else:
            if self.count == 1:
                self.out.write("[\n" + self._dumps(self.first))
            self.out.write(",\n" + self._dumps(data))
        self.count += 1

    def close(self) -> None:
        if self.count == 0:
            self.out.write("[]\n")
        elif self.count == 1:
            self.out.write(self._dumps(self.first) + "\n")
        else:
            self.out.write("\n]\n")

    @staticmethod
    def _dumps(data: dict | None) -> str:
        return json.dumps(data, ensure_ascii=False, indent=2)
