"""Hypothesis profiles for the fuzz suite, and the invariants every fuzzed audit must keep.

`ci` (the default) is derandomised, so CI sees the same examples on every run and a red build is reproducible;
`NEWSAUDIT_FUZZ=deep` draws many more examples from a random seed and keeps failures in `build/hypothesis`.
"""

from __future__ import annotations

import dataclasses
import json
import os
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jsonschema
from hypothesis import HealthCheck, settings
from hypothesis.database import DirectoryBasedExampleDatabase

from newsaudit.schema import Audit, json_schema
from tests.unit.stages.test_stage_protocol import walk_spans

DEEP = os.environ.get("NEWSAUDIT_FUZZ", "").strip().lower() == "deep"
#: How many times more examples each test draws in the deep profile than in CI (`NEWSAUDIT_FUZZ_FACTOR` overrides).
DEEP_FACTOR = int(os.environ.get("NEWSAUDIT_FUZZ_FACTOR") or 50)

_SLOW_INPUT_CHECKS = [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.large_base_example]
settings.register_profile(
    "ci", derandomize=True, database=None, max_examples=60, deadline=None, suppress_health_check=_SLOW_INPUT_CHECKS
)
settings.register_profile(
    "deep",
    max_examples=60 * DEEP_FACTOR,
    deadline=None,
    database=DirectoryBasedExampleDatabase(str(Path(__file__).resolve().parents[2] / "build" / "hypothesis")),
    suppress_health_check=_SLOW_INPUT_CHECKS,
    print_blob=True,
)
settings.load_profile("deep" if DEEP else "ci")


def examples(count: int) -> int:
    """`count` examples in CI, `DEEP_FACTOR` times as many in the deep profile (for tests that set their own)."""
    return count * DEEP_FACTOR if DEEP else count


# -- invariants ---------------------------------------------------------------------------------------------------

#: Error codes that mean a bug was caught by a guard, not bad input: the fuzz suite treats them as crashes.
CRASH_CODES = frozenset({"stage_failed", "nlp_failed"})


def assert_utf8_clean(value: Any, path: str = "audit") -> None:
    """Every string in a plain value encodes as UTF-8: no lone surrogate reaches a file, a store or a page."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError as error:
            raise AssertionError(f"{path}: {value!r} is not valid Unicode ({error})") from None
    elif isinstance(value, dict):
        for key, item in value.items():
            assert_utf8_clean(key, f"{path} key")
            assert_utf8_clean(item, f"{path}.{key}")
    elif isinstance(value, list):
        for number, item in enumerate(value):
            assert_utf8_clean(item, f"{path}[{number}]")


def check_audit(audit: Audit) -> dict[str, Any]:
    """The invariants of any audit: spans quote the article, removed chrome stands inside it, no swallowed crash,
    the JSON validates against the published schema and can be written as UTF-8. Returns the JSON dict."""
    article = audit.article
    findings = {
        field.name: getattr(audit, field.name) for field in dataclasses.fields(audit) if field.name != "article"
    }
    findings["paragraphs"] = article.paragraphs
    walk = walk_spans(findings, article)
    assert not walk.problems, "\n".join(walk.problems)
    for piece in article.removed:
        assert 0 <= piece.at <= len(article.text), piece
    crashes = [e for e in audit.errors if e.code in CRASH_CODES or e.message.startswith("extraction failed:")]
    assert not crashes, crashes
    data = audit.to_dict()
    jsonschema.validate(data, json_schema())
    assert_utf8_clean(data)
    json.dumps(data, ensure_ascii=False).encode("utf-8")
    return data


def measure(call: Callable[[], Any]) -> tuple[Any, float, int]:
    """(result, seconds, peak bytes allocated by Python while it ran), for the cost bounds of huge inputs."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        result = call()
        return result, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
