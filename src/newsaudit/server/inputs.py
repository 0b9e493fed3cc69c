"""Reading what a client sends: an article as JSON, plain text or HTML, checked before any audit is queued.

Everything here is hostile until checked: the content type must be one we read, bytes are decoded the way files
are (`newsaudit.ingest.readers.decode`: BOM, strict UTF-8, the declared charset, detection; binary junk
refused), JSON must be an object of known string fields, ids and dates must look like ids and dates. The URL
is metadata only: the server never fetches it.
"""

from __future__ import annotations

import json
import re
from typing import Any

from newsaudit.errors import InputError, InputTooLargeError
from newsaudit.server.pool import Job

#: What an article id may be in a URL or a JSON body: no slashes, dots only inside, no spaces or quotes.
ID_PATTERN = re.compile(r"^[A-Za-z0-9_~:@+=-](?:[A-Za-z0-9._~:@+=-]{0,198}[A-Za-z0-9_~:@+=-])?$")
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}([T ][0-9:.+\-Z]{0,25})?$")
_FIELDS = {"text", "html", "title", "url", "published", "id", "authors"}
_LIMITS = {"title": 2_000, "url": 4_000, "published": 40, "id": 200}
_HTML_TYPES = {"text/html", "application/xhtml+xml"}


class RequestProblem(Exception):
    """A request the server will not take: its status, a stable code and a message for people."""

    def __init__(self, status: int, code: str, message: str, headers: dict[str, str] | None = None) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message, self.headers = status, code, message, headers


def valid_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise RequestProblem(400, "invalid_id", "an article id is 1-200 letters, digits or ._~:@+=- (no slashes)")
    return value


def valid_date(value: str | None, name: str) -> str | None:
    if value is not None and not _DATE.match(value):
        raise RequestProblem(422, "invalid_date", f"{name} must be an ISO date (YYYY-MM-DD, optionally a time)")
    return value


def job_from_body(body: bytes, content_type: str | None, *, max_bytes: int, store: bool, page: bool) -> Job:
    """The audit job a request body asks for (raises `RequestProblem` for a body we do not take)."""
    media, _, parameters = (content_type or "").partition(";")
    media = media.strip().lower()
    if not body.strip():
        raise RequestProblem(400, "empty_body", "the request body is empty: send an article")
    if media == "application/json":
        return _from_json(body, store=store, page=page)
    if media == "text/plain" or media in _HTML_TYPES:
        from newsaudit.ingest.readers.decode import decode

        charset = re.search(r"charset\s*=\s*\"?([A-Za-z0-9._:-]+)", parameters)
        try:
            content = decode(body, declared=charset.group(1) if charset else None, max_bytes=max_bytes)
        except InputError as error:
            raise RequestProblem(
                413 if isinstance(error, InputTooLargeError) else 400, error.code, str(error)
            ) from error
        kind = "html" if media in _HTML_TYPES else "text"
        return Job(content, kind, {}, titled=kind == "text", store=store, page=page)
    raise RequestProblem(
        415, "unsupported_media_type", 'send application/json ({"text": ...} or {"html": ...}), text/plain or text/html'
    )


def _from_json(body: bytes, *, store: bool, page: bool) -> Job:
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError as error:
        raise RequestProblem(400, "invalid_utf8", f"the JSON body is not valid UTF-8 (byte {error.start})") from error
    except RecursionError as error:
        raise RequestProblem(400, "invalid_json", "the JSON body is nested too deeply") from error
    except ValueError as error:
        raise RequestProblem(400, "invalid_json", f"the body is not valid JSON: {error}") from error
    if not isinstance(data, dict):
        raise RequestProblem(422, "invalid_article", 'the JSON body must be an object such as {"text": "..."}')
    unknown = sorted(set(data) - _FIELDS)
    if unknown:
        raise RequestProblem(
            422, "invalid_article", f"unknown field(s) {', '.join(map(repr, unknown))[:200]}; known: {sorted(_FIELDS)}"
        )
    if ("text" in data) == ("html" in data):
        raise RequestProblem(422, "invalid_article", 'give exactly one of "text" and "html"')
    fields: dict[str, Any] = {}
    for name, value in data.items():
        if name == "authors":
            if not isinstance(value, list) or not all(isinstance(item, str) and len(item) <= 300 for item in value):
                raise RequestProblem(422, "invalid_article", '"authors" must be a list of names (strings)')
            fields["authors"] = tuple(value[:50])
            continue
        if value is None and name not in ("text", "html"):
            continue
        if not isinstance(value, str):
            raise RequestProblem(422, "invalid_article", f'"{name}" must be a string')
        if name in _LIMITS and len(value) > _LIMITS[name]:
            raise RequestProblem(422, "invalid_article", f'"{name}" is longer than {_LIMITS[name]} characters')
        if name not in ("text", "html"):
            fields[name] = value
    if "id" in fields:
        valid_id(fields["id"])
    if "url" in fields and not re.match(r"https?://[^\s/?#]+", fields["url"], re.IGNORECASE):
        raise RequestProblem(422, "invalid_url", '"url" must be an http(s) URL (it is never fetched)')
    valid_date(fields.get("published"), "published")
    kind = "html" if "html" in data else "text"
    content = data[kind]
    return Job(content, kind, fields, titled=kind == "text" and "title" not in fields, store=store, page=page)
