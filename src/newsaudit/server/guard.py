"""What stands between the network and the audit: the body limit, the bearer token, and the headers every
response carries (a strict Content-Security-Policy among them).

`BodyLimit` is plain ASGI middleware, so a body over the limit is refused from its `Content-Length`, or as soon
as the bytes read pass the limit when it is sent in chunks, before the application has buffered it.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

#: The pages' policy: the server's own stylesheet and inline SVG, nothing else; no script at all.
PAGE_POLICY = (
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none';"
    " frame-ancestors 'none'"
)
_HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-resource-policy", b"same-origin"),
]


class BodyTooLarge(Exception):
    pass


async def _send_json(send: Any, status: int, body: dict[str, Any]) -> None:
    data = json.dumps(body).encode("utf-8")
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode()), *_HEADERS]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": data})


class BodyLimit:
    """Refuse request bodies over `limit` bytes with 413."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        message = {"error": "body_too_large", "message": f"the request body is over the limit of {self.limit} bytes"}
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    await _send_json(send, 400, {"error": "bad_request", "message": "invalid Content-Length"})
                    return
                if declared > self.limit:
                    await _send_json(send, 413, message)
                    return
        received = 0
        started = False

        async def limited_receive() -> dict:
            nonlocal received
            event = await receive()
            if event["type"] == "http.request":
                received += len(event.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return event

        async def watched_send(event: dict) -> None:
            nonlocal started
            if event["type"] == "http.response.start":
                started = True
            await send(event)

        try:
            await self.app(scope, limited_receive, watched_send)
        except BodyTooLarge:
            if not started:
                await _send_json(send, 413, message)


class SecurityHeaders:
    """Add the fixed security headers to every response, and `PAGE_POLICY` to HTML that sets no policy."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(event: dict) -> None:
            if event["type"] == "http.response.start":
                headers = list(event.get("headers", ()))
                names = {name.lower() for name, _ in headers}
                headers.extend(header for header in _HEADERS if header[0] not in names)
                if b"content-security-policy" not in names:
                    headers.append((b"content-security-policy", PAGE_POLICY.encode()))
                event = {**event, "headers": headers}
            await send(event)

        await self.app(scope, receive, with_headers)


def token_matches(given: str | None, expected: str | None) -> bool:
    """Whether an `Authorization` header carries the expected bearer token (compared in constant time)."""
    if not expected or not given:
        return False
    scheme, _, token = given.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(token.strip().encode("utf-8"), expected.encode("utf-8"))
