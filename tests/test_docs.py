"""Every CLI command explains itself with an example, and the README names every `eval` command."""

from pathlib import Path

import pytest

from newsaudit.cli import app, corpus_app, eval_app, factchecks_app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = (
    [(None, c) for c in app.registered_commands]
    + [("eval", c) for c in eval_app.registered_commands]
    + [("factchecks", c) for c in factchecks_app.registered_commands]
    + [("corpus", c) for c in corpus_app.registered_commands]
)


@pytest.mark.parametrize(("group", "command"), COMMANDS, ids=lambda item: getattr(item, "name", None) or str(item))
def test_docs_every_command_has_help_with_an_example(group, command):
    doc = command.callback.__doc__ or ""
    assert doc.strip(), command.callback.__name__
    assert "Example" in doc, command.callback.__name__


@pytest.mark.parametrize("command", eval_app.registered_commands, ids=lambda c: c.name)
def test_docs_readme_shows_every_eval_command(command):
    assert f"newsaudit eval {command.name}" in README
