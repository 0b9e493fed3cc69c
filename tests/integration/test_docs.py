"""Every CLI command explains itself with an example, and the README names every command of every group."""

import pytest

from newsaudit.cli import app
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")
#: Every command group registered on the app (`eval`, `factchecks`, `corpus`, `sources`, …): none left out by hand.
GROUPS = {group.name: group.typer_instance for group in app.registered_groups}
COMMANDS = [(None, c) for c in app.registered_commands] + [
    (name, c) for name, group in GROUPS.items() for c in group.registered_commands
]


def _name(command) -> str:
    """The command as typed: its registered name, else (as Typer does) its function's name with dashes."""
    return command.name or command.callback.__name__.lower().replace("_", "-")


def _usage(group, command) -> str:
    return f"newsaudit {group} {_name(command)}" if group else f"newsaudit {_name(command)}"


def _id(item):
    return _name(item) if hasattr(item, "callback") else str(item)


def test_docs_sees_every_command_group():
    assert {"eval", "factchecks", "corpus", "sources"} <= set(GROUPS)
    assert all(group.registered_commands for group in GROUPS.values())
    assert {(None, "audit"), ("sources", "add"), ("sources", "lookup")} <= {(g, _name(c)) for g, c in COMMANDS}


@pytest.mark.parametrize(("group", "command"), COMMANDS, ids=_id)
def test_docs_every_command_has_help_with_an_example(group, command):
    doc = command.callback.__doc__ or ""
    assert doc.strip(), command.callback.__name__
    assert "Example" in doc, command.callback.__name__
    assert _usage(group, command) in doc, command.callback.__name__


@pytest.mark.parametrize(("group", "command"), COMMANDS, ids=_id)
def test_docs_readme_shows_every_command(group, command):
    assert _usage(group, command) in README
