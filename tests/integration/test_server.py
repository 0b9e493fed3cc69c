"""`newsaudit serve` for real: a server process on loopback (uvicorn, worker processes, a corpus store on SQLite
and on PostgreSQL), called with httpx. Every article is fiction written for the tests."""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest

from tests.conftest import EXAMPLES
from tests.integration.server_fixtures import TOKEN, Server, fictional_story, running_server
from tests.integration.test_corpus import postgres_server as postgres_server

PWNED = '<script>window.__pwned=1</script><img src=x onerror="window.__pwned=1">'
TEXT = (
    "Mayor Rosa Lindqvist said on Monday that the new Examplefield footbridge cost 2.5 million dollars.\n\n"
    "Two unnamed council officials told reporters the project ran six months late. The riders' association said "
    "cyclists had waited for a safe crossing for years, and the council denied that the budget had been cut."
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def server(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    folder = tmp_path_factory.mktemp("server")
    if request.param == "sqlite":
        corpus = str(folder / "corpus.db")
        cleanup = None
    else:
        import psycopg

        url = request.getfixturevalue("postgres_server")
        schema = f"serve_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"CREATE SCHEMA {schema}")
        corpus = f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"

        def cleanup() -> None:
            with psycopg.connect(url, autocommit=True) as admin:
                admin.execute(f"DROP SCHEMA {schema} CASCADE")

    options = ("--workers", "1", "--queue", "8", "--timeout", "120", "--max-body", "400000")
    with running_server(corpus, folder, *options) as running:
        with running.client() as client:
            for body in fictional_story():
                response = client.post("/v1/articles", json=body)
                assert response.status_code == 201, response.text
        yield running
    if cleanup is not None:
        cleanup()


@pytest.fixture()
def client(server: Server) -> Iterator[httpx.Client]:
    with server.client() as opened:
        yield opened


def _total(client: httpx.Client) -> int:
    return client.get("/v1/articles", params={"limit": 1}).json()["facets"]["total"]


# -- the API ----------------------------------------------------------------------------------------------------


def test_health_openapi_and_docs_come_from_the_package(client: httpx.Client) -> None:
    health = client.get("/healthz").json()
    assert health["status"] == "ok" and health["corpus"] is True
    schema = client.get("/openapi.json").json()
    assert {"/v1/audit", "/v1/articles", "/v1/articles/{article_id}", "/v1/claims", "/v1/stories"} <= set(
        schema["paths"]
    )
    docs = client.get("/docs")
    assert docs.status_code == 200 and "/v1/articles/{article_id}/reuse" in docs.text
    assert "<script" not in docs.text and "cdn" not in docs.text.lower()
    assert "script-src" not in docs.headers["content-security-policy"]  # default-src 'none' covers scripts
    assert "default-src 'none'" in docs.headers["content-security-policy"]


def test_audit_takes_json_text_and_html(client: httpx.Client) -> None:
    from_json = client.post("/v1/audit", json={"text": TEXT, "title": "Footbridge opens", "url": "https://x.example/a"})
    assert from_json.status_code == 200
    audit = from_json.json()
    assert audit["schema_version"] and audit["article"]["title"] == "Footbridge opens"
    assert audit["article"]["domain"] == "x.example" and audit["claims"]
    as_text = client.post(
        "/v1/audit", content=("Footbridge opens\n\n" + TEXT).encode(), headers={"content-type": "text/plain"}
    )
    assert as_text.status_code == 200 and as_text.json()["article"]["title"] == "Footbridge opens"
    page = (EXAMPLES / "02-council-budget.html").read_bytes()
    as_html = client.post("/v1/audit", content=page, headers={"content-type": "text/html; charset=utf-8"})
    assert as_html.status_code == 200 and "budget" in as_html.json()["article"]["title"].lower()
    report = client.post("/v1/audit", params={"format": "html"}, json={"text": TEXT})
    assert report.headers["content-type"].startswith("text/html") and "<script" not in report.text
    assert "style-src 'sha256-" in report.headers["content-security-policy"]
    negotiated = client.post("/v1/audit", json={"text": TEXT}, headers={"accept": "text/html"})
    assert negotiated.headers["content-type"].startswith("text/html")


def test_jsonld_from_a_fresh_audit_and_a_stored_one(client: httpx.Client) -> None:
    fresh = client.post("/v1/audit", params={"format": "jsonld"}, json={"text": TEXT, "url": "https://x.example/j"})
    assert fresh.headers["content-type"].startswith("application/ld+json")
    document = fresh.json()
    assert document["@context"][0] == "https://schema.org"
    assert document["@graph"][0]["@type"] == "NewsArticle" and document["@graph"][0]["@id"] == "https://x.example/j"
    negotiated = client.post("/v1/audit", json={"text": TEXT}, headers={"accept": "application/ld+json"})
    assert negotiated.json()["@graph"][0]["@type"] == "NewsArticle"
    stored = client.get("/v1/articles/wire-original", params={"format": "jsonld"}).json()
    claims = [node for node in stored["@graph"] if node["@type"] == "Claim"]
    assert claims and all(node["appearance"]["@id"] == "https://first-wire.example/korvale-dam" for node in claims)


def test_writes_need_the_token_and_are_idempotent(server: Server) -> None:
    body = {"id": "footbridge-1", "title": "Footbridge opens", "url": "https://x.example/f", "text": TEXT}
    with server.client(token=None) as anonymous:
        assert anonymous.post("/v1/articles", json=body).status_code == 401
    with server.client(token="wrong-token-but-long-enough") as wrong:
        assert wrong.post("/v1/articles", json=body).status_code == 401
    with server.client() as client:
        before = _total(client)
        first = client.post("/v1/articles", json=body)
        assert first.status_code == 201 and first.json()["id"] == "footbridge-1" and first.json()["stored"]
        assert _total(client) == before + 1
        again = client.post("/v1/articles", json=body)
        assert again.status_code == 201 and _total(client) == before + 1
        stored = client.get("/v1/articles/footbridge-1").json()
        assert stored["article"]["id"] == "footbridge-1" and stored["claims"]


def test_search_filters_paginates_and_counts_facets_at_write_time(client: httpx.Client) -> None:
    found = client.get("/v1/articles", params={"q": "Korvale dam"}).json()
    ids = {row["id"] for row in found["results"]}
    assert {"wire-original", "valley-report", "utility-denial"} <= ids
    assert "other-0" not in ids
    assert found["facets"]["total"] >= 8 and found["facets_scope"] == "corpus"
    by_site = client.get("/v1/articles", params={"domain": "valley-times.example"}).json()["results"]
    assert [row["id"] for row in by_site] == ["valley-report"]
    seen, cursor = [], None
    while True:
        page = client.get("/v1/articles", params={"limit": 2, **({"cursor": cursor} if cursor else {})}).json()
        seen += [row["id"] for row in page["results"]]
        cursor = page["next_cursor"]
        if not cursor:
            break
    assert len(seen) == len(set(seen)) == page["facets"]["total"]
    dated = client.get("/v1/articles", params={"since": "2031-04-03", "until": "2031-04-03"}).json()["results"]
    assert [row["id"] for row in dated] == ["utility-denial"]
    scored = client.get("/v1/articles", params={"min_score": 0, "max_score": 100, "limit": 100}).json()["results"]
    assert all(row["score"] is not None for row in scored)


def test_stored_audit_report_and_reuse(client: httpx.Client) -> None:
    stored = client.get("/v1/articles/reprint-0").json()
    assert stored["article"]["id"] == "reprint-0"
    report = client.get("/v1/articles/reprint-0/report")
    assert report.status_code == 200 and "<script" not in report.text and "Korvale" in report.text
    reuse = client.get("/v1/articles/reprint-0/reuse").json()["matches"]
    assert "wire-original" in {match["id"] for match in reuse}
    assert all(match["passages"] for match in reuse)


def test_claims_sources_and_stories(client: httpx.Client) -> None:
    claims = client.get("/v1/claims", params={"q": "cracks"}).json()["results"]
    assert claims and all("crack" in claim["text"].lower() for claim in claims)
    assert {"source", "source_kind", "hedged", "denied", "article"} <= set(claims[0])
    profile = client.get("/v1/sources/valley-times.example").json()
    assert profile["articles"] == 1 and profile["latest"][0]["id"] == "valley-report"
    assert client.get("/v1/sources/nowhere.example").status_code == 404
    stories = client.get("/v1/stories").json()["results"]
    dam = next(story for story in stories if "wire-original" in story["members"])
    assert {"valley-report", "utility-denial", "reprint-0"} <= set(dam["members"])
    found = client.get(f"/v1/stories/{dam['id']}").json()
    assert found["story"]["origins"] >= 2 and found["first_report"]["id"] == "wire-original"
    assert client.get("/v1/stories/999999").status_code == 404


def test_metrics_count_requests_and_show_the_queue(client: httpx.Client) -> None:
    client.get("/healthz")
    text = client.get("/metrics").text
    assert 'newsaudit_requests_total{method="GET",route="/healthz",status="200"}' in text
    assert "newsaudit_audit_queue_depth 0" in text and "newsaudit_audits_total" in text
    assert 'newsaudit_request_seconds_bucket{route="/v1/articles",le="+Inf"}' in text


# -- hostile input ------------------------------------------------------------------------------------------------


def test_script_in_every_field_is_stored_as_text_and_never_runs(client: httpx.Client) -> None:
    body = {
        "id": "hostile-1",
        "title": "Footbridge " + PWNED,
        "url": 'https://x.example/a?q="><script>window.__pwned=1</script>',
        "authors": [PWNED],
        "published": "2031-05-01",
        "text": TEXT + "\n\nA reader wrote: " + PWNED,
    }
    scheme = client.post("/v1/articles", json={**body, "url": "javascript:window.__pwned=1"})
    assert scheme.status_code == 422 and scheme.json()["error"] == "invalid_url"
    assert client.post("/v1/articles", json=body).status_code == 201
    for path in ("/articles/hostile-1", "/v1/articles/hostile-1/report", "/search?q=footbridge", "/claims?q=reader"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "<script>window.__pwned" not in page.text and 'onerror="window' not in page.text, path
        assert 'href="javascript:' not in page.text, path
    assert client.get("/v1/articles/hostile-1").json()["article"]["title"].endswith(PWNED)


@pytest.mark.parametrize(
    "article_id, statuses",
    [("..%2F..%2Fetc%2Fpasswd", {400, 404}), ("a%20b%22c", {400}), (".hidden", {400}), ("x" * 300, {400})],
)
def test_odd_ids_get_a_clear_4xx(client: httpx.Client, article_id: str, statuses: set[int]) -> None:
    for path in (f"/v1/articles/{article_id}", f"/v1/articles/{article_id}/report", f"/articles/{article_id}"):
        response = client.get(path)
        assert response.status_code in statuses, (path, response.status_code)


def test_sql_metacharacters_in_queries_are_only_text(client: httpx.Client) -> None:
    before = _total(client)
    for q in ("' OR 1=1; DROP TABLE audits; --", '"unbalanced', "NEAR(a b) AND * OR", "%_\\", "🙂 ünïcödé"):
        for path in ("/v1/articles", "/v1/claims", "/search", "/claims"):
            response = client.get(path, params={"q": q})
            assert response.status_code == 200, (path, q, response.text[:200])
    assert _total(client) == before
    assert client.get("/v1/articles", params={"cursor": "1; DROP TABLE audits"}).status_code == 400
    assert client.get("/v1/articles", params={"label": "x' OR '1"}).status_code == 422


def test_bad_bodies_get_a_clear_4xx_and_store_nothing(client: httpx.Client) -> None:
    before = _total(client)
    cases = [
        (b"", "application/json", 400),
        (b"{not json", "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", {400, 413}),
        (b'{"text": "\xff\xfe bad utf-8"}', "application/json", 400),
        (json.dumps(["a list"]).encode(), "application/json", 422),
        (json.dumps({"text": "a", "html": "b"}).encode(), "application/json", 422),
        (json.dumps({"text": 5}).encode(), "application/json", 422),
        (json.dumps({"text": TEXT, "evil": 1}).encode(), "application/json", 422),
        (json.dumps({"text": TEXT, "id": "../etc"}).encode(), "application/json", 400),
        (json.dumps({"text": TEXT, "published": "yesterday"}).encode(), "application/json", 422),
        (b"\x00\x01\x02binary\x00junk" * 50, "text/plain", 400),
        (TEXT.encode(), "application/x-www-form-urlencoded", 415),
        (TEXT.encode(), "image/png", 415),
        (b"   ", "text/plain", 400),
        (json.dumps({"text": ""}).encode(), "application/json", 422),
    ]
    for body, content_type, expected in cases:
        for path in ("/v1/audit", "/v1/articles"):
            response = client.post(path, content=body, headers={"content-type": content_type})
            allowed = expected if isinstance(expected, set) else {expected}
            assert response.status_code in allowed, (path, body[:40], response.status_code, response.text[:200])
            assert "error" in response.json()
    assert _total(client) == before


def test_bodies_over_the_limit_get_413_declared_or_streamed(client: httpx.Client) -> None:
    before = _total(client)
    huge = b"x" * 500_000
    declared = client.post("/v1/articles", content=huge, headers={"content-type": "text/plain"})
    assert declared.status_code == 413

    def chunks() -> Iterator[bytes]:
        for _ in range(50):
            yield b"y" * 20_000

    streamed = client.post("/v1/audit", content=chunks(), headers={"content-type": "text/plain"})
    assert streamed.status_code == 413
    assert _total(client) == before


def test_text_in_another_encoding_is_read(client: httpx.Client) -> None:
    latin = ("Stadtrat beschließt Brücke\n\n" + TEXT).encode("latin-1", errors="replace")
    response = client.post("/v1/audit", content=latin, headers={"content-type": "text/plain; charset=iso-8859-1"})
    assert response.status_code == 200 and "beschließt" in response.json()["article"]["title"]


# -- load and limits --------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tight(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One worker, no queue, a 4 s limit: the designed 503 and 504."""
    folder = tmp_path_factory.mktemp("tight")
    options = ("--workers", "1", "--queue", "0", "--timeout", "4", "--max-body", "3000000")
    with running_server(str(folder / "corpus.db"), folder, *options) as running:
        yield running


def _long_text(paragraphs: int) -> str:
    return "\n\n".join(
        f"Officials in Examplefield district {n} said on Monday that {n} bridges would be inspected, and the "
        f"council denied that repairs had been delayed for {n % 12 + 1} months, according to a statement."
        for n in range(paragraphs)
    )


def _in_background(server: Server, path: str, body: dict) -> tuple[threading.Thread, list[httpx.Response]]:
    """A request posted from another thread, started now: the thread and where its answer will be."""
    results: list[httpx.Response] = []

    def post() -> None:
        with server.client() as client:
            results.append(client.post(path, json=body))

    thread = threading.Thread(target=post)
    thread.start()
    return thread, results


def test_a_full_queue_answers_503_with_retry_after(tight: Server) -> None:
    slow, results = _in_background(tight, "/v1/audit", {"text": _long_text(300)})
    time.sleep(0.5)
    with tight.client() as client:
        busy = client.post("/v1/audit", json={"text": TEXT})
    slow.join()
    assert busy.status_code == 503 and int(busy.headers["retry-after"]) >= 1
    assert busy.json()["error"] == "busy"
    assert results[0].status_code in (200, 504)


def test_an_audit_past_the_time_limit_answers_504(tight: Server) -> None:
    with tight.client() as client:
        started = time.monotonic()
        response = client.post("/v1/audit", json={"text": _long_text(3000)})
        assert response.status_code == 504 and response.json()["error"] == "timeout"
        assert time.monotonic() - started < 30
        deadline = time.monotonic() + 60
        while client.post("/v1/audit", json={"text": TEXT}).status_code == 503:  # the worker stops its audit
            assert time.monotonic() < deadline
            time.sleep(0.5)
        assert client.get("/healthz").status_code == 200


def test_shutdown_finishes_the_request_in_flight(tmp_path: Path) -> None:
    with running_server(str(tmp_path / "corpus.db"), tmp_path, "--workers", "1") as running:
        worker, results = _in_background(running, "/v1/articles", {"id": "in-flight", "text": _long_text(120)})
        time.sleep(1.0)
        running.process.terminate()
        worker.join(timeout=120)
        running.process.wait(timeout=120)
    assert results and results[0].status_code == 201
    from newsaudit.stores.corpus import Corpus

    with Corpus(str(tmp_path / "corpus.db")) as corpus:
        assert corpus.audit_of("in-flight") is not None


# -- the Python client ------------------------------------------------------------------------------------------


def test_the_client_audits_stores_searches_and_reports_errors(server: Server) -> None:
    from newsaudit.client import Client, ServerError

    with Client(server.url, token=TOKEN) as client:
        audit = client.audit(text=TEXT, title="Footbridge opens")
        assert audit["article"]["title"] == "Footbridge opens"
        assert "<html" in client.report(text=TEXT)
        added = client.add(text=TEXT, title="Footbridge, again", id="client-1", published="2031-06-01")
        assert added["stored"] and client.get("client-1")["article"]["id"] == "client-1"
        found = list(client.search(q="footbridge", limit=1))
        assert "client-1" in {row["id"] for row in found} and len(found) == len({row["id"] for row in found})
        assert any("crack" in claim["text"].lower() for claim in client.claims("cracks"))
        assert client.source("valley-times.example")["articles"] == 1
        with pytest.raises(ServerError) as raised:
            client.get("no-such-article")
        assert raised.value.status == 404 and raised.value.code == "not_found"
    with Client(server.url) as anonymous, pytest.raises(ServerError) as raised:
        anonymous.add(text=TEXT)
    assert raised.value.status == 401


def test_a_worker_killed_mid_audit_is_replaced(tmp_path: Path) -> None:
    import os
    import signal

    import psutil

    with running_server(str(tmp_path / "corpus.db"), tmp_path, "--workers", "1") as running:
        worker, results = _in_background(running, "/v1/audit", {"text": _long_text(200)})
        time.sleep(1.0)
        children = psutil.Process(running.process.pid).children(recursive=True)
        auditing = [child for child in children if "spawn_main" in " ".join(child.cmdline())]
        assert auditing, [child.cmdline() for child in children]
        for child in auditing:
            os.kill(child.pid, signal.SIGKILL)
        worker.join(timeout=120)
        assert results[0].status_code == 503 and results[0].json()["error"] == "worker_lost"
        with running.client() as client:
            assert client.post("/v1/audit", json={"text": TEXT}).status_code == 200
            assert "newsaudit_audit_pool_restarts_total 1" in client.get("/metrics").text
            # A worker that dies while idle: the next request may find the pool broken, never a 500.
            for child in psutil.Process(running.process.pid).children(recursive=True):
                if "spawn_main" in " ".join(child.cmdline()):
                    os.kill(child.pid, signal.SIGKILL)
            time.sleep(1.0)
            first = client.post("/v1/audit", json={"text": TEXT})
            assert first.status_code in (200, 503), first.text
            assert client.post("/v1/audit", json={"text": TEXT}).status_code == 200
