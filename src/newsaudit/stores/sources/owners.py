"""Owner lists: which outlets belong to one owner, so the story layer counts them as one origin.

A CSV or TSV file (by its first line) of `domain,owner` rows; a header row naming `domain` is skipped, as are
blank lines and lines starting with `#`. Domains are lower-cased without `www.`; a domain listed twice keeps
its last owner. A missing or unreadable file is a `StoreError` naming it.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

from newsaudit.errors import StoreError


@cache
def read_owners(path: str) -> dict[str, str]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise StoreError(f"cannot read the owner list {path}: {error}") from error
    delimiter = "\t" if "\t" in text.split("\n", 1)[0] else ","
    owners: dict[str, str] = {}
    for number, row in enumerate(csv.reader(text.splitlines(), delimiter=delimiter), 1):
        if not row or not row[0].strip() or row[0].lstrip().startswith("#"):
            continue
        if len(row) < 2 or not row[1].strip():
            raise StoreError(f"{path}, line {number}: expected `domain,owner`")
        domain = row[0].strip().lower().removeprefix("www.")
        if number == 1 and domain == "domain":
            continue
        owners[domain] = row[1].strip()
    return owners
