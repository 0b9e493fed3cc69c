"""`newsaudit serve`: the HTTP API and the web app (`newsaudit.server`) on uvicorn."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from newsaudit.cli.options import fail, flag, user_store
from newsaudit.errors import NewsauditError


def default_corpus() -> Path:
    return user_store("NEWSAUDIT_CORPUS", "corpus.db")


def serve(
    host: Annotated[str, typer.Option(help="Address to listen on (a non-loopback one needs a token).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(min=1, max=65535, help="Port to listen on.")] = 8000,
    corpus: Annotated[
        str | None,
        typer.Option(
            help="Corpus store (file or postgresql:// URL) holding stored articles and audits; created when missing"
            " (default: $NEWSAUDIT_CORPUS or ~/.local/share/newsaudit/corpus.db)."
        ),
    ] = None,
    factchecks: Annotated[Path | None, typer.Option(help="Fact-check store to match claims against.")] = None,
    sources: Annotated[Path | None, typer.Option(help="Source-reputation store to rate sites by.")] = None,
    owners: Annotated[Path | None, typer.Option(help="Who owns which outlet (CSV of domain,owner).")] = None,
    workers: Annotated[int, typer.Option(min=1, help="Audit worker processes (each loads the models once).")] = 1,
    queue: Annotated[int, typer.Option(min=0, help="Requests that may wait for a worker; more get 503.")] = 16,
    timeout: Annotated[float, typer.Option(help="Seconds an audit may take before the request gets 504.")] = 60.0,
    recycle: Annotated[
        int, typer.Option(min=0, help="Replace a worker after this many audits (bounds memory; 0 = never).")
    ] = 500,
    max_body: Annotated[
        int | None, typer.Option(help="Largest request body in bytes (default: the audit's max_bytes, 10 MB).")
    ] = None,
    token_file: Annotated[
        Path | None, typer.Option(help="File whose first line is the API token (default: $NEWSAUDIT_API_TOKEN).")
    ] = None,
    protect_reads: Annotated[bool, flag("--protect-reads", help="Require the token for reads as well.")] = False,
    insecure: Annotated[
        bool, flag("--insecure", help="Allow a non-loopback address without a token (anyone could write).")
    ] = False,
    config: Annotated[Path | None, typer.Option(help="Settings file (TOML).")] = None,
) -> None:
    """Serve the HTTP API (under /v1, OpenAPI at /openapi.json, docs at /docs) and the web app.

    Writes (POST /v1/articles) need the bearer token from $NEWSAUDIT_API_TOKEN or --token-file; reads are open
    on 127.0.0.1 unless --protect-reads. Audits run in --workers processes behind a queue of --queue requests.

    Example: NEWSAUDIT_API_TOKEN=$(openssl rand -hex 24) newsaudit serve --corpus corpus.db --workers 2
    """
    import uvicorn

    from newsaudit.server import ServerConfig, create_app, read_token
    from newsaudit.settings import Settings

    try:
        settings = Settings.load(
            config,
            corpus=corpus or str(default_corpus()),
            factchecks=str(factchecks) if factchecks else None,
            sources=str(sources) if sources else None,
            owners=str(owners) if owners else None,
        )
        server_config = ServerConfig(
            settings=settings,
            host=host,
            port=port,
            workers=workers,
            queue=queue,
            max_body=max_body,
            timeout=timeout,
            recycle=recycle,
            token=read_token(token_file),
            protect_reads=protect_reads,
            insecure=insecure,
        )
        for name, location in (("fact-check store", factchecks), ("source store", sources)):
            if location is not None and not location.is_file():
                raise FileNotFoundError(f"no {name} at {location}")
        app = create_app(server_config)
    except (NewsauditError, OSError) as error:
        fail(error)
    typer.echo(
        f"newsaudit serving http://{host}:{port} (corpus {settings.corpus}; {workers} audit worker(s); "
        f"writes {'need the token' if server_config.token else 'disabled: no token'})",
        err=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=int(timeout) + 5)
