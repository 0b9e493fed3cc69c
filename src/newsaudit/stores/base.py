"""What the stores share: opening a SQLite file (or reading one read-only), transactions, closing, `AddResult`.

`SQLiteStore` is one SQLite connection in autocommit mode, so every write is in an explicit `transaction()`
(`BEGIN IMMEDIATE`: the write lock is taken before the first read of a read-then-write, and a failure rolls the
whole transaction back). A subclass names its error class, what it is called in messages, its schema and its
pragmas; opening it then:

- refuses a missing file when read-only (`no <noun> at <path>`), opens it with `mode=ro` and reads its tables
  (`probe`, else every table the schema creates), so a corrupt or foreign file fails there, once;
- otherwise creates the file's folder, applies the pragmas (`wal`: write-ahead log, files only) and the schema;
- turns any SQLite error while opening into the store's error (`<path> is not a usable <noun>: <error>`).

`Store` is only the `with` protocol (`close` on exit), for stores that are not one SQLite file (the corpus).
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Self

from newsaudit.errors import StoreError

_CREATED_TABLE = re.compile(r"CREATE\s+(?:VIRTUAL\s+)?TABLE\s+(?:IF\s+NOT\s+EXISTS\s+)?(\w+)", re.IGNORECASE)


@dataclass(frozen=True, slots=True, kw_only=True)
class AddResult:
    """What a store's `add` did. Each store counts what applies to it and leaves the rest at 0:

    - `added`, `unchanged`: all stores (new records; records already stored as they are);
    - `replaced`, `updated`: the corpus (articles whose text changed and were re-indexed; articles whose
      metadata alone changed);
    - `removed`, `merged`: the source store (entries of the list's previous version that the new version no
      longer has; entries the list gives twice, after normalisation, merged into one: tags united, most severe
      level);
    - `skipped`: the fact-check and source stores (the readers' `Skipped` records, where and why).
    """

    added: int = 0
    unchanged: int = 0
    replaced: int = 0
    updated: int = 0
    removed: int = 0
    merged: int = 0
    skipped: tuple[Any, ...] = ()


class Store:
    """A store used as a context manager: `with Store(...) as store:` closes it on the way out."""

    def close(self) -> None:
        raise NotImplementedError

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


class SQLiteStore(Store):
    """One SQLite file (":memory:" for a throwaway store), `db` its connection. Subclasses set the class
    attributes below."""

    #: The error every failure to open is raised as.
    error: ClassVar[type[StoreError]] = StoreError
    #: What the store is called in error messages ("fact-check store": "no fact-check store at …").
    noun: ClassVar[str] = "store"
    #: Run (`executescript`) when the store is opened for writing.
    schema: ClassVar[str] = ""
    #: Run when the store is opened read-only, so an unusable file fails at once rather than at the first read;
    #: None: select from every table `schema` creates.
    probe: ClassVar[str | None] = None
    #: Write-ahead log and `synchronous = NORMAL`, for files (not ":memory:").
    wal: ClassVar[bool] = False
    #: Other pragmas, run on every connection after the write-ahead log's.
    pragmas: ClassVar[tuple[str, ...]] = ()

    def __init__(self, path: str | Path, *, read_only: bool = False) -> None:
        self.path = str(path)
        in_memory = self.path == ":memory:"
        if read_only and not in_memory and not Path(self.path).is_file():
            raise self.error(f"no {self.noun} at {self.path}")
        if not in_memory and not read_only:
            Path(self.path).parent.mkdir(parents=True, exist_ok=True)
        try:
            # Autocommit mode: transactions are explicit (`transaction`).
            self.db = sqlite3.connect(
                f"file:{self.path}?mode=ro" if read_only else self.path,
                uri=read_only,
                isolation_level=None,
                check_same_thread=False,
            )
        except sqlite3.DatabaseError as error:
            raise self.error(f"{self.path} is not a usable {self.noun}: {error}") from error
        try:
            if self.wal and not in_memory:
                self.db.execute("PRAGMA journal_mode = WAL")
                self.db.execute("PRAGMA synchronous = NORMAL")
            for pragma in self.pragmas:
                self.db.execute(pragma)
            if not read_only:
                self.db.executescript(self.schema)
            elif not in_memory:
                for probe in self.probes():
                    self.db.execute(probe).fetchall()
        except sqlite3.DatabaseError as error:
            self.db.close()
            raise self.error(f"{self.path} is not a usable {self.noun}: {error}") from error

    @classmethod
    def probes(cls) -> list[str]:
        """What a read-only open runs: `probe`, else one empty select per table the schema creates (a file
        that is not SQLite, or is another kind of store, fails on the first)."""
        if cls.probe is not None:
            return [cls.probe]
        return [f"SELECT 1 FROM {name} LIMIT 0" for name in _CREATED_TABLE.findall(cls.schema)]

    def execute(self, sql: str, params: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.db.execute(sql, params)

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One write transaction: committed when the block ends, rolled back if it raises."""
        self.db.execute("BEGIN IMMEDIATE")
        try:
            yield
        except BaseException:
            if self.db.in_transaction:  # SQLite may have rolled back already (a full disk, say)
                self.db.execute("ROLLBACK")
            raise
        self.db.execute("COMMIT")

    def close(self) -> None:
        self.db.close()
