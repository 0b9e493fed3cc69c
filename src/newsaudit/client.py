"""A thin Python client for `newsaudit serve` (httpx), so a CMS or moderation queue need not write its own.

>>> from newsaudit.client import Client
>>> with Client("http://127.0.0.1:8000", token="...") as client:  # doctest: +SKIP
...     audit = client.audit(text="The mayor of Exampleton said ...", title="A fictional headline")
...     client.add(html=page, url="https://example.org/a")
...     for row in client.search(q="bridge", label="low"):
...         print(row["title"], row["score"])

Errors come back as `ServerError` (with the server's status, code and message); a 503 is retried after its
`Retry-After` up to `retries` times. The client never imports the rest of newsaudit.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any
from urllib.parse import quote

import httpx


class ServerError(Exception):
    """An error answer from the server: its HTTP status, the error code and the message."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message


class Client:
    """Calls one newsaudit server. `token` is needed for `add` (and for reads when the server protects them)."""

    def __init__(self, base_url: str, *, token: str | None = None, timeout: float = 120.0, retries: int = 3) -> None:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        self._http = httpx.Client(base_url=base_url, headers=headers, timeout=timeout)
        self.retries = retries

    def __enter__(self) -> Client:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()

    def close(self) -> None:
        self._http.close()

    def _call(self, method: str, path: str, **options: Any) -> httpx.Response:
        for attempt in range(self.retries + 1):
            response = self._http.request(method, path, **options)
            if response.status_code == 503 and attempt < self.retries:
                time.sleep(min(float(response.headers.get("retry-after", "1") or 1), 30.0))
                continue
            if response.status_code >= 400:
                try:
                    body = response.json()
                except ValueError:
                    body = {}
                raise ServerError(response.status_code, body.get("error", "http_error"), body.get("message", ""))
            return response
        raise AssertionError("unreachable")  # pragma: no cover

    @staticmethod
    def _article(text: str | None, html: str | None, **fields: Any) -> dict[str, Any]:
        if (text is None) == (html is None):
            raise ValueError("give exactly one of text and html")
        body: dict[str, Any] = {"text": text} if text is not None else {"html": html}
        body.update({key: value for key, value in fields.items() if value is not None})
        return body

    def audit(
        self, *, text: str | None = None, html: str | None = None, title: str | None = None, url: str | None = None,
        published: str | None = None, id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """The audit JSON of an article (nothing stored)."""
        body = self._article(text, html, title=title, url=url, published=published, id=id)
        return self._call("POST", "/v1/audit", json=body).json()

    def report(self, *, text: str | None = None, html: str | None = None, **fields: Any) -> str:
        """The report page (HTML) of an article (nothing stored)."""
        body = self._article(text, html, **fields)
        return self._call("POST", "/v1/audit", params={"format": "html"}, json=body).text

    def add(
        self, *, text: str | None = None, html: str | None = None, title: str | None = None, url: str | None = None,
        published: str | None = None, id: str | None = None,
    ) -> dict[str, Any]:  # fmt: skip
        """Audit and store an article: `{"id", "stored", "links", "audit"}`. Needs the token."""
        body = self._article(text, html, title=title, url=url, published=published, id=id)
        return self._call("POST", "/v1/articles", json=body).json()

    def get(self, article_id: str) -> dict[str, Any]:
        """The stored audit of an article."""
        return self._call("GET", f"/v1/articles/{quote(article_id, safe='')}").json()

    def search(self, *, limit: int = 50, **filters: Any) -> Iterator[dict[str, Any]]:
        """Every stored audit matching `filters` (q, domain, since, until, min_score, max_score, label), page by
        page, newest stored first."""
        params: dict[str, Any] = {key: value for key, value in filters.items() if value is not None}
        params["limit"] = limit
        while True:
            page = self._call("GET", "/v1/articles", params=params).json()
            yield from page["results"]
            if not page.get("next_cursor"):
                return
            params["cursor"] = page["next_cursor"]

    def claims(self, q: str | None = None, *, limit: int = 50) -> Iterator[dict[str, Any]]:
        """Every stored claim with all the words of `q`, newest first."""
        params: dict[str, Any] = {"limit": limit, **({"q": q} if q else {})}
        while True:
            page = self._call("GET", "/v1/claims", params=params).json()
            yield from page["results"]
            if not page.get("next_cursor"):
                return
            params["cursor"] = page["next_cursor"]

    def source(self, domain: str) -> dict[str, Any]:
        """A site's profile."""
        return self._call("GET", f"/v1/sources/{domain}").json()

    def story(self, story_id: int) -> dict[str, Any]:
        """One story: members and roles, independent origins, claims with corroboration and denials."""
        return self._call("GET", f"/v1/stories/{int(story_id)}").json()
