"""The corpus store and its reuse index, on SQLite and on PostgreSQL (same tests). Every text is fiction,
generated from the templates in `tests/test_reuse.py`.

The PostgreSQL runs use the server named by `NEWSAUDIT_TEST_POSTGRES` (a `postgresql://` URL), or else a
throwaway server started with `initdb`/`pg_ctl` in a temporary folder; each test gets its own schema. They are
skipped, with the reason, when neither is possible.
"""

from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

from newsaudit.schema import Article
from newsaudit.stores.corpus import Corpus, CorpusError, earlier
from newsaudit.stores.corpus import fingerprints as reuse
from tests.unit.stores.test_fingerprints import LEAD, fictional_article

# -- backends ---------------------------------------------------------------------------------------------------


def _pg_tool(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


def _unavailable(reason: str) -> None:
    """Skip the PostgreSQL variants, or fail them where CI promised a server (NEWSAUDIT_REQUIRE_POSTGRES=1)."""
    if os.environ.get("NEWSAUDIT_REQUIRE_POSTGRES") == "1":
        pytest.fail(f"PostgreSQL is required here but unavailable: {reason}")
    pytest.skip(reason)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server URL: `NEWSAUDIT_TEST_POSTGRES`, or a throwaway server for this session."""
    pytest.importorskip("psycopg", reason="psycopg is not installed (pip install -e '.[postgres]')")
    url = os.environ.get("NEWSAUDIT_TEST_POSTGRES")
    if url:
        yield url
        return
    initdb, pg_ctl = _pg_tool("initdb"), _pg_tool("pg_ctl")
    if not initdb or not pg_ctl:
        _unavailable("no PostgreSQL: set NEWSAUDIT_TEST_POSTGRES or put initdb and pg_ctl on PATH")
    prefix: list[str] = []
    folder = tempfile.mkdtemp(prefix="newsaudit-pg-")
    if os.geteuid() == 0:
        # PostgreSQL refuses to run as root: run it as the `postgres` user, which must own the folder.
        runuser = shutil.which("runuser")
        try:
            user = pwd.getpwnam("postgres")
        except KeyError:
            user = None
        if not runuser or user is None:
            shutil.rmtree(folder, ignore_errors=True)
            _unavailable("running as root without a `postgres` user and runuser to start a throwaway server")
        os.chown(folder, user.pw_uid, user.pw_gid)
        prefix = [runuser, "-u", "postgres", "--"]
    data, port = os.path.join(folder, "data"), _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
    try:
        subprocess.run(
            [*prefix, initdb, "-D", data, "-A", "trust", "-U", "postgres", "-E", "UTF8", "-N"],
            check=True,
            capture_output=True,
            timeout=60,
        )
        subprocess.run(
            [*prefix, pg_ctl, "-D", data, "-o", options, "-l", os.path.join(folder, "log"), "-w", "-t", "30", "start"],
            check=True,
            capture_output=True,
            timeout=60,
        )
    except (subprocess.SubprocessError, OSError) as error:
        shutil.rmtree(folder, ignore_errors=True)
        _unavailable(f"could not start a throwaway PostgreSQL server: {error}")
    try:
        yield f"postgresql://postgres@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run([*prefix, pg_ctl, "-D", data, "-m", "immediate", "stop"], capture_output=True, timeout=60)
        shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(params=["sqlite", "postgresql"])
def location(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """Where a test's corpus lives: a fresh SQLite file, or a fresh schema on the PostgreSQL server."""
    if request.param == "sqlite":
        yield str(tmp_path / "corpus.sqlite")
        return
    import psycopg

    server = request.getfixturevalue("postgres_server")
    schema = f"test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {schema}")
    separator = "&" if "?" in server else "?"
    yield f"{server}{separator}options={quote(f'-csearch_path={schema}')}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f"DROP SCHEMA {schema} CASCADE")


# -- fictional articles -----------------------------------------------------------------------------------------


def story(number: int, *, paragraphs: int = 6, published: str | None = None, text: str | None = None) -> Article:
    return Article(
        id=f"story-{number}",
        url=f"https://example.org/news/{number}",
        domain="example.org",
        title=f"Fictional story {number}",
        published=published,
        text=text if text is not None else fictional_article(1000 + number, paragraphs=paragraphs),
    )


# -- tests ------------------------------------------------------------------------------------------------------


def test_add_is_idempotent(location: str) -> None:
    articles = [story(n) for n in range(5)]
    with Corpus(location) as corpus:
        assert corpus.add(articles).added == 5
        again = corpus.add(articles)
        assert (again.added, again.replaced, again.unchanged) == (0, 0, 5)
        assert len(corpus) == 5
        stored = corpus.get("story-3")
        assert stored is not None
        assert (stored.text, stored.url, stored.title) == (articles[3].text, articles[3].url, articles[3].title)
        assert corpus.get("nothing") is None
    # Reopened, the same articles are still known.
    with Corpus(location) as corpus:
        assert corpus.add(articles[:2]).unchanged == 2
        retitled = Article(**{**_fields(articles[0]), "title": "A new title"})
        result = corpus.add([retitled])
        assert (result.updated, result.replaced) == (1, 0)
        assert corpus.get("story-0").title == "A new title"


def _fields(article: Article) -> dict:
    return {name: getattr(article, name) for name in article.__slots__}


def test_a_new_text_replaces_the_old_one_and_its_keys(location: str) -> None:
    old, new = story(1), story(1, text=fictional_article(77))
    with Corpus(location) as corpus:
        corpus.add([old, story(2)])
        assert corpus.candidates(old.text)[0] == ("story-1", len(reuse.fingerprint(old.text).keys))
        result = corpus.add([new])
        assert (result.added, result.replaced) == (0, 1)
        assert len(corpus) == 2
        assert corpus.get("story-1").text == new.text
        assert "story-1" not in [article_id for article_id, _ in corpus.candidates(old.text)]
        assert corpus.candidates(new.text)[0][0] == "story-1"
        assert corpus.candidates(new.text, exclude_id="story-1") == []


def test_an_excerpt_is_found_from_both_sides(location: str) -> None:
    long_text = fictional_article(500, paragraphs=24)
    paragraphs = long_text.split("\n\n")
    # A quarter of the long article, after a lead of its own, two paragraphs swapped.
    quoted = paragraphs[9:15]
    quoted[1], quoted[4] = quoted[4], quoted[1]
    excerpt = LEAD + "\n\n" + "\n\n".join(quoted)
    long_article = story(1, text=long_text, published="2024-03-01T08:00:00Z")
    short_article = story(2, text=excerpt, published="2024-03-02")
    others = [story(n) for n in range(10, 16)]
    with Corpus(location) as corpus:
        corpus.add([long_article, *others, short_article], batch_size=3)

        from_short = corpus.find_reuse(short_article)
        assert [match.id for match in from_short] == ["story-1"]
        match = from_short[0]
        expected = sum(len(reuse.words(p)) for p in quoted) / len(reuse.words(excerpt))
        assert match.share_this == pytest.approx(expected, abs=0.02)
        assert match.share_other == pytest.approx(0.25, abs=0.03)
        assert (match.url, match.domain, match.published) == (long_article.url, "example.org", "2024-03-01T08:00:00Z")
        assert match.earlier == "other"
        for passage in match.passages:
            assert excerpt[passage.a.start : passage.a.end] == passage.a.text
            assert long_text[passage.b.start : passage.b.end].startswith(passage.b.text.rstrip("…"))

        from_long = corpus.find_reuse(long_article)
        assert [match.id for match in from_long] == ["story-2"]
        assert from_long[0].share_this == pytest.approx(0.25, abs=0.03)
        assert from_long[0].earlier == "this"
        # An article not stored is looked up the same way.
        outside = Article(id="new", text=LEAD + "\n\n" + paragraphs[20] + "\n\n" + paragraphs[21])
        assert [match.id for match in corpus.find_reuse(outside)] == ["story-1", "story-2"][:1]
        assert corpus.find_reuse(Article(id="none", text=fictional_article(9999))) == []


def test_an_interrupted_add_keeps_the_committed_batches(location: str) -> None:
    def articles() -> Iterator[Article]:
        for number in range(8):
            if number == 7:
                raise RuntimeError("the reader failed")
            yield story(number, paragraphs=2)

    with Corpus(location) as corpus:
        with pytest.raises(RuntimeError, match="the reader failed"):
            corpus.add(articles(), batch_size=3)
        # Batches [0, 1, 2] and [3, 4, 5] were committed; 6 was waiting in the third batch.
        assert len(corpus) == 6
        assert corpus.get("story-6") is None
        assert corpus.candidates(story(6, paragraphs=2).text) == []
        assert corpus.add(story(number, paragraphs=2) for number in range(7)).added == 1


def test_clusters_group_reuse_families_with_their_earliest_member(location: str) -> None:
    source = fictional_article(600, paragraphs=10)
    parts = source.split("\n\n")
    copy = LEAD + "\n\n" + "\n\n".join(parts[:6])
    copy_of_copy = "\n\n".join(parts[2:6]) + "\n\n" + fictional_article(601, paragraphs=2)
    other = fictional_article(700, paragraphs=8)
    other_copy = "\n\n".join(other.split("\n\n")[1:7])
    articles = [
        story(1, text=copy, published="2023-05-02"),
        story(2, text=source, published="2023-05-01T09:30:00+02:00"),
        story(3, text=copy_of_copy, published=None),
        story(4, text=other, published="2023-06-10"),
        story(5, text=other_copy, published="2023-06-10"),
        story(6, published="2023-01-01"),
    ]
    with Corpus(location) as corpus:
        corpus.add(articles)
        clusters = corpus.clusters(min_share=0.25)
    assert [(cluster.members, cluster.earliest) for cluster in clusters] == [
        (("story-2", "story-1", "story-3"), "story-2"),
        (("story-4", "story-5"), "story-4"),
    ]


def test_a_store_made_with_other_fingerprints_must_be_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "corpus.sqlite"
    with Corpus(path) as corpus:
        corpus.add([story(1, paragraphs=2)])
        corpus._db.execute("UPDATE meta SET value = 'k9-old' WHERE name = 'fingerprint'")
    with pytest.raises(CorpusError, match="rebuild"):
        Corpus(path)


def test_earlier_compares_publication_dates() -> None:
    assert earlier("2024-01-02", "2024-01-03") == "this"
    assert earlier("2024-01-03T10:00:00+00:00", "2024-01-03T09:00:00Z") == "other"
    assert earlier("2024-01-03T10:00:00+02:00", "2024-01-03T09:00:00Z") == "this"
    assert earlier("2024-01-03", "2024-01-03T09:00:00Z") == "unknown"
    assert earlier(None, "2024-01-03") == "unknown"
    assert earlier("March 3rd", "2024-01-03") == "unknown"
    assert earlier("Published 2023-12-30 by the desk", "2024-01-03") == "this"


# -- failed adds ---------------------------------------------------------------------------------------------------


def _index_state(location: str) -> tuple[int, int, bool]:
    """(articles, index rows, a bulk load still pending), read through the bare backend, which repairs nothing
    (opening a `Corpus` would index what is pending)."""
    from newsaudit.stores.corpus.backends import PostgresBackend, SQLiteBackend

    backend = PostgresBackend(location) if location.startswith("postgresql://") else SQLiteBackend(location)
    try:
        articles = backend.execute("SELECT count(*) FROM articles").fetchone()[0]
        rows = backend.execute("SELECT count(*) FROM lsh").fetchone()[0]
        pending = backend.execute("SELECT 1 FROM meta WHERE name = 'lsh_pending_from'").fetchone() is not None
    finally:
        backend.close()
    return articles, rows, pending


def test_a_failed_bulk_add_indexes_what_it_stored(location: str) -> None:
    def articles() -> Iterator[Article]:
        for number in range(5):
            if number == 4:
                raise OSError("the disk with the inputs went away")
            yield story(number, paragraphs=2)

    with Corpus(location) as corpus:
        with pytest.raises(OSError, match="went away"):
            corpus.add(articles(), batch_size=3, bulk=True)
        # Batch [0, 1, 2] was committed (3 was still in the batch being read): stored, and already searchable.
        assert len(corpus) == 3
        assert corpus.candidates(story(2, paragraphs=2).text)[0][0] == "story-2"
    stored, rows, pending = _index_state(location)
    assert stored == 3 and rows > 0 and not pending


def test_cli_corpus_add_with_a_missing_input_writes_nothing(location: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from newsaudit.cli import app

    first = tmp_path / "first.txt"
    first.write_text("Fictional ferry story\n\n" + fictional_article(31, paragraphs=3), encoding="utf-8")
    result = CliRunner().invoke(app, ["corpus", "add", location, str(first), str(tmp_path / "missing.txt"), "-q"])
    assert result.exit_code == 2 and "missing.txt" in result.stderr and "Traceback" not in result.output
    if location.startswith("postgresql://"):
        assert _index_state(location) == (0, 0, False)
    else:
        assert not Path(location).exists()  # not even an empty store was made


def test_cli_corpus_add_failing_midway_leaves_the_store_indexed(
    location: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from typer.testing import CliRunner

    import newsaudit.ingest.extract as extract
    from newsaudit.cli import app

    folder = tmp_path / "articles"
    folder.mkdir()
    for number in range(3):
        text = f"Fictional story {number}\n\n" + fictional_article(40 + number, paragraphs=3)
        (folder / f"{number}.txt").write_text(text, encoding="utf-8")
    real = extract.extract_article

    def failing(raw, **options):
        if raw.source.endswith("2.txt"):
            raise OSError("input device error")
        return real(raw, **options)

    monkeypatch.setattr(extract, "extract_article", failing)
    result = CliRunner().invoke(app, ["corpus", "add", location, str(folder), "-q"])
    assert result.exit_code == 2 and "input device error" in result.stderr
    stored, rows, pending = _index_state(location)
    # The failure came inside the first batch: nothing of it was stored, and no half-done bulk load is left.
    assert not pending and (stored, rows) == (0, 0)
