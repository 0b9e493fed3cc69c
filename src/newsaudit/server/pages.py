"""The web app: server-rendered pages over the same reads as the API, usable with JavaScript off.

Templates (`templates/`, Jinja2 with autoescaping: every value from a store is escaped) extend one layout with
the server's stylesheet (`static/app.css`); charts are inline SVG from `newsaudit.render.html.charts`. Pages are
served under `guard.PAGE_POLICY` (the server's own stylesheet, no script at all); the report and story pages are
the self-contained pages `newsaudit audit --format html` and `newsaudit story --format html` write, under the
policy their own `<meta>` declares.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup

from newsaudit._version import __version__
from newsaudit.render.html.charts import bar_chart, line_chart
from newsaudit.render.html.util import DISCLAIMER
from newsaudit.resources import package_text
from newsaudit.schema import SCHEMA_VERSION
from newsaudit.server.api import cursor_number, page_response, profile, run_job, source_facts
from newsaudit.server.inputs import RequestProblem, valid_date, valid_id
from newsaudit.server.pool import Job
from newsaudit.stores.corpus.audit_tables import Filters

router = APIRouter(include_in_schema=False)


@cache
def environment() -> Environment:
    return Environment(
        loader=PackageLoader("newsaudit.server", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )


def render(template: str, status: int = 200, **context: Any) -> HTMLResponse:
    page = (
        environment()
        .get_template(template)
        .render(version=__version__, schema_version=SCHEMA_VERSION, disclaimer=DISCLAIMER, **context)
    )
    return HTMLResponse(page, status_code=status)


def error_page(status: int, message: str, heading: str | None = None) -> HTMLResponse:
    """An error as a page of the app (its layout, a way back)."""
    headings = {400: "Bad request", 401: "Token needed", 404: "Not found", 422: "Not understood", 503: "Busy",
                504: "Too slow"}  # fmt: skip
    heading = heading or headings.get(status, "Something went wrong")
    return render("error.html", status, title=headings.get(status, "Error"), heading=heading, message=message)


def _guarded(request: Request) -> Any:
    state = request.app.state.newsaudit
    state.check_read(request)
    return state


def _band_kind(band: str) -> str:
    low = int(band.split("-")[0])
    return "low" if low < 40 else "high" if low >= 70 else "mixed"


def _charts(found: dict[str, list[tuple[str, int, float | None]]]) -> dict[str, Markup]:
    months = [(month, mean, n) for month, n, mean in found.get("month", []) if month != "undated"]
    return {
        "months": Markup(line_chart("Mean credibility score by month published", months)),
        "scores": Markup(
            bar_chart(
                "Credibility scores",
                [(band, n, _band_kind(band)) for band, n, _ in found.get("score", [])],
                vertical=True,
            )
        ),
        "domains": Markup(bar_chart("Top sites", [(value, n, "") for value, n, _ in found.get("domain", [])[:10]])),
        "signals": Markup(
            bar_chart(
                "Most frequent signals",
                [(value.replace("_", " "), n, "") for value, n, _ in found.get("signal", [])[:10]],
            )
        ),
    }


@router.get("/static/app.css")
def stylesheet() -> Response:
    return Response(
        package_text("server/static/app.css"), media_type="text/css", headers={"cache-control": "max-age=3600"}
    )


@router.get("/", response_class=HTMLResponse)
def overview(request: Request) -> HTMLResponse:
    state = _guarded(request)
    if not state.stores.corpus:
        return render("overview.html", title="Overview", corpus=False)
    corpus = state.corpus()
    found = corpus.facets(limit=20)
    return render(
        "overview.html",
        title="Overview",
        corpus=True,
        facets=found,
        total=found.get("all", [("all", 0, None)])[0][1],
        charts=_charts(found),
        latest=corpus.search(Filters(), 10),
    )


@router.get("/search", response_class=HTMLResponse)
def search(
    request: Request,
    q: Annotated[str | None, Query(max_length=500)] = None,
    domain: Annotated[str | None, Query(max_length=300)] = None,
    label: Annotated[str | None, Query(max_length=20)] = None,
    since: Annotated[str | None, Query(max_length=40)] = None,
    until: Annotated[str | None, Query(max_length=40)] = None,
    min_score: Annotated[str | None, Query(max_length=10)] = None,
    max_score: Annotated[str | None, Query(max_length=10)] = None,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    state = _guarded(request)
    # A form sends empty fields: they mean "any".
    filters = Filters(
        q or None,
        domain or None,
        valid_date(since or None, "since"),
        valid_date(until or None, "until"),
        _score(min_score),
        _score(max_score),
        label if label in ("low", "mixed", "high", "not_assessed") else None,
    )
    corpus = state.corpus()
    rows = corpus.search(filters, 26, cursor_number(cursor or None))
    more = len(rows) > 25
    rows = rows[:25]
    given = {
        key: value
        for key, value in (("q", q), ("domain", domain), ("label", filters.label), ("since", since),
                           ("until", until), ("min_score", min_score), ("max_score", max_score))
        if value
    }  # fmt: skip
    next_link = "/search?" + urlencode({**given, "cursor": rows[-1].n}) if more else None
    return render(
        "search.html",
        title=f"Search: {q}" if q else "Articles",
        q=q,
        filters=filters,
        rows=rows,
        next_cursor=more,
        next_link=next_link,
        facets=corpus.facets(limit=10),
    )


def _score(value: str | None) -> float | None:
    if not value:
        return None
    try:
        score = float(value)
    except ValueError:
        raise RequestProblem(422, "invalid_score", "a score is a number from 0 to 100") from None
    if not 0 <= score <= 100:
        raise RequestProblem(422, "invalid_score", "a score is a number from 0 to 100")
    return score


@router.get("/claims", response_class=HTMLResponse)
def claims(
    request: Request,
    q: Annotated[str | None, Query(max_length=500)] = None,
    cursor: Annotated[str | None, Query(max_length=40)] = None,
) -> HTMLResponse:
    state = _guarded(request)
    rows = state.corpus().search_claims(q or None, 26, cursor_number(cursor or None))
    more = len(rows) > 25
    rows = rows[:25]
    next_link = "/claims?" + urlencode({**({"q": q} if q else {}), "cursor": rows[-1].id}) if more else None
    return render("claims.html", title="Claims", q=q, rows=rows, next_cursor=more, next_link=next_link)


@router.get("/sources/{domain}", response_class=HTMLResponse)
def source(request: Request, domain: str) -> HTMLResponse:
    facts = source_facts(_guarded(request), domain)
    found = profile(facts)
    return render("source.html", title=facts.domain, profile=found, rows=facts.latest, charts=_charts(facts.facets))


@router.get("/stories", response_class=HTMLResponse)
def stories(
    request: Request, cursor: Annotated[str | None, Query(max_length=40, pattern=r"^\d{1,12}\.\d{1,15}$")] = None
) -> HTMLResponse:
    state = _guarded(request)
    after = tuple(int(part) for part in cursor.split(".")) if cursor else None
    rows = state.corpus().stories_page(26, after)
    more = len(rows) > 25
    rows = rows[:25]
    return render(
        "stories.html",
        title="Stories",
        rows=rows,
        next_cursor=f"{rows[-1].size}.{rows[-1].id}" if more else None,
    )


@router.get("/stories/{story_id}", response_class=HTMLResponse)
async def story(request: Request, story_id: int) -> HTMLResponse:
    state = _guarded(request)
    state.corpus()
    outcome = await run_job(request, Job("", "text", page=True, story=story_id))
    return page_response(outcome.page or "")


@router.get("/articles/story-{story_id}.html")
def story_link(story_id: int) -> RedirectResponse:
    """The report page links its story as `story-ID.html` (beside it, as `newsaudit audit` writes them)."""
    return RedirectResponse(f"/stories/{story_id}", status_code=307)


@router.get("/articles/{article_id}", response_class=HTMLResponse)
def article(request: Request, article_id: str) -> HTMLResponse:
    from newsaudit.render.html import render_html
    from newsaudit.schema.load import audit_from_dict

    state = _guarded(request)
    audit = state.corpus().audit_of(valid_id(article_id))
    if audit is None:
        return error_page(404, "No stored audit has this id.", "No such article")
    return page_response(render_html(audit_from_dict(audit)))


@router.get("/docs", response_class=HTMLResponse)
def docs(request: Request) -> HTMLResponse:
    schema = request.app.openapi()
    endpoints = []
    for path, methods in schema.get("paths", {}).items():
        for method, operation in methods.items():
            endpoints.append(
                {
                    "method": method.upper(),
                    "path": path,
                    "summary": operation.get("summary", ""),
                    "description": operation.get("description", ""),
                    "parameters": operation.get("parameters", []),
                }
            )
    host = request.headers.get("host", "127.0.0.1:8000")
    return render("docs.html", title="API", endpoints=endpoints, host=host)
