"""Coverage-guided fuzzing of the readers and the whole audit with atheris, for runs longer than CI can afford.

The first byte of each input picks the format (or sniffing), the rest is the file. Every item read must be a
`RawDocument` or a `ReadFailure`; with `NEWSAUDIT_FUZZ_TARGET=audit` (the default) the items are also audited and
each audit must keep the invariants of the hypothesis suite (`tests/fuzz/conftest.py:check_audit`). Any other
exception, or a broken invariant, is a crash that libFuzzer saves. See fuzz/README.md.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import atheris

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))  # the invariants live with the hypothesis suite, so both check the same things

with atheris.instrument_imports(include=["newsaudit"]):
    from newsaudit import Auditor, Settings
    from newsaudit.errors import InputError
    from newsaudit.ingest.readers import FORMATS, RawDocument, ReadFailure, read

from tests.fuzz.conftest import check_audit  # noqa: E402  (after the instrumented imports, on purpose)

TARGET = os.environ.get("NEWSAUDIT_FUZZ_TARGET", "audit")
#: Small enough that one input is audited in seconds; libFuzzer's -max_len keeps inputs below it anyway.
MAX_BYTES = 1_000_000
#: At most this many records of one input are audited, so a corpus file cannot turn one run into minutes.
MAX_AUDITED = 4
CHOICES = (None, *FORMATS)
AUDITOR = Auditor(Settings(workers=1, max_bytes=MAX_BYTES)) if TARGET == "audit" else None


def test_one_input(data: bytes) -> None:
    if not data:
        return
    chosen = CHOICES[data[0] % len(CHOICES)]
    stream = io.BufferedReader(io.BytesIO(data[1:]))
    items = list(read(["-"], format=chosen, stdin=stream, max_bytes=MAX_BYTES))
    for item in items:
        if isinstance(item, ReadFailure):
            if not isinstance(item.error, InputError):
                raise AssertionError(f"a ReadFailure must carry an InputError, not {item.error!r}")
        elif not isinstance(item, RawDocument):
            raise AssertionError(f"a reader yielded {item!r}")
        else:
            item.content.encode("utf-8")  # a lone surrogate raises here
    if AUDITOR is not None:
        for audit in AUDITOR.audit_batch(items[:MAX_AUDITED]):
            check_audit(audit)


def main() -> None:
    atheris.Setup(sys.argv, test_one_input)
    if AUDITOR is not None:
        AUDITOR.nlp  # noqa: B018  (load spaCy once, before the first input, so it is not timed as one)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
