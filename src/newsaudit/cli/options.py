"""What the `newsaudit` commands share: option types and definitions, store paths, the error exit, progress.

Commands report a library error as one line on stderr and exit 2 (`fail`); 1 means some article failed.
Boolean options are declared with `flag` and commands with `Command`/`Group`, so `--help` lists them as the
plain flags they are (Typer's rich help otherwise prints a `<bool>` type beside each).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, ProgressColumn, SpinnerColumn, Task, TextColumn, TimeElapsedColumn
from rich.text import Text
from typer.core import TyperCommand, TyperGroup

stderr = Console(stderr=True)


def flag(*names: str, help: str, **options: Any) -> Any:
    """A boolean option shown in `--help` without a value type: it takes none."""
    return typer.Option(*names, help=help, metavar="", **options)


class Command(TyperCommand):
    """A command whose `--help` option is listed as a plain flag."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


def fill_optional_values(args: list[str], optional: dict[str, str]) -> list[str]:
    """`args` with the default value put after each option of `optional` given without one (`--folds` alone
    becomes `--folds 5`; `--folds 10` stays). A value is a whole number; nothing after `--` is touched."""
    out: list[str] = []
    for index, arg in enumerate(args):
        out.append(arg)
        if arg == "--":
            return out + list(args[index + 1 :])
        following = args[index + 1] if index + 1 < len(args) else None
        if arg in optional and (following is None or not following.isdigit()):
            out.append(optional[arg])
    return out


def optional_values(**defaults: str) -> type[Command]:
    """A `Command` class whose options named in `defaults` (`folds="5"` for `--folds`) may go without a value,
    which Typer's options cannot: the default is filled in before parsing (see `fill_optional_values`)."""
    optional = {"--" + name.replace("_", "-"): value for name, value in defaults.items()}

    class OptionalValueCommand(Command):
        def parse_args(self, ctx, args):
            return super().parse_args(ctx, fill_optional_values(list(args), optional))

    return OptionalValueCommand


class Group(TyperGroup):
    """A command group whose `--help` option is listed as a plain flag."""

    def get_help_option(self, ctx):
        option = super().get_help_option(ctx)
        if option is not None:
            option.metavar = ""
        return option


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    jsonl = "jsonl"
    html = "html"
    jsonld = "jsonld"


class InputFormat(StrEnum):
    html = "html"
    text = "text"
    jsonl = "jsonl"
    json = "json"
    csv = "csv"
    tsv = "tsv"
    warc = "warc"
    parquet = "parquet"


class ExtractionMode(StrEnum):
    precision = "precision"
    balanced = "balanced"
    recall = "recall"


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
QuietOption = Annotated[bool, flag("--quiet", "-q", help="No progress bar and no closing summary.")]

# Reading options shared by every command that takes articles.
InputFormatOption = Annotated[
    InputFormat | None, typer.Option("--input-format", help="Input format (default: from name and content).")
]
TextFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the article text.")]
TitleFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the title.")]
UrlFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the URL.")]
IdFieldOption = Annotated[str | None, typer.Option(help="JSONL/CSV field holding the article id.")]


def user_store(variable: str, name: str) -> Path:
    """A store's default path: $variable, else newsaudit's folder under the user's data home."""
    import os

    configured = os.environ.get(variable)
    if configured:
        return Path(configured)
    data_home = Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share")
    return data_home / "newsaudit" / name


# The `--db` help texts below name these defaults: change them together.
def default_factchecks() -> Path:
    return user_store("NEWSAUDIT_FACTCHECKS", "factchecks.db")


def default_sources() -> Path:
    return user_store("NEWSAUDIT_SOURCES", "sources.db")


FactChecksStoreOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $NEWSAUDIT_FACTCHECKS or ~/.local/share/newsaudit/factchecks.db)."),
]
SourcesStoreOption = Annotated[
    Path | None,
    typer.Option("--db", help="Store file (default: $NEWSAUDIT_SOURCES or ~/.local/share/newsaudit/sources.db)."),
]


def fail(error: BaseException) -> NoReturn:
    """Print the error as one line on stderr and exit 2: the command itself could not run. A message of
    several lines (a database driver's, say) is joined into one."""
    message = str(error) if not isinstance(error, KeyError) else f"missing key {error}"
    message = " ".join(message.split())
    stderr.print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)
    raise typer.Exit(2)


class RateColumn(ProgressColumn):
    """Articles per second since the start, shown once a second has passed: a batch that arrives at once does
    not make a rate (Rich's own estimate divides it by the milliseconds between two updates)."""

    def render(self, task: Task) -> Text:
        rate = average_rate(task)
        return Text(f"{rate:.1f} articles/s" if rate else "", style="progress.data.speed")


class EtaColumn(ProgressColumn):
    """Time left at the average rate, when the total is known."""

    def render(self, task: Task) -> Text:
        rate = average_rate(task)
        if not rate or task.total is None:
            return Text("")
        seconds = max(0, int((task.total - task.completed) / rate))
        return Text(f"ETA {seconds // 3600}:{seconds // 60 % 60:02d}:{seconds % 60:02d}", style="progress.remaining")


def average_rate(task: Task) -> float | None:
    """Completed items per second since the task started; None in its first second or before the first item."""
    elapsed = task.elapsed
    if not elapsed or elapsed < 1.0 or not task.completed:
        return None
    return task.completed / elapsed


@dataclass
class Tally:
    """What a command that goes through many articles did, for its closing line."""

    total: int | None = None
    count: int = 0
    failed: int = 0
    started: float = field(default_factory=time.monotonic)

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started


@contextmanager
def progress(what: str, total: int | None, *, quiet: bool) -> Iterator[Any]:
    """A progress bar on stderr (a terminal only, not with `--quiet`): `step()` advances it by one item. With
    `total` known it shows n/total and an ETA; without, it stays hidden until a second item arrives."""
    counted = "{task.completed}/{task.total} articles" if total is not None else "{task.completed} articles"
    columns = (SpinnerColumn(), TextColumn(what), BarColumn(), TextColumn(counted), RateColumn(), EtaColumn())
    show = not quiet and stderr.is_terminal
    with Progress(*columns, TimeElapsedColumn(), console=stderr, transient=True, disable=not show) as bar:
        task = bar.add_task(what, total=total, visible=total is not None and total > 1)

        def step() -> None:
            bar.advance(task)
            if bar.tasks[0].completed > 1:
                bar.update(task, visible=True)

        yield step


def tracked(items: Iterable[Any], tally: Tally, step: Any) -> Iterator[Any]:
    """`items`, counted into `tally` (an item with a true `failed` counts as failed) and stepping the bar."""
    for item in items:
        tally.count += 1
        tally.failed += bool(getattr(item, "failed", False))
        step()
        yield item


def plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def left_out_line(skipped: dict[str, list[str]]) -> str | None:
    """One line naming what a directory walk left out, by rule (`read`'s `on_skip` reasons), or None."""
    if not skipped:
        return None
    parts = []
    for reason, paths in sorted(skipped.items()):
        names = ", ".join(Path(path).name for path in paths[:5]) + (", …" if len(paths) > 5 else "")
        parts.append(f"{len(paths)} {reason} ({names})")
    return f"left out of the folders: {'; '.join(parts)}"


def require_store_files(settings, *, created: tuple[str, ...] = ()) -> None:
    """A store file named but missing is a usage error, with the command that makes one (`created`: stores
    the command makes itself when missing, e.g. `batch` the corpus it builds)."""
    for name, location, noun, command in (
        ("sources", settings.sources, "source store", "sources add"),
        ("corpus", settings.corpus, "corpus store", "corpus add"),
        ("factchecks", settings.factchecks, "fact-check store", "factchecks add"),
    ):
        if name not in created and location and "://" not in location and not Path(location).is_file():
            raise FileNotFoundError(f"no {noun} at {location}; create one with `newsaudit {command}`")
