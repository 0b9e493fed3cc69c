"""What a server may be started with, and the app's read guard, without starting worker processes: the app is
called in-process through Starlette's test client, not entered, so the lifespan (which starts the pool) does not
run."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from newsaudit.errors import SettingsError
from newsaudit.server import ServerConfig, create_app, read_token
from newsaudit.server.guard import token_matches
from newsaudit.settings import Settings

TOKEN = "fictional-test-token-0123456789abcdef"


def test_a_public_address_without_a_token_is_refused_unless_insecure() -> None:
    with pytest.raises(SettingsError, match="without a token"):
        ServerConfig(host="0.0.0.0")
    assert ServerConfig(host="0.0.0.0", insecure=True).insecure
    assert ServerConfig(host="0.0.0.0", token=TOKEN).token == TOKEN
    for host in ("127.0.0.1", "::1", "localhost", "127.5.5.5"):
        assert ServerConfig(host=host).loopback


def test_bad_limits_and_short_tokens_are_refused() -> None:
    for options in ({"workers": 0}, {"queue": -1}, {"timeout": 0}, {"token": "short"}, {"protect_reads": True}):
        with pytest.raises(SettingsError):
            ServerConfig(**options)
    assert ServerConfig().body_limit == Settings().max_bytes
    assert ServerConfig(max_body=1000).body_limit == 1000


def test_the_token_comes_from_a_file_or_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSAUDIT_API_TOKEN", "from-the-environment-0123")
    assert read_token(None) == "from-the-environment-0123"
    path = tmp_path / "token"
    path.write_text("from-the-file-0123456789\nignored\n")
    assert read_token(path) == "from-the-file-0123456789"
    path.write_text("\n")
    with pytest.raises(SettingsError, match="empty"):
        read_token(path)
    with pytest.raises(SettingsError, match="cannot read"):
        read_token(tmp_path / "missing")


def test_token_matching_is_exact_and_needs_the_bearer_scheme() -> None:
    assert token_matches(f"Bearer {TOKEN}", TOKEN) and token_matches(f"bearer  {TOKEN}", TOKEN)
    for given in (None, "", TOKEN, f"Basic {TOKEN}", f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}"):
        assert not token_matches(given, TOKEN)
    assert not token_matches(f"Bearer {TOKEN}", None)


def test_protected_reads_need_the_token(tmp_path: Path) -> None:
    settings = Settings(corpus=str(tmp_path / "corpus.db"))
    app = create_app(ServerConfig(settings=settings, token=TOKEN, protect_reads=True))
    client = TestClient(app)  # not entered: the lifespan (the worker pool) does not start
    for path in ("/v1/articles", "/v1/claims", "/v1/sources/example.org", "/", "/search"):
        assert client.get(path).status_code == 401, path
    authorised = client.get("/v1/articles", headers={"authorization": f"Bearer {TOKEN}"})
    assert authorised.status_code == 200 and authorised.json()["results"] == []
    assert client.get("/healthz").status_code == 200  # liveness stays open


def test_a_server_without_a_token_takes_no_writes(tmp_path: Path) -> None:
    app = create_app(ServerConfig(settings=Settings(corpus=str(tmp_path / "corpus.db"))))
    client = TestClient(app)
    response = client.post("/v1/articles", json={"text": "Some text."}, headers={"authorization": "Bearer x"})
    assert response.status_code == 403 and response.json()["error"] == "writes_disabled"
    assert client.get("/v1/articles/missing").status_code == 404
    assert client.get("/no/such/page").status_code == 404
    assert client.get("/static/app.css").headers["content-type"].startswith("text/css")


def test_the_cli_refuses_a_public_address_without_a_token(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from typer.testing import CliRunner

    from newsaudit.cli import app

    monkeypatch.delenv("NEWSAUDIT_API_TOKEN", raising=False)
    result = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--corpus", str(tmp_path / "c.db")])
    assert result.exit_code == 2 and "without a token" in result.output
