"""The `newsaudit` command: a thin layer over the Python API.

Each command reads its options, calls one library function, and turns library errors into a one-line
message and an exit code: 0 all good, 1 some article failed, 2 the command itself could not run.

One module per command group (`audit`, `batch`, `evaluate`, `factchecks`, `corpus`, `sources`); what they share
(option types and definitions, store paths, `fail`) is in `options`. This module builds `app` from them.
"""

from __future__ import annotations

from typing import Annotated

import typer

from newsaudit._version import __version__
from newsaudit.cli.audit import audit
from newsaudit.cli.batch import batch, report, summary
from newsaudit.cli.corpus import corpus_app
from newsaudit.cli.evaluate import eval_app
from newsaudit.cli.factchecks import factchecks_app
from newsaudit.cli.options import Command, Group, flag
from newsaudit.cli.serve import serve
from newsaudit.cli.sources import sources_app
from newsaudit.cli.stories import stories, story

__all__ = ["app", "corpus_app", "eval_app", "factchecks_app", "main", "sources_app"]

app = typer.Typer(
    name="newsaudit",
    help="Audit news articles: what they claim, on whose word, how hedged, copied from where.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=Group,
)
app.add_typer(eval_app, name="eval")
app.add_typer(factchecks_app, name="factchecks")
app.add_typer(corpus_app, name="corpus")
app.add_typer(sources_app, name="sources")


def _version(value: bool) -> None:
    if value:
        typer.echo(f"newsaudit {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: Annotated[
        bool, flag("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Audit news articles: what they claim, on whose word, how hedged, copied from where."""


app.command(cls=Command)(audit)
app.command(cls=Command)(batch)
app.command(cls=Command)(summary)
app.command(cls=Command)(report)
app.command(cls=Command)(stories)
app.command(cls=Command)(story)
app.command(cls=Command)(serve)


def main() -> None:
    app()
