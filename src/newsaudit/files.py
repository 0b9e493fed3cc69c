"""Writing output files so that a reader sees the old file or the whole new one, never a part.

`atomic_write` writes to a hidden temporary file beside the target and renames it over the target only when
the block ends without an error; an error or an interruption removes the temporary file and leaves the target
as it was (absent, or the previous version). It sits at the bottom of the layers so every writer can use it.
"""

from __future__ import annotations

import os
import secrets
import stat
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any

__all__ = ["atomic_write", "write_text"]


@contextmanager
def atomic_write(path: str | Path, mode: str = "w", *, encoding: str | None = "utf-8", **options: Any) -> Iterator[IO]:
    """Open `path` for writing (`mode` "w" or "wb"); the file appears, complete, when the block ends.

    A target that exists and is not a regular file (a terminal, a pipe, /dev/null) is written directly: there
    is nothing to rename over. The temporary file gets the permissions a plain `open` would give (the umask
    applies), or those of the file it replaces.
    """
    if mode not in ("w", "wb"):
        raise ValueError(f"atomic_write writes whole files: mode 'w' or 'wb', not {mode!r}")
    target = Path(path)
    text_options = {"encoding": encoding, **options} if mode == "w" else options
    try:
        existing = target.stat()
    except FileNotFoundError:
        existing = None
    if existing is not None and not stat.S_ISREG(existing.st_mode):
        with open(target, mode, **text_options) as handle:
            yield handle
        return
    temporary, descriptor = _create_beside(target)
    try:
        if existing is not None:
            os.chmod(descriptor, stat.S_IMODE(existing.st_mode))
        with os.fdopen(descriptor, mode, **text_options) as handle:
            yield handle
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temporary, target)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise


def write_text(path: str | Path, text: str, *, encoding: str = "utf-8") -> None:
    """`Path.write_text`, atomically."""
    with atomic_write(path, "w", encoding=encoding) as handle:
        handle.write(text)


def _create_beside(target: Path) -> tuple[Path, int]:
    """A new hidden file in the target's folder (same file system, so the rename is atomic)."""
    for _ in range(100):
        temporary = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
        try:
            return temporary, os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        except FileExistsError:
            continue
        except FileNotFoundError:
            raise FileNotFoundError(f"no folder {target.parent} to write {target.name} in") from None
    raise FileExistsError(f"cannot create a temporary file beside {target}")
