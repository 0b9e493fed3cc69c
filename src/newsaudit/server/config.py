"""What a server is started with (`newsaudit serve`'s options), checked before anything listens."""

from __future__ import annotations

import ipaddress
import os
from dataclasses import dataclass, field
from pathlib import Path

from newsaudit.errors import SettingsError
from newsaudit.settings import Settings

#: The environment variable holding the bearer token that write endpoints (and, optionally, reads) require.
TOKEN_VARIABLE = "NEWSAUDIT_API_TOKEN"


@dataclass(frozen=True)
class ServerConfig:
    """A server's settings. `settings` are the audit's own (stores, limits, model); the rest bound what the
    server takes on: `workers` audit processes, at most `queue` requests waiting for one (then 503), bodies
    up to `max_body` bytes (then 413; the audit's own `max_bytes` by default), `timeout` seconds per audit
    (then 504); each worker process is replaced after `recycle` audits (0: never). `token` guards writes, and reads
    too when `protect_reads`."""

    settings: Settings = field(default_factory=Settings)
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    queue: int = 16
    max_body: int | None = None
    timeout: float = 60.0
    recycle: int = 500
    token: str | None = None
    protect_reads: bool = False
    insecure: bool = False

    def __post_init__(self) -> None:
        if self.workers < 1:
            raise SettingsError(f"workers must be 1 or more, not {self.workers}")
        if self.recycle < 0:
            raise SettingsError(f"recycle must be 0 (never) or more audits, not {self.recycle}")
        if self.queue < 0:
            raise SettingsError(f"queue must be 0 or more, not {self.queue}")
        if not 0 < self.timeout < float("inf"):
            raise SettingsError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if self.token is not None and len(self.token) < 16:
            raise SettingsError("the API token must be at least 16 characters")
        if self.protect_reads and not self.token:
            raise SettingsError("protecting reads needs a token (NEWSAUDIT_API_TOKEN or --token-file)")
        if not self.loopback and not self.token and not self.insecure:
            raise SettingsError(
                f"refusing to listen on {self.host} without a token: anyone who can reach it could write; set"
                f" {TOKEN_VARIABLE} (or --token-file), or say --insecure"
            )

    @property
    def body_limit(self) -> int:
        return self.max_body if self.max_body is not None else self.settings.max_bytes

    @property
    def loopback(self) -> bool:
        if self.host == "localhost":
            return True
        try:
            return ipaddress.ip_address(self.host).is_loopback
        except ValueError:
            return False


def read_token(token_file: Path | None) -> str | None:
    """The API token: the first line of `token_file`, else `NEWSAUDIT_API_TOKEN`, else None."""
    if token_file is not None:
        try:
            token = token_file.read_text(encoding="utf-8").strip().splitlines()
        except OSError as error:
            raise SettingsError(f"cannot read the token file {token_file}: {error.strerror}") from error
        if not token or not token[0].strip():
            raise SettingsError(f"the token file {token_file} is empty")
        return token[0].strip()
    return os.environ.get(TOKEN_VARIABLE) or None
