"""The `newsaudit` command: a thin layer over the Python API.

Each command reads its options, calls one library function, and turns library errors into a one-line
message and an exit code: 0 all good, 1 some article failed, 2 the command itself could not run.
"""

from __future__ import annotations

import json
import sys
from contextlib import ExitStack
from enum import StrEnum
from pathlib import Path
from typing import Annotated, TextIO

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text

from newsaudit._version import __version__
from newsaudit.errors import NewsauditError

app = typer.Typer(
    name="newsaudit",
    help="Audit news articles: what they claim, on whose word, how hedged, copied from where.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)
eval_app = typer.Typer(help="Score newsaudit against public benchmarks; each command prints one JSON object.")
app.add_typer(eval_app, name="eval")
factchecks_app = typer.Typer(help="Published fact-checks: load them into a local store and search it.")
app.add_typer(factchecks_app, name="factchecks")
corpus_app = typer.Typer(help="A corpus of articles indexed for text reuse: who copied whom.")
app.add_typer(corpus_app, name="corpus")
sources_app = typer.Typer(help="Site reputation lists you load (none ships with newsaudit): rate the article's site.")
app.add_typer(sources_app, name="sources")

stderr = Console(stderr=True)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"


class InputFormat(StrEnum):
    html = "html"
    text = "text"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    warc = "warc"


class ExtractionMode(StrEnum):
    precision = "precision"
    balanced = "balanced"
    recall = "recall"


# Reading options shared by every command that takes articles.
InputFormatOption = Annotated[
    InputFormat | None, typer.Option("--input-format", help="Input format (default: from name and content).")
]
TextFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the article text.")]
TitleFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the title.")]
UrlFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the URL.")]
IdFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the article id.")]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit news articles: what they claim, on whose word, how hedged, copied from where."""


@app.command()
def audit(
    inputs: Annotated[list[str], typer.Argument(help="Files or directories to audit, or - for standard input.")],
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
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
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
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
        _fail(error)
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
        *columns, _RateColumn(), TimeElapsedColumn(), console=stderr, transient=True, disable=not show_bar
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


class _RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "", style="progress.data.speed")


@eval_app.command("extraction")
def eval_extraction(
    html_dir: Annotated[Path, typer.Argument(help="Folder of <id>.html(.gz) pages.", exists=True, file_okay=False)],
    ground_truth: Annotated[Path, typer.Argument(help="ground-truth.json: {id: {articleBody, url}}.", exists=True)],
    compare: Annotated[
        bool, typer.Option("--compare/--no-compare", help="Also score plain trafilatura in the same run.")
    ] = False,
    extraction: Annotated[
        ExtractionMode, typer.Option(help="Extraction trade-off to score.")
    ] = ExtractionMode.precision,
) -> None:
    """Main-text extraction F1 over 4-token shingles (the article-extraction benchmark's metric).

    Example: newsaudit eval extraction ../shared/data/article_extraction_benchmark/html
    ../shared/data/article_extraction_benchmark/ground-truth.json
    """
    from functools import partial

    from newsaudit.evaluation.extraction import evaluate, newsaudit_extractor, trafilatura_extractor

    try:
        result = evaluate(html_dir, ground_truth, partial(newsaudit_extractor, extraction=extraction.value))
        if compare:
            result["trafilatura"] = evaluate(html_dir, ground_truth, trafilatura_extractor)
    except (OSError, ValueError, KeyError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("attribution")
def eval_attribution(
    brat_dir: Annotated[
        Path, typer.Argument(help="A split folder with text/ and attributions/ (PolNeAR layout).", file_okay=False)
    ],
    workers: Annotated[int | None, typer.Option(help="Worker processes; 0 = one per core.")] = None,
    compare: Annotated[
        bool,
        typer.Option(
            "--compare/--no-compare", help="Also score the lexical cue model alone (no role tagger) in the same run."
        ),
    ] = False,
) -> None:
    """Attribution source/cue/content F1 (token overlap and exact) and relation F1 against brat annotations.

    Example: newsaudit eval attribution ../shared/data/polnear/dev --compare
    """
    from newsaudit.evaluation.attribution import evaluate, predict_lexical, predict_with

    if not (brat_dir / "text").is_dir() or not (brat_dir / "attributions").is_dir():
        _fail(FileNotFoundError(f"{brat_dir} needs text/ and attributions/ folders"))
    try:
        result = evaluate(brat_dir, predict_with(workers=workers))
        if compare:
            result["lexical_only"] = evaluate(brat_dir, predict_lexical())
    except (OSError, ValueError, NewsauditError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("checkworthy")
def eval_checkworthy(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder of CLEF-2019 Task 1 transcripts (line, speaker, text, label).", file_okay=False),
    ],
    dev: Annotated[
        bool, typer.Option("--dev", help="Only newsaudit's dev transcripts (kept out of training).")
    ] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes for parsing; 0 = one per core.")] = None,
) -> None:
    """Check-worthiness ranking: MAP, R-precision, MRR and P@k averaged over transcripts (CLEF-2019 Task 1).

    Example: newsaudit eval checkworthy ../shared/data/clef2019_checkthat_task1/training --dev
    """
    import os

    from newsaudit.evaluation.checkworthy import DEV_TRANSCRIPTS, evaluate, scorer

    if not folder.is_dir():
        _fail(FileNotFoundError(f"{folder} is not a folder of transcripts"))
    processes = workers if workers else len(os.sched_getaffinity(0)) if workers == 0 else 1
    try:
        result = evaluate(folder, scorer(processes), only=DEV_TRANSCRIPTS if dev else None)
    except (OSError, ValueError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("matching")
def eval_matching(
    csv_path: Annotated[Path, typer.Argument(help="Emergent CSV (claimHeadline, articleHeadline, claimId).")],
) -> None:
    """Fact-check retrieval: each Emergent headline must retrieve its own claim among all claims.

    Example: newsaudit eval matching ../shared/data/emergent/url-versions-2015-06-14-clean-train.csv
    """
    from newsaudit.evaluation.matching import evaluate

    try:
        result = evaluate(csv_path)
    except (OSError, ValueError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("credibility")
def eval_credibility(
    csv_path: Annotated[Path, typer.Argument(help="CSV with columns text or html, title, domain, label.")],
    folds: Annotated[int, typer.Option(min=2, help="Domain-disjoint folds.")] = 5,
    low_label: Annotated[
        list[str] | None,
        typer.Option("--low-label", help="A label value meaning low credibility (repeatable; default: fake, low, …)."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes for auditing; 0 = one per core.")] = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Credibility over domain-disjoint folds: the explained model and a TF-IDF baseline on the same folds.

    Needs scikit-learn (pip install -e ".[train]"). Example:
    newsaudit eval credibility build/credibility-fakes.csv  (written by scripts/train_credibility.py)
    """
    from newsaudit.evaluation.credibility import evaluate

    columns = (SpinnerColumn(), TextColumn("auditing"), BarColumn(), TextColumn("{task.completed} articles"))
    show_bar = not quiet and stderr.is_terminal
    try:
        with Progress(*columns, _RateColumn(), console=stderr, transient=True, disable=not show_bar) as bar:
            task = bar.add_task("audit", total=None)
            result = evaluate(
                csv_path, folds=folds, low_labels=low_label or (), workers=workers, progress=lambda: bar.advance(task)
            )
    except ImportError as error:
        _fail(ImportError(f"{error}; `newsaudit eval credibility` needs scikit-learn: pip install -e '.[train]'"))
    except (OSError, ValueError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


class StanceSubset(StrEnum):
    all = "all"
    headline_dev = "headline-dev"
    baseline_dev = "baseline-dev"
    strict_dev = "strict-dev"


@eval_app.command("stance")
def eval_stance(
    bodies_csv: Annotated[Path, typer.Argument(help="FNC-1 bodies CSV (Body ID, articleBody).")],
    stances_csv: Annotated[Path, typer.Argument(help="FNC-1 stances CSV (Headline, Body ID, Stance).")],
    subset: Annotated[
        StanceSubset, typer.Option(help="Score only one of newsaudit's dev splits of the FNC-1 training files.")
    ] = StanceSubset.all,
) -> None:
    """Headline ↔ body stance: FNC-1 weighted score (relative %), macro-F1, per-class F1, accuracy.

    The shipped model was trained on all of FNC-1's training pairs, so use this on pairs it has not seen
    (e.g. the competition test files); the dev-split numbers come from `scripts/train_stance.py`, which refits
    on each split's training part.

    Example: newsaudit eval stance competition_test_bodies.csv competition_test_stances.csv
    """
    from newsaudit.evaluation.stance import evaluate
    from newsaudit.models.stance import StanceModel

    try:
        model = StanceModel.default()
        result = evaluate(
            bodies_csv, stances_csv, model.predict_many, subset=None if subset is StanceSubset.all else subset.value
        )
    except (OSError, ValueError, KeyError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("reuse")
def eval_reuse(
    data: Annotated[
        Path | None, typer.Argument(help="The shared datasets folder (default: $NEWSAUDIT_DATA or ../shared/data).")
    ] = None,
    copies: Annotated[int, typer.Option(min=10, help="How many derived copies to make and look up.")] = 600,
    seed: Annotated[int, typer.Option(help="Seed of the derived corpus.")] = 13,
    total: Annotated[int, typer.Option(help="Articles indexed in all (unrelated filler makes up the rest).")] = 10_000,
) -> None:
    """Text reuse on copies derived from real articles: pair recall/precision, span F1, speed, size.

    Example: newsaudit eval reuse ../shared/data
    """
    import os

    from newsaudit.evaluation.reuse import evaluate

    folder = data or Path(os.environ.get("NEWSAUDIT_DATA") or Path.cwd().parent / "shared" / "data")
    if not folder.is_dir():
        _fail(FileNotFoundError(f"{folder} is not the shared datasets folder"))
    try:
        result = evaluate(folder, n_copies=copies, seed=seed, total=total)
    except (OSError, ValueError) as error:
        _fail(error)
    typer.echo(json.dumps(result))


def _default_store() -> Path:
    return _user_store("NEWSAUDIT_FACTCHECKS", "factchecks.db")


def _user_store(variable: str, name: str) -> Path:
    """A store's default path: $variable, else newsaudit's folder under the user's data home."""
    import os

    configured = os.environ.get(variable)
    if configured:
        return Path(configured)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "newsaudit" / name


StoreOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $NEWSAUDIT_FACTCHECKS or ~/.local/share/newsaudit/factchecks.db)."),
]


@factchecks_app.command("add")
def factchecks_add(
    files: Annotated[list[Path], typer.Argument(help="ClaimReview JSON/JSON-LD/JSONL/HTML files or LIAR .tsv files.")],
    db: StoreOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
) -> None:
    """Load published fact-checks into the store; adding the same ones again changes nothing.

    Example: newsaudit factchecks add reviews.jsonld ../shared/data/liar/train.tsv
    """
    from newsaudit.stores.factchecks import FactCheckStore, read_factchecks

    path = db or _default_store()
    added = unchanged = 0
    skipped = []
    try:
        with FactCheckStore(path) as store:
            for file in files:
                result = store.add(read_factchecks(file))
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
        _fail(error)
    for item in skipped[:20]:
        stderr.print(Text(f"skipped {item.where}: {item.reason}", style="yellow"), soft_wrap=True)
    if len(skipped) > 20:
        stderr.print(Text(f"… and {len(skipped) - 20} more skipped", style="yellow"))
    typer.echo(
        json.dumps(
            {"store": str(path), "added": added, "unchanged": unchanged, "skipped": len(skipped), "total": total}
        )
    )


@factchecks_app.command("search")
def factchecks_search(
    text: Annotated[str, typer.Argument(help="A claim to look up.")],
    db: StoreOption = None,
    limit: Annotated[int, typer.Option(min=1, help="How many fact-checks to show.")] = 5,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
) -> None:
    """The published fact-checks closest to a claim, best first.

    Example: newsaudit factchecks search "The state cut school funding by a third"
    """
    from newsaudit.schema import plain
    from newsaudit.stores.factchecks import FactCheckStore

    path = db or _default_store()
    try:
        with FactCheckStore(path, read_only=True) as store:
            matches = store.search(text, limit)
    except (NewsauditError, OSError) as error:
        _fail(error)
    if format is not OutputFormat.text:
        typer.echo(json.dumps([plain(match) for match in matches]))
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


@corpus_app.command("add")
def corpus_add(
    db: Annotated[str, typer.Argument(help="Store: a SQLite file (created if missing) or a postgresql:// URL.")],
    inputs: Annotated[list[str], typer.Argument(help="Files or directories of articles (any input `audit` reads).")],
    input_format: InputFormatOption = None,
    text_field: TextFieldOption = None,
    title_field: TitleFieldOption = None,
    url_field: UrlFieldOption = None,
    id_field: IdFieldOption = None,
    quiet: Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")] = False,
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
        _fail(error)
    summary = {"store": db, "added": result.added, "replaced": result.replaced, "updated": result.updated}
    typer.echo(json.dumps({**summary, "unchanged": result.unchanged, "skipped": failed, "total": total}))


@corpus_app.command("clusters")
def corpus_clusters(
    db: Annotated[str, typer.Argument(help="Store: a SQLite file or a postgresql:// URL.")],
    min_share: Annotated[float, typer.Option(help="Least share of either text two articles must share.")] = 0.25,
    format: Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")] = OutputFormat.text,
) -> None:
    """Reuse families (syndication chains): articles joined by shared passages, earliest member first.

    Example: newsaudit corpus clusters corpus.db --format jsonl
    """
    from newsaudit.stores.corpus import Corpus

    if "://" not in db and not Path(db).is_file():
        _fail(FileNotFoundError(f"no corpus store at {db}"))
    try:
        with Corpus(db) as store:
            families = store.clusters(min_share=min_share)
    except (NewsauditError, OSError) as error:
        _fail(error)
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


def _default_sources() -> Path:
    return _user_store("NEWSAUDIT_SOURCES", "sources.db")


SourcesStoreOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $NEWSAUDIT_SOURCES or ~/.local/share/newsaudit/sources.db)."),
]


class ListFormat(StrEnum):
    opensources = "opensources"
    opensources_csv = "opensources-csv"
    baly = "baly"
    plain = "plain"


@sources_app.command("add")
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

    path = db or _default_sources()
    if name and len(files) > 1:
        _fail(ValueError("--name names one list: give one file per command"))
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
        _fail(error)
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


@sources_app.command("lookup")
def sources_lookup(
    sites: Annotated[list[str], typer.Argument(help="Domains or URLs.")],
    db: SourcesStoreOption = None,
) -> None:
    """What the loaded lists say about sites, one JSON object per line ("unknown" when no list rates one).

    Example: newsaudit sources lookup https://news.example.com/story --db sources.db
    """
    from newsaudit.schema import plain
    from newsaudit.stores.sources import SourceStore

    path = db or _default_sources()
    if not path.is_file():
        _fail(FileNotFoundError(f"no source store at {path}; create one with `newsaudit sources add`"))
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
        _fail(error)


def _fail(error: BaseException) -> None:
    message = str(error) if not isinstance(error, KeyError) else f"missing key {error}"
    stderr.print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)
    raise typer.Exit(2)


def main() -> None:
    app()
