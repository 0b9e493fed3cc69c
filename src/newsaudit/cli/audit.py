"""`newsaudit audit`: read articles, audit them, write the audits as text, JSON, JSONL or HTML pages.

Nothing reaches a file before it is complete (`newsaudit.files.atomic_write`), and nothing is written at all
when the run cannot start: the stores are opened and the inputs found before the first article. The closing
line (stderr, not with --quiet) counts what was audited, what failed and what the folders left out by rule.
"""

from __future__ import annotations

import json
import sys
from contextlib import AbstractContextManager, nullcontext
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.text import Text

from newsaudit.cli.options import (
    FormatOption,
    IdFieldOption,
    InputFormatOption,
    OutputFormat,
    QuietOption,
    Tally,
    TextFieldOption,
    TitleFieldOption,
    UrlFieldOption,
    default_factchecks,
    fail,
    flag,
    left_out_line,
    plural,
    progress,
    require_store_files,
    stderr,
    tracked,
)
from newsaudit.errors import NewsauditError, SettingsError

_SEVERAL_PAGES = (
    "an HTML report is one page per article: give --output a folder (e.g. -o reports/) for one page each and an "
    "index, or use --format json or jsonl for one file"
)


def audit(
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to audit, or - for standard input.")],
    format: FormatOption = OutputFormat.text,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout (a folder for HTML pages).")
    ] = None,
    input_format: InputFormatOption = None,
    text_field: TextFieldOption = None,
    title_field: TitleFieldOption = None,
    url_field: UrlFieldOption = None,
    id_field: IdFieldOption = None,
    model: Annotated[str | None, typer.Option(help="spaCy pipeline to load (default: the bundled one).")] = None,
    max_bytes: Annotated[int | None, typer.Option(help="Largest document read, in bytes (default 10 MB).")] = None,
    time_limit: Annotated[float | None, typer.Option(help="Seconds per document (default 120; 0 = none).")] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes for many articles; 0 = one per core.")] = None,
    keep_chrome: Annotated[bool, flag("--keep-chrome", help="Do not cut site chrome from the text.")] = False,
    factchecks: Annotated[
        Path | None,
        typer.Option(
            help="Fact-check store to match claims against (default: the one `newsaudit factchecks add` fills, "
            "if it exists)."
        ),
    ] = None,
    no_factchecks: Annotated[
        bool, flag("--no-factchecks", help="Match claims against no fact-check store, not even the default one.")
    ] = False,
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
    from newsaudit.ingest.readers import FieldMap, count_documents, read
    from newsaudit.settings import Settings

    tally = Tally()
    skipped: dict[str, list[str]] = {}
    notes: list[str] = []
    try:
        if factchecks and no_factchecks:
            raise SettingsError("give --factchecks or --no-factchecks, not both")
        settings = Settings.load(
            config,
            model=model,
            max_bytes=max_bytes,
            time_limit=time_limit,
            workers=workers,
            remove_chrome=False if keep_chrome else None,
            factchecks=str(factchecks) if factchecks else None,
            corpus=corpus,
            sources=str(sources) if sources else None,
        )
        if no_factchecks:
            settings = settings.replace(factchecks=None)
        elif not settings.factchecks and default_factchecks().is_file():
            settings = settings.replace(factchecks=str(default_factchecks()))
            notes.append(
                f"claims matched against the default fact-check store {settings.factchecks} (--no-factchecks: none)"
            )
        require_store_files(settings)
        auditor = Auditor(settings)
        auditor.stores.check()
        chosen = input_format.value if input_format else None
        documents = read(
            inputs,
            format=chosen,
            fields=FieldMap(text=text_field, title=title_field, url=url_field, id=id_field),
            max_bytes=settings.max_bytes,
            on_skip=lambda path, reason: skipped.setdefault(reason, []).append(path),
        )
        tally.total = count_documents(inputs, format=chosen)
        if format is OutputFormat.html:
            _write_pages(auditor, documents, output, tally, quiet=quiet)
        else:
            with _opened(output) as out:
                _write_audits(auditor, documents, format, out, tally, quiet=quiet)
    except (NewsauditError, OSError) as error:
        fail(error)
    _close(tally, skipped, notes, quiet=quiet)


def _opened(output: Path | None) -> AbstractContextManager[TextIO]:
    from newsaudit.files import atomic_write

    return atomic_write(output) if output is not None else nullcontext(sys.stdout)


def _close(tally: Tally, skipped: dict[str, list[str]], notes: list[str], *, quiet: bool) -> None:
    """The closing lines on stderr (stdout holds only the audits), then exit 1 if some article failed."""
    if tally.count == 0:
        stderr.print(Text("no articles found in the input", style="yellow"))
    if not quiet:
        line = (
            f"{plural(tally.count, 'article')}: {tally.count - tally.failed} audited, {tally.failed} failed"
            f"{' (see their errors)' if tally.failed else ''}, in {tally.seconds:.1f} s"
        )
        for text in (line, left_out_line(skipped), *notes):
            if text:
                stderr.print(text, soft_wrap=True, highlight=False, markup=False)
    elif tally.failed:
        stderr.print(
            Text(f"{tally.failed} article(s) could not be audited; see their errors.", style="yellow"), soft_wrap=True
        )
    if tally.failed:
        raise typer.Exit(1)


def _write_audits(auditor, documents, format: OutputFormat, out: TextIO, tally: Tally, *, quiet: bool) -> None:
    """Write every audit as it comes."""
    from newsaudit.render.terminal import render

    console = Console() if out is sys.stdout else Console(file=out, width=120, no_color=True)
    json_writer = _JsonWriter(out)
    linked = _JsonLdWriter(out)
    with progress("auditing", tally.total, quiet=quiet) as step:
        for result in tracked(auditor.audit_many(documents), tally, step):
            if format is OutputFormat.text:
                console.print(render(result))
            elif format is OutputFormat.jsonl:
                out.write(json.dumps(result.to_dict(), ensure_ascii=False) + "\n")
            elif format is OutputFormat.jsonld:
                linked.write(result)
            else:
                json_writer.write(result.to_dict())
    if format is OutputFormat.json:
        json_writer.close()
    if format is OutputFormat.jsonld:
        linked.close()


class _JsonLdWriter:
    """One JSON-LD document for every audit (`render.jsonld`): the context once, then each audit's nodes in
    one `@graph`, written as they come."""

    def __init__(self, out: TextIO) -> None:
        self.out, self.started = out, False

    def write(self, audit) -> None:
        from newsaudit.render.jsonld import CONTEXT, graph

        for node in graph(audit):
            if not self.started:
                self.out.write('{"@context": ' + json.dumps(CONTEXT) + ', "@graph": [\n')
                self.started = True
            else:
                self.out.write(",\n")
            self.out.write(json.dumps(node, ensure_ascii=False))

    def close(self) -> None:
        from newsaudit.render.jsonld import CONTEXT

        if not self.started:
            self.out.write('{"@context": ' + json.dumps(CONTEXT) + ', "@graph": [')
        self.out.write("\n]}\n")


def _write_pages(auditor, documents, output: Path | None, tally: Tally, *, quiet: bool) -> None:
    """HTML reports: with `output` a folder (an existing one, or a name without a suffix such as `reports`), one
    page per article plus an index.html linking them; else one article's page to `output` or stdout. Several
    articles without a folder are refused before anything is written (as soon as a second one is known)."""
    from newsaudit.files import write_text
    from newsaudit.render.html import render_html, render_index

    folder = output is not None and (output.is_dir() or not output.suffix)
    if not folder and tally.total is not None and tally.total > 1:
        raise NewsauditError(f"{tally.total} articles: {_SEVERAL_PAGES}")
    if not folder and output is not None and not output.parent.is_dir():
        raise FileNotFoundError(f"no folder {output.parent} to write {output.name} in")
    if folder:
        assert output is not None
        output.mkdir(parents=True, exist_ok=True)
    page: str | None = None
    written: list[tuple[str, object]] = []
    with progress("auditing", tally.total, quiet=quiet) as step:
        for result in tracked(auditor.audit_many(documents), tally, step):
            if folder:
                assert output is not None
                name = _page_name(result.article.id, len(written))
                write_text(output / name, render_html(result))
                written.append((name, result))
            elif page is not None:
                raise NewsauditError(f"several articles: {_SEVERAL_PAGES}")
            else:
                page = render_html(result)
    if folder and written:
        assert output is not None
        write_text(output / "index.html", render_index(written))
        if not quiet:
            stderr.print(f"wrote {plural(len(written), 'report')} and index.html to {output}", highlight=False)
    elif page is not None:
        if output is None:
            sys.stdout.write(page)
        else:
            write_text(output, page)


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
