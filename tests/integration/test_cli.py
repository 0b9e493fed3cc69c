import json
import re
import subprocess
import sys

import pytest
from typer.testing import CliRunner

from newsaudit import __version__
from newsaudit.cli import app
from tests.conftest import EXAMPLES, SCRAPED_STORY

runner = CliRunner()


@pytest.fixture(autouse=True)
def no_user_stores(tmp_path, monkeypatch):
    """The user's own default stores (a fact-check store `audit` would use) stay out of these tests."""
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data-home"))
    for name in ("NEWSAUDIT_FACTCHECKS", "NEWSAUDIT_SOURCES", "NEWSAUDIT_CORPUS"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def story(tmp_path):
    path = tmp_path / "story.txt"
    path.write_text(SCRAPED_STORY, encoding="utf-8")
    return path


def test_cli_version():
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout.strip() == f"newsaudit {__version__}"


def test_cli_audit_json_of_one_file(story):
    result = runner.invoke(app, ["audit", str(story), "--format", "json", "--workers", "1"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["article"]["title"].startswith("Harbor Officials")
    assert [piece["kind"] for piece in data["article"]["removed"]] == [
        "badge",
        "related_link",
        "share_bar",
        "comment_box",
    ]
    assert "Leave a Reply" not in data["article"]["text"]


def test_cli_audit_text_report_shows_title_and_chrome(story):
    result = runner.invoke(app, ["audit", str(story), "--workers", "1"])
    assert result.exit_code == 0
    assert "Harbor Officials Deny" in result.stdout and "Removed site chrome" in result.stdout
    assert "related_link" in result.stdout


def test_cli_article_text_cannot_inject_terminal_markup(tmp_path):
    path = tmp_path / "markup.txt"
    path.write_text("[bold red]Injected[/bold red] fictional headline\n\nA [link=https://evil.test]body[/link] text.")
    result = runner.invoke(app, ["audit", str(path), "--workers", "1"])
    assert result.exit_code == 0 and "[bold red]Injected[/bold red]" in result.stdout


def test_cli_audit_directory_as_jsonl_to_a_file(tmp_path):
    out = tmp_path / "audits.jsonl"
    result = runner.invoke(app, ["audit", str(EXAMPLES), "--format", "jsonl", "-o", str(out), "--workers", "2"])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 8 and all(not row["errors"] or row["errors"][0]["severity"] == "warning" for row in rows)


def test_cli_several_articles_as_json_make_an_array(tmp_path):
    result = runner.invoke(app, ["audit", str(EXAMPLES / "corpus.jsonl"), "--format", "json", "-q"])
    assert result.exit_code == 0
    assert [item["article"]["id"] for item in json.loads(result.stdout)] == ["fic-001", "fic-002", "fic-003"]


def test_cli_stdin_with_field_mapping():
    lines = "\n".join(
        json.dumps(
            {
                "key": f"k{i}",
                "headline": f"Fictional H{i}",
                "story": "The fictional mill in Grainford reopened on Monday.",
            }
        )
        for i in range(2)
    )
    result = runner.invoke(
        app,
        ["audit", "-", "--format", "jsonl", "--text-field", "story", "--title-field", "headline", "--id-field", "key"],
        input=lines + "\n",
    )
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert [(row["article"]["id"], row["article"]["title"]) for row in rows] == [
        ("k0", "Fictional H0"),
        ("k1", "Fictional H1"),
    ]


def test_cli_bad_records_are_reported_and_set_the_exit_code(tmp_path, story):
    (tmp_path / "empty.txt").write_bytes(b"")
    (tmp_path / "junk.html").write_bytes(bytes(range(256)) * 20)
    result = runner.invoke(app, ["audit", str(tmp_path), "--format", "jsonl", "--workers", "1"])
    assert result.exit_code == 1
    rows = {row["article"]["source"].split("/")[-1]: row for row in map(json.loads, result.stdout.splitlines())}
    assert rows["empty.txt"]["errors"][0]["code"] == "empty_input"
    assert rows["junk.html"]["errors"][0]["code"] == "binary_input"
    assert rows["story.txt"]["errors"] == []
    assert "3 articles: 1 audited, 2 failed (see their errors)" in result.stderr
    assert "Traceback" not in result.output


def test_cli_size_limit_message(story):
    result = runner.invoke(app, ["audit", str(story), "--format", "json", "--max-bytes", "100"])
    assert result.exit_code == 1
    assert "over the 100 bytes limit" in json.loads(result.stdout)["errors"][0]["message"]


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        (["audit", "/no/such/file.txt"], "no such file or directory"),
        (["audit", "x", "--max-bytes", "0"], "max_bytes must be"),
        (["audit", "x", "--model", "xx_missing_pipeline"], "not installed"),
    ],
)
def test_cli_usage_errors_are_one_line_and_exit_2(story, arguments, message):
    arguments = [str(story) if a == "x" else a for a in arguments]
    result = runner.invoke(app, arguments)
    assert result.exit_code == 2
    assert result.stderr.startswith("Error: ") and message in result.stderr and "Traceback" not in result.output


def test_cli_eval_extraction_prints_the_contract(tmp_path):
    html_dir = tmp_path / "html"
    html_dir.mkdir()
    body = " ".join(f"Sentence {j} about the fictional lantern parade in Westbury on Saturday." for j in range(10))
    (html_dir / "p1.html").write_text(f"<html><body><article><p>{body}</p></article></body></html>")
    (tmp_path / "gt.json").write_text(json.dumps({"p1": {"articleBody": body, "url": ""}}))
    result = runner.invoke(app, ["eval", "extraction", str(html_dir), str(tmp_path / "gt.json"), "--compare"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert {"f1", "precision", "recall", "n"} <= set(data) and data["n"] == 1
    assert {"f1", "precision", "recall", "n"} <= set(data["trafilatura"])


def test_cli_installed_entry_point_runs_end_to_end():
    completed = subprocess.run(
        [sys.executable, "-m", "newsaudit", "audit", str(EXAMPLES / "04-port-strike.txt"), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    assert json.loads(completed.stdout)["article"]["title"].startswith("Dockworkers in Saltmere")


def test_cli_fifty_megabyte_file_is_refused_by_the_default_limit(tmp_path, story):
    huge = tmp_path / "huge.html"
    with huge.open("wb") as handle:
        handle.truncate(50 * 1024 * 1024)  # sparse: 50 MB of size without writing it
    result = runner.invoke(app, ["audit", str(huge), str(story), "--format", "jsonl", "--workers", "1"])
    assert result.exit_code == 1
    rows = [json.loads(line) for line in result.stdout.splitlines()]
    assert rows[0]["errors"][0]["code"] == "input_too_large"
    assert "52.4 MB, over the 10.0 MB limit" in rows[0]["errors"][0]["message"]
    assert rows[1]["errors"] == [] and rows[1]["article"]["title"].startswith("Harbor Officials")


# -- nothing dropped silently, no half-written file ---------------------------------------------------------------


def failing_after_one(monkeypatch):
    """Make every run fail after its first audit, as a store or disk failing midway would."""
    from newsaudit.auditor import Auditor
    from newsaudit.errors import StoreError

    real = Auditor.audit_many

    def audit_many(self, items, **options):
        for number, result in enumerate(real(self, items, workers=1)):
            if number == 1:
                raise StoreError("the store went away midway")
            yield result

    monkeypatch.setattr(Auditor, "audit_many", audit_many)


@pytest.mark.parametrize("format", ["text", "json", "jsonl", "html"])
@pytest.mark.parametrize("existed", [True, False])
def test_cli_output_file_is_whole_or_untouched_when_the_run_fails_midway(tmp_path, monkeypatch, format, existed):
    failing_after_one(monkeypatch)
    out = tmp_path / "out" / f"audits.{format}"
    out.parent.mkdir()
    if existed:
        out.write_text("the previous run\n")
    result = runner.invoke(app, ["audit", str(EXAMPLES / "corpus.jsonl"), "--format", format, "-o", str(out), "-q"])
    assert result.exit_code == 2 and "Traceback" not in result.output
    assert sorted(p.name for p in out.parent.iterdir()) == ([out.name] if existed else [])
    if existed:
        assert out.read_text() == "the previous run\n"


def test_cli_html_for_several_articles_without_a_folder_writes_nothing(tmp_path):
    several = tmp_path / "two.jsonl"  # a count the names cannot tell: found out at the second article
    several.write_text(
        "".join(
            json.dumps({"id": f"f{n}", "text": f"The fictional pier in Gullhaven reopened on day {n}."}) + "\n"
            for n in range(2)
        )
    )
    for args in ([str(several)], [str(EXAMPLES)], [str(EXAMPLES), "-o", str(tmp_path / "all.html")]):
        result = runner.invoke(app, ["audit", *args, "--format", "html", "-q", "--workers", "1"])
        assert result.exit_code == 2 and "folder" in result.stderr
        assert result.stdout == ""
    assert not (tmp_path / "all.html").exists()


def test_cli_folder_audit_records_every_file_and_lists_what_it_leaves_out(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "story.txt").write_text(SCRAPED_STORY, encoding="utf-8")
    (folder / "noext").write_text("A fictional headline\n\nThe ferry to Lowmarsh ran late on Friday, its captain said.")
    (folder / "blob").write_bytes(bytes(range(256)) * 8)
    (folder / "gone.html").symlink_to(folder / "deleted.html")
    (folder / "notes.md").write_text("Notes, not an article.")
    (folder / ".draft.txt").write_text("hidden")
    result = runner.invoke(app, ["audit", str(folder), "--format", "jsonl", "--workers", "1"])
    assert result.exit_code == 1
    rows = {row["article"]["source"].split("/")[-1]: row for row in map(json.loads, result.stdout.splitlines())}
    assert sorted(rows) == ["blob", "gone.html", "noext", "story.txt"]
    assert rows["noext"]["errors"] == [] and rows["blob"]["errors"][0]["code"] == "binary_input"
    assert "broken symbolic link" in rows["gone.html"]["errors"][0]["message"]
    assert "4 articles: 2 audited, 2 failed" in result.stderr
    assert "1 hidden (.draft.txt)" in result.stderr and "1 not an article format (notes.md)" in result.stderr


def test_cli_closing_line_goes_to_stderr_and_quiet_silences_it(story):
    result = runner.invoke(app, ["audit", str(story), "--format", "json", "--workers", "1"])
    assert result.exit_code == 0
    assert json.loads(result.stdout)["article"]["title"].startswith("Harbor Officials")  # stdout: JSON only
    assert re.search(r"^1 article: 1 audited, 0 failed, in \d+\.\d s$", result.stderr, re.MULTILINE)
    quiet = runner.invoke(app, ["audit", str(story), "--format", "json", "--workers", "1", "-q"])
    assert quiet.exit_code == 0 and quiet.stderr == ""


def _all_commands():
    from newsaudit.cli import app as root

    yield []
    for command in root.registered_commands:
        yield [command.name or command.callback.__name__]
    for group in root.registered_groups:
        yield [group.name]
        for command in group.typer_instance.registered_commands:
            yield [group.name, command.name or command.callback.__name__.replace("_", "-")]


@pytest.mark.parametrize("command", list(_all_commands()), ids=" ".join)
def test_cli_help_shows_flags_without_a_value_type(command):
    result = runner.invoke(app, [*command, "--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0, result.output
    assert "--help" in result.stdout and "<bool>" not in result.stdout
