"""What the `newsaudit` commands share: option types and definitions, store paths, the error exit, progress.

Commands report a library error as one line on stderr and exit 2 (`fail`); 1 means some article failed.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console
from rich.progress import ProgressColumn, Task
from rich.text import Text

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


FormatOption = Annotated[OutputFormat, typer.Option("--format", "-f", help="Output format.")]
QuietOption = Annotated[bool, typer.Option("--quiet", "-q", help="No progress bar.")]

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
    """Print the error as one line on stderr and exit 2: the command itself could not run."""
    message = str(error) if not isinstance(error, KeyError) else f"missing key {error}"
    stderr.print(Text("Error: ", style="bold red") + Text(message), soft_wrap=True)
    raise typer.Exit(2)


class RateColumn(ProgressColumn):
    """Articles per second, for the progress bars of commands that audit many articles."""

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.1f} articles/s" if speed else "", style="progress.data.speed")
