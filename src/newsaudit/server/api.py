"""The HTTP API under `/v1`, plus `/healthz` and `/metrics`. Every endpoint is a few lines over the Python API.

Errors are JSON `{"error": code, "message": text}` with a 4xx (or the designed 503/504) status. Lists are pages:
`limit` results and a `next_cursor` to pass back as `cursor`, so every page costs the same however deep.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response

from newsaudit._version import __version__
from newsaudit.errors import CorpusError, SettingsError
from newsaudit.schema import SCHEMA_VERSION, plain
from newsaudit.server.inputs import RequestProblem, job_from_body, valid_date, valid_id
from newsaudit.server.pool import Job, Outcome, QueueFull, WorkerLost
from newsaudit.stores.corpus.audit_tables import Filters

router = APIRouter()

Limit = Annotated[int, Query(ge=1, le=100, description="Results per page.")]
Cursor = Annotated[str | None, Query(max_length=40, description="`next_cursor` of the page before.")]
_CSP_META = re.compile(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">')


def _state(request: Request) -> Any:
    return request.app.state.newsaudit


def cursor_number(value: str | None) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or len(value) > 19:
        raise RequestProblem(400, "invalid_cursor", "cursor must be a next_cursor value from a previous page")
    return int(value)


def page_response(page: str) -> HTMLResponse:
    """A self-contained report or story page, served with the policy its own `<meta>` declares (one inline
    style block, by hash; no script)."""
    found = _CSP_META.search(page[:4000])
    headers = {"content-security-policy": html.unescape(found.group(1))} if found else None
    return HTMLResponse(page, headers=headers)


def _wants_html(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "html"
    accept = request.headers.get("accept", "")
    return "text/html" in accept and "application/json" not in accept


async def run_job(request: Request, job: Job) -> Outcome:
    """`job`'s outcome from the pool: 503 with Retry-After when the queue is full, 504 past the time limit."""
    state = _state(request)
    try:
        return await state.pool.run(job)
    except WorkerLost:
        raise RequestProblem(
            503, "worker_lost", "the audit worker died (out of memory?) and was replaced; retry", {"retry-after": "5"}
        ) from None
    except QueueFull:
        raise RequestProblem(
            503, "busy", "every audit worker is busy and the queue is full; retry shortly", {"retry-after": "2"}
        ) from None
    except TimeoutError:
        raise RequestProblem(
            504, "timeout", f"the audit took longer than the server's limit of {state.config.timeout:g} s"
        ) from None
    except (CorpusError, SettingsError) as error:
        raise RequestProblem(404, error.code, str(error)) from None


async def _job(request: Request, *, store: bool, page: bool) -> Job:
    """The audit job the request's body asks for (checked, before anything is queued)."""
    limit = _state(request).config.body_limit
    body = await request.body()
    return job_from_body(body, request.headers.get("content-type"), max_bytes=limit, store=store, page=page)


def _failed(outcome: Outcome) -> JSONResponse:
    errors = outcome.audit.get("errors") or [{}]
    first = errors[0]
    return JSONResponse(
        {"error": first.get("code", "audit_failed"), "message": first.get("message", ""), "audit": outcome.audit},
        status_code=422,
    )


@router.post("/v1/audit", tags=["audit"], summary="Audit an article (nothing is stored)")
async def audit(
    request: Request, format: Annotated[str | None, Query(pattern="^(json|html|jsonld)$")] = None
) -> Response:
    """Send JSON `{"text" | "html", "title", "url", "published", "id", "authors"}`, or the article itself as
    `text/plain` or `text/html`. Answers the audit JSON (schema `newsaudit/schema/audit.schema.json`), or the
    report page with `?format=html` or `Accept: text/html`, or schema.org JSON-LD with `?format=jsonld` or
    `Accept: application/ld+json`. The server never fetches `url`."""
    state = _state(request)
    state.check_read(request)
    html = _wants_html(request, format)
    outcome = await run_job(request, await _job(request, store=False, page=html))
    if outcome.failed:
        return _failed(outcome)
    if html and outcome.page is not None:
        return page_response(outcome.page)
    if _wants_jsonld(request, format):
        return jsonld_response(outcome.audit)
    return JSONResponse(outcome.audit)


def _wants_jsonld(request: Request, format: str | None) -> bool:
    if format is not None:
        return format == "jsonld"
    return "application/ld+json" in request.headers.get("accept", "")


def jsonld_response(audit: dict[str, Any]) -> JSONResponse:
    """An audit as schema.org JSON-LD (`newsaudit.render.jsonld`)."""
    from newsaudit.render.jsonld import to_jsonld
    from newsaudit.schema.load import audit_from_dict

    return JSONResponse(to_jsonld(audit_from_dict(audit)), media_type="application/ld+json")


@router.post("/v1/articles", tags=["articles"], status_code=201, summary="Audit and store an article (token)")
async def add_article(request: Request) -> Response:
    """Audit the article (as `/v1/audit` takes it) and store it with its audit in the corpus: its text-reuse
    keys and its story too, in one transaction. Idempotent by id (the `id` field, else one made from the URL or
    the text): sending it again replaces the stored audit. Needs `Authorization: Bearer <token>`."""
    state = _state(request)
    state.check_write(request)
    state.corpus()  # 404 now when there is none, before any audit
    outcome = await run_job(request, await _job(request, store=True, page=False))
    if outcome.failed:
        return _failed(outcome)
    article_id = outcome.audit["article"]["id"]
    return JSONResponse(
        {"id": article_id, "stored": outcome.stored, "links": _links(article_id), "audit": outcome.audit},
        status_code=201,
    )


def _links(article_id: str) -> dict[str, str]:
    base = f"/v1/articles/{article_id}"
    return {"audit": base, "report": f"{base}/report", "reuse": f"{base}/reuse", "page": f"/articles/{article_id}"}


@router.get("/v1/articles", tags=["articles"], summary="Search stored audits")
def search_articles(
    request: Request,
    q: Annotated[str | None, Query(max_length=500, description="Words that must all be in the title or text.")] = None,
    domain: Annotated[str | None, Query(max_length=300)] = None,
    since: Annotated[str | None, Query(max_length=40, description="Published on or after (ISO date).")] = None,
    until: Annotated[str | None, Query(max_length=40, description="Published on or before (ISO date).")] = None,
    min_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    max_score: Annotated[float | None, Query(ge=0, le=100)] = None,
    label: Annotated[str | None, Query(pattern="^(low|mixed|high|not_assessed)$")] = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Stored audits, newest stored first, with the corpus-wide facet counts kept at write time (never counted
    per request)."""
    state = _state(request)
    state.check_read(request)
    filters = Filters(q, domain, valid_date(since, "since"), valid_date(until, "until"), min_score, max_score, label)
    corpus = state.corpus()
    rows = corpus.search(filters, limit + 1, cursor_number(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "results": [{**plain(row), "links": _links(row.id)} for row in rows],
        "next_cursor": str(rows[-1].n) if more else None,
        "facets": _facets(corpus.facets()),
        "facets_scope": "corpus",
    }


def _facets(found: dict[str, list[tuple[str, int, float | None]]]) -> dict[str, Any]:
    return {
        facet: [{"value": value, "count": count, "mean_score": mean} for value, count, mean in values]
        for facet, values in found.items()
        if facet != "all"
    } | {"total": found.get("all", [("all", 0, None)])[0][1]}


def _stored(request: Request, article_id: str) -> tuple[Any, dict[str, Any]]:
    state = _state(request)
    state.check_read(request)
    corpus = state.corpus()
    audit = corpus.audit_of(valid_id(article_id))
    if audit is None:
        raise RequestProblem(404, "not_found", "no stored audit for this article id")
    return corpus, audit


@router.get("/v1/articles/{article_id}", tags=["articles"], summary="A stored audit")
def get_article(
    request: Request, article_id: str, format: Annotated[str | None, Query(pattern="^(json|jsonld)$")] = None
) -> JSONResponse:
    """The audit stored with the article, as it was made (its `schema_version` says by which contract);
    `?format=jsonld` (or `Accept: application/ld+json`): as schema.org JSON-LD."""
    _, audit = _stored(request, article_id)
    if _wants_jsonld(request, format):
        return jsonld_response(audit)
    return JSONResponse(audit)


@router.get("/v1/articles/{article_id}/report", tags=["articles"], summary="A stored audit's report page")
def get_report(request: Request, article_id: str) -> HTMLResponse:
    from newsaudit.render.html import render_html
    from newsaudit.schema.load import audit_from_dict

    _, audit = _stored(request, article_id)
    return page_response(render_html(audit_from_dict(audit)))


@router.get("/v1/articles/{article_id}/reuse", tags=["articles"], summary="Stored articles sharing passages")
def get_reuse(request: Request, article_id: str, limit: Limit = 20) -> dict[str, Any]:
    """Stored articles sharing passages with this one, verified by alignment, looked up now."""
    corpus, _ = _stored(request, article_id)
    article = corpus.get(article_id)
    return {"id": article_id, "matches": [plain(match) for match in corpus.find_reuse(article, limit=limit)]}


@router.get("/v1/claims", tags=["claims"], summary="Claims across the corpus")
def search_claims(
    request: Request,
    q: Annotated[str | None, Query(max_length=500)] = None,
    cursor: Cursor = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Check-worthy claims of the stored audits with every word of `q`: who they rest on, whether hedged,
    whether denied, and the article they are in."""
    state = _state(request)
    state.check_read(request)
    rows = state.corpus().search_claims(q, limit + 1, cursor_number(cursor))
    more = len(rows) > limit
    rows = rows[:limit]
    return {"results": [plain(row) for row in rows], "next_cursor": str(rows[-1].id) if more else None}


@router.get("/v1/sources/{domain}", tags=["sources"], summary="A site's profile")
def source_profile(request: Request, domain: str) -> dict[str, Any]:
    """The site's stored articles (count, score distribution, labels, months, frequent signals: counts kept
    at write time), its latest audits, and its rating in the loaded source lists."""
    state = _state(request)
    state.check_read(request)
    return profile(source_facts(state, domain))


@dataclass(frozen=True)
class SourceFacts:
    """What is known of a site: its facet counts (`Corpus.facets(domain)`), its rating, its latest audits."""

    domain: str
    facets: dict[str, list[tuple[str, int, float | None]]]
    reputation: Any
    latest: list[Any]


def source_facts(state: Any, domain: str) -> SourceFacts:
    """The site's facts, read once for the API's profile and the source page (404 when nothing is known)."""
    domain = domain.strip().lower()
    if not re.fullmatch(r"[a-z0-9.-]{1,253}", domain):
        raise RequestProblem(400, "invalid_domain", "a domain is letters, digits, dots and hyphens")
    corpus = state.corpus()
    found = corpus.facets(domain)
    sources = state.sources()
    reputation = sources.lookup(domain) if sources is not None else None
    if not found and reputation is None:
        raise RequestProblem(404, "not_found", f"no stored article from {domain} and no rating for it")
    return SourceFacts(domain, found, reputation, corpus.search(Filters(domain=domain), 10))


def profile(facts: SourceFacts) -> dict[str, Any]:
    """What `/v1/sources/{domain}` answers."""
    found, reputation = facts.facets, facts.reputation
    return {
        "domain": facts.domain,
        "articles": found.get("all", [("all", 0, None)])[0][1],
        "mean_score": found.get("all", [("all", 0, None)])[0][2],
        "score_distribution": [{"band": v, "count": n} for v, n, _ in found.get("score", [])],
        "labels": [{"label": v, "count": n} for v, n, _ in found.get("label", [])],
        "months": [{"month": v, "count": n, "mean_score": m} for v, n, m in found.get("month", [])],
        "frequent_signals": [{"signal": v, "count": n} for v, n, _ in found.get("signal", [])],
        "reputation": plain(reputation) if reputation is not None else None,
        "latest": [{**plain(row), "links": _links(row.id)} for row in facts.latest],
    }


@router.get("/v1/factchecks", tags=["factchecks"], summary="Published fact-checks matching a claim")
def search_factchecks(
    request: Request, q: Annotated[str, Query(min_length=3, max_length=1000)], limit: Limit = 10
) -> dict[str, Any]:
    state = _state(request)
    state.check_read(request)
    return {"results": [plain(match) for match in state.factchecks().search(q, limit)]}


@router.get("/v1/stories", tags=["stories"], summary="Stories across outlets, largest first")
def list_stories(
    request: Request,
    since: Annotated[str | None, Query(max_length=40)] = None,
    cursor: Annotated[str | None, Query(max_length=40, pattern=r"^\d{1,12}\.\d{1,15}$")] = None,
    limit: Limit = 20,
) -> dict[str, Any]:
    """Each story's size, first and last publication and the ids of all its members, earliest first."""
    state = _state(request)
    state.check_read(request)
    after = tuple(int(part) for part in cursor.split(".")) if cursor else None
    rows = state.corpus().stories_page(limit + 1, after, valid_date(since, "since"))
    more = len(rows) > limit
    rows = rows[:limit]
    return {
        "results": [
            {"id": row.id, "size": row.size, "first_published": row.first_published,
             "last_published": row.last_published, "members": list(row.members), "page": f"/stories/{row.id}"}
            for row in rows
        ],
        "next_cursor": f"{rows[-1].size}.{rows[-1].id}" if more else None,
    }  # fmt: skip


@router.get("/v1/stories/{story_id}", tags=["stories"], summary="One story: origins, first report, claims")
async def get_story(request: Request, story_id: int) -> JSONResponse:
    """The story's finding (as `audit.story` of its first report: members and roles, independent origins,
    the first report's claims with their corroboration and who denies them), audited now in a worker."""
    state = _state(request)
    state.check_read(request)
    state.corpus()
    outcome = await run_job(request, Job("", "text", story=story_id))
    return JSONResponse({"id": story_id, "first_report": outcome.audit["article"], "story": outcome.audit["story"]})


@router.get("/healthz", tags=["service"], summary="Liveness and readiness")
def healthz(request: Request) -> dict[str, Any]:
    state = _state(request)
    return {
        "status": "ok",
        "version": __version__,
        "schema_version": SCHEMA_VERSION,
        "workers": state.pool.workers,
        "queue_depth": state.pool.waiting,
        "queue_capacity": state.pool.capacity,
        "corpus": bool(state.stores.corpus),
    }


@router.get("/metrics", tags=["service"], summary="Prometheus metrics", response_class=PlainTextResponse)
def metrics(request: Request) -> PlainTextResponse:
    return PlainTextResponse(_state(request).metrics.render(), media_type="text/plain; version=0.0.4")
