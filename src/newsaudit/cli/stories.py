"""`newsaudit stories` and `newsaudit story`: the corpus's stories across outlets, and one story's timeline."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table
from rich.text import Text

from newsaudit.cli.options import fail
from newsaudit.errors import NewsauditError


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class StoryFormat(StrEnum):
    text = "text"
    json = "json"
    html = "html"


OwnersOption = Annotated[
    Path | None,
    typer.Option("--owners", help="Who owns which outlet (CSV or TSV of domain,owner): one owner, one origin."),
]


def _require(db: str) -> None:
    if "://" not in db and not Path(db).is_file():
        fail(FileNotFoundError(f"no corpus store at {db}"))


def stories(
    db: Annotated[str, typer.Argument(help="Corpus store: a SQLite file or a postgresql:// URL.")],
    since: Annotated[
        str | None, typer.Option(help="Only stories with an article published or first seen on or after this date.")
    ] = None,
    format: Annotated[ListFormat, typer.Option("--format", "-f", help="Output format.")] = ListFormat.text,
    owners: OwnersOption = None,
) -> None:
    """The stories in a corpus, largest first: size, independent origins, first report; the JSON lists every
    story with the ids of all its members (earliest first).

    Example: newsaudit stories corpus.db --since 2024-03-01 --format json
    """
    from newsaudit.stages.story import story_families
    from newsaudit.stores.corpus import Corpus
    from newsaudit.stores.sources.owners import read_owners

    _require(db)
    if since is not None and not _is_date(since):
        fail(ValueError(f"--since takes a date as YYYY-MM-DD, not {since!r}"))
    try:
        owner_list = read_owners(str(owners)) if owners else {}
        with Corpus(db) as corpus:
            placed = corpus.assign_stories()
            rows = []
            for row in corpus.stories(since):
                found = story_families(corpus, row.id, owner_list) if row.size > 1 else None
                rows.append((row, found))
    except (NewsauditError, OSError) as error:
        fail(error)
    if format is ListFormat.json:
        typer.echo(
            json.dumps(
                [
                    {
                        "id": row.id,
                        "size": row.size,
                        "origins": found.origins if found else 1,
                        "first_report": found.first_report if found else row.members[0],
                        "first_published": row.first_published,
                        "last_published": row.last_published,
                        "undated": found.undated if found else int(row.first_published is None),
                        "members": list(row.members),
                    }
                    for row, found in rows
                ],
                ensure_ascii=False,
            )
        )
        return
    table = Table(title=f"Stories in {db}", title_justify="left", expand=True)
    for column, justify in (("story", "right"), ("size", "right"), ("origins", "right")):
        table.add_column(column, justify=justify, no_wrap=True)
    table.add_column("first report", ratio=2, overflow="fold")
    table.add_column("published", no_wrap=True)
    for row, found in rows:
        first = found.first_report if found else row.members[0]
        table.add_row(str(row.id), str(row.size), str(found.origins if found else 1), first, row.first_published or "")
    console = Console()
    console.print(table if rows else Text("no stories", style="yellow"))
    if placed:
        console.print(Text(f"{placed} stored article(s) were placed in stories first", style="dim"))


def story(
    db: Annotated[str, typer.Argument(help="Corpus store: a SQLite file or a postgresql:// URL.")],
    story_id: Annotated[int, typer.Argument(metavar="ID", help="The story's id (from `newsaudit stories`).")],
    format: Annotated[StoryFormat, typer.Option("--format", "-f", help="Output format.")] = StoryFormat.text,
    owners: OwnersOption = None,
) -> None:
    """One story's timeline: its first report, copies, follow-ups and rebuttals, and the first report's claims
    with their corroboration and who denies them. `--format html` is the self-contained story page.

    Example: newsaudit story corpus.db 12 --format html > story-12.html
    """
    from newsaudit.auditor import Auditor

    _require(db)
    try:
        auditor = Auditor(corpus=db, owners=str(owners) if owners else None, workers=1)
        audit = auditor.story(story_id)
    except (NewsauditError, OSError) as error:
        fail(error)
    if format is StoryFormat.json:
        typer.echo(json.dumps(audit.to_dict(), ensure_ascii=False))
    elif format is StoryFormat.html:
        from newsaudit.render.html.story_page import render_story

        typer.echo(render_story(audit), nl=False)
    else:
        from newsaudit.render.terminal import story as story_panel

        Console().print(story_panel(audit, members=200))


def _is_date(value: str) -> bool:
    from datetime import date

    try:
        date.fromisoformat(value[:10])
    except ValueError:
        return False
    return True
