"""`newsaudit serve`: the HTTP API and the web app over the stores, bounded under load and hostile input.

- `config`: `ServerConfig`, what a server is started with, checked before anything listens (a non-loopback
  address without a token is refused unless `insecure`), and `read_token`.
- `pool`: audits in worker processes with the models loaded once, behind a bounded queue (503 when full, 504
  past the time limit).
- `inputs`: request bodies read and checked (JSON, text, HTML; ids, dates) before any audit is queued.
- `guard`: the body limit (413), the bearer token (constant-time), the security headers and page policy.
- `metrics`: `/metrics` in Prometheus text format.
- `api`: the `/v1` endpoints, `/healthz`, `/metrics`.
- `pages`: the web app (Jinja2 templates, inline SVG charts, no script) and the API docs page.
- `app`: `create_app(config)`, the FastAPI app uvicorn runs.
"""

from newsaudit.server.app import create_app
from newsaudit.server.config import TOKEN_VARIABLE, ServerConfig, read_token

__all__ = ["TOKEN_VARIABLE", "ServerConfig", "create_app", "read_token"]
