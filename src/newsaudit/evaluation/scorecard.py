"""`newsaudit eval all`: every evaluation on the public dev splits, one score card (Markdown and JSON).

`EVALUATIONS` is the one table of what is evaluated: the `newsaudit eval` command and its data, the component,
dataset, split and protocol, the figures to report (keys into the command's JSON), the baseline measured in
the same run, and the published anchor. `run_all` runs each command in its own process (so one evaluation's
memory is not the next one's), times it and keeps its whole JSON; `render_markdown` writes the page;
`ci/check_floors.py` reads the same results against `ci/floors.json`. An evaluation whose data is absent is
listed as skipped, never as a failure.
"""

from __future__ import annotations

import hashlib
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class Evaluation:
    """One row of the score card. `args` follow `newsaudit eval`, with `{data}` for the data folder and
    `{contract}` for a file `prepare` writes; `needs` are paths under the data folder that must exist. `figures`
    and `baseline` are `(label, key path)` pairs into the command's JSON (`a.b` for nested keys; for a command
    printing JSON lines, the first part is the line's `dataset`)."""

    name: str
    component: str
    dataset: str
    split: str
    protocol: str
    args: tuple[str, ...]
    needs: tuple[str, ...]
    figures: tuple[tuple[str, str], ...]
    baseline: tuple[tuple[str, str], ...] = ()
    baseline_name: str = ""
    anchor: str = ""
    slow: bool = False
    prepare: Callable[[Path, Path], Path] | None = field(default=None, compare=False)


def _credibility_contract(data: Path, folder: Path) -> Path:
    from newsaudit.evaluation.credibility import fakenewscorpus_rows, write_contract_csv

    path = folder / "fakenewscorpus.csv"
    write_contract_csv(fakenewscorpus_rows(data / "fakenewscorpus_sample" / "news_sample.csv"), path)
    return path


EXTRACTION = "article_extraction_benchmark"
EVALUATIONS: tuple[Evaluation, ...] = (
    Evaluation(
        "extraction", "Article extraction", "Article extraction benchmark (88 pages)", "all pages",
        "main-text F1 over 4-token shingles (the benchmark's own metric)",
        ("extraction", "{data}/" + EXTRACTION + "/html", "{data}/" + EXTRACTION + "/ground-truth.json", "--compare"),
        (EXTRACTION,), (("F1", "f1"), ("precision", "precision"), ("recall", "recall")),
        (("F1", "trafilatura.f1"),), "plain trafilatura",
        "trafilatura 2.0.0 F1 0.958, rs_trafilatura 0.970 (the benchmark's table)",
    ),
    Evaluation(
        "attribution", "Who says so (attribution)", "PolNeAR", "dev (84 articles)",
        "token-overlap F1 per role and per relation (source, cue, content all matched)",
        ("attribution", "{data}/polnear/dev", "--compare"), ("polnear/dev",),
        (("relation F1", "relation_f1"), ("source F1", "source_f1"), ("cue F1", "cue_f1"),
         ("content F1", "content_f1")),
        (("relation F1", "lexical_only.relation_f1"), ("source F1", "lexical_only.source_f1")),
        "lexical cue model alone",
        "no published model baseline (the LREC 2018 paper gives corpus agreement only: α 75.4 %)",
    ),
    Evaluation(
        "checkworthy", "Check-worthiness", "CLEF-2019 CheckThat! Task 1", "5 dev transcripts kept out of training",
        "mean average precision over transcripts (the task's official metric)",
        ("checkworthy", "{data}/clef2019_checkthat_task1/training", "--dev"), ("clef2019_checkthat_task1/training",),
        (("MAP", "map"), ("R-precision", "r_precision"), ("P@10", "p_at_10")), (), "",
        "best 2019 system on the held-out test set: MAP 0.166",
    ),
    Evaluation(
        "matching", "Fact-check retrieval", "Emergent (headlines → their claim)", "train CSV, all rows",
        "each article headline retrieves its own claim among all claims",
        ("matching", "{data}/emergent/url-versions-2015-06-14-clean-train.csv"), ("emergent",),
        (("recall@1", "recall_at_1"), ("recall@5", "recall_at_5"), ("MRR", "mrr")),
        (("recall@1", "lexical.recall_at_1"), ("recall@5", "lexical.recall_at_5")), "BM25 alone",
    ),
    Evaluation(
        "emergent", "Claim ↔ headline stance", "Emergent", "the authors' 10 claim-disjoint folds of train",
        "the model refitted in each fold, c chosen on inner claim-disjoint folds; mean over folds",
        ("emergent", "{data}/emergent/url-versions-2015-06-14-clean-train.csv", "--folds", "-q"), ("emergent",),
        (("accuracy", "mean.accuracy"), ("accuracy sd", "std.accuracy"), ("macro-F1", "mean.macro_f1"),
         ("macro-F1 sd", "std.macro_f1")),
        (("accuracy", "mean.fnc_mapped.accuracy"), ("macro-F1", "mean.fnc_mapped.macro_f1")),
        "the FNC-1 model with mapped labels",
        "Ferreira & Vlachos 2016: accuracy 0.734 (10-fold CV), 0.733 test",
    ),
    Evaluation(
        "stance", "Headline ↔ body stance", "FNC-1", "train files, 5 story-disjoint folds",
        "the shipped recipe refitted in each fold; whole stories held out (and headlines held out, for the leak)",
        ("stance", "{data}/fnc1/train_bodies.csv", "{data}/fnc1/train_stances.csv", "--folds", "-q"), ("fnc1",),
        (("FNC score", "mean.fnc_score"), ("FNC sd", "std.fnc_score"), ("macro-F1", "mean.macro_f1"),
         ("macro-F1 sd", "std.macro_f1"), ("disagree F1", "mean.f1.disagree")),
        (("FNC score", "headline.mean.fnc_score"), ("macro-F1", "headline.mean.macro_f1")),
        "the same recipe in headline-disjoint folds (the leaky protocol, not a bar to beat)",
        "best FNC-1 systems on the test set: macro-F1 0.58–0.61 (Hanselowski et al. 2018)", slow=True,
    ),
    Evaluation(
        "reuse", "Text reuse", "copies derived from FNC-1, FakeNewsCorpus and FA-KES articles", "600 copies, 10k index",
        "pair precision and recall at 20 % shared; span F1 of the copied characters",
        ("reuse", "{data}"), ("fnc1",),
        (("pair recall", "at_0.2.pair_recall"), ("pair precision", "at_0.2.pair_precision"), ("span F1", "span_f1")),
        (("pair recall", "brute_force_pair_recall"),), "exact brute-force containment",
    ),
    Evaluation(
        "stories", "Story clusters", "FNC-1 bodies and Emergent headlines", "5 story-disjoint folds",
        "join threshold and weights chosen on the other folds; BCubed F1 over all articles",
        ("stories", "{data}"), ("fnc1",),
        (("FNC-1 BCubed F1", "fnc1_bodies.bcubed_f1"), ("FNC-1 pairwise F1", "fnc1_bodies.pairwise_f1"),
         ("Emergent BCubed F1", "emergent_headlines.bcubed_f1"), ("origins right", "derived_origins.origins_accuracy")),
        (("FNC-1 BCubed F1", "fnc1_bodies.baseline.bcubed_f1"),
         ("Emergent BCubed F1", "emergent_headlines.baseline.bcubed_f1")),
        "TF-IDF average link at its best threshold on each scored fold",
        "Miranda et al. 2018: English pairwise F1 0.940 (their news stream)",
    ),
    Evaluation(
        "credibility", "Credibility", "FakeNewsCorpus sample (labels: the site's OpenSources type)",
        "5 domain-disjoint folds", "both models fitted on the same folds; AUC of the low-credibility probability",
        ("credibility", "{contract}", "-q"), ("fakenewscorpus_sample/news_sample.csv",),
        (("AUC", "auc"), ("AUC per-fold mean", "auc_fold_mean"), ("AUC per-fold sd", "auc_fold_std"), ("F1", "f1")),
        (("AUC", "baseline_auc"), ("F1", "baseline_f1")),
        "TF-IDF + logistic regression",
        "none comparable (labels are site-level; only 2 of the 5 folds hold both labels)",
        prepare=_credibility_contract,
    ),
)  # fmt: skip


def value_at(result: Any, path: str) -> Any:
    """The value at a dotted key path (`at_0.2.pair_recall` tries the longest keys first); None if absent."""
    if not path:
        return result
    if isinstance(result, dict):
        parts = path.split(".")
        for cut in range(len(parts), 0, -1):
            key = ".".join(parts[:cut])
            if key in result:
                return value_at(result[key], ".".join(parts[cut:]))
    return None


def _parse(stdout: str) -> Any:
    text = stdout.strip()
    try:
        return json.loads(text)
    except ValueError:
        lines = [json.loads(line) for line in text.splitlines() if line.strip()]
        return {line.get("dataset", str(index)): line for index, line in enumerate(lines)}


def run_one(evaluation: Evaluation, data: Path, log: Callable[[str], None] = lambda _: None) -> dict[str, Any]:
    """Run one evaluation; its row of the score card (status `ok`, `skipped` or `failed`)."""
    row: dict[str, Any] = {"name": evaluation.name, "component": evaluation.component}
    missing = [need for need in evaluation.needs if not (data / need).exists()]
    if missing:
        return {**row, "status": "skipped", "reason": f"not found under {data}: {', '.join(missing)}"}
    with tempfile.TemporaryDirectory(prefix="newsaudit-eval-") as folder:
        contract = evaluation.prepare(data, Path(folder)) if evaluation.prepare else None
        args = [arg.replace("{data}", str(data)).replace("{contract}", str(contract)) for arg in evaluation.args]
        log(f"eval {evaluation.name}: newsaudit eval {' '.join(args)}")
        started = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "newsaudit", "eval", *args], capture_output=True, text=True, check=False
        )
        seconds = round(time.perf_counter() - started, 1)
    if done.returncode != 0:
        return {**row, "status": "failed", "seconds": seconds, "reason": done.stderr.strip()[-2000:]}
    result = _parse(done.stdout)
    return {
        **row,
        "status": "ok",
        "seconds": seconds,
        "figures": {label: value_at(result, path) for label, path in evaluation.figures},
        "baseline": {label: value_at(result, path) for label, path in evaluation.baseline},
        "result": result,
    }


def refigure(card: dict[str, Any]) -> dict[str, Any]:
    """The card with each evaluation's figures and baseline read again from its kept JSON (after the table's key
    paths changed, without running anything again)."""
    by_name = {evaluation.name: evaluation for evaluation in EVALUATIONS}
    for row in card["evaluations"]:
        evaluation = by_name.get(row["name"])
        if evaluation is None or row.get("status") != "ok":
            continue
        row["figures"] = {label: value_at(row["result"], path) for label, path in evaluation.figures}
        row["baseline"] = {label: value_at(row["result"], path) for label, path in evaluation.baseline}
    return card


def model_versions() -> dict[str, str]:
    """Every model file shipped in the package: its size and the first 12 hex digits of its SHA-256."""
    root = Path(__file__).resolve().parent.parent / "models"
    found = {}
    for path in sorted(root.rglob("*")):
        if path.is_file() and path.suffix in (".json", ".npz", ".onnx", ".tsv"):
            digest = hashlib.sha256(path.read_bytes()).hexdigest()[:12]
            found[str(path.relative_to(root))] = f"{digest} ({path.stat().st_size:,} bytes)"
    return found


def machine() -> dict[str, Any]:
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return {"python": platform.python_version(), "platform": platform.platform(), "cores": cores,
            "processor": platform.processor() or platform.machine()}  # fmt: skip


def run_all(
    data: Path, *, only: Sequence[str] = (), slow: bool = False, log: Callable[[str], None] = lambda _: None
) -> dict[str, Any]:
    """Run the evaluations (`only` these names; the slow ones only with `slow`) and return the score card."""
    from newsaudit._version import __version__

    unknown = sorted(set(only) - {evaluation.name for evaluation in EVALUATIONS})
    if unknown:
        raise ValueError(f"unknown evaluation(s) {unknown}; known: {[e.name for e in EVALUATIONS]}")
    started = time.perf_counter()
    rows = []
    for evaluation in EVALUATIONS:
        if only and evaluation.name not in only:
            continue
        if evaluation.slow and not slow and evaluation.name not in only:
            rows.append({"name": evaluation.name, "component": evaluation.component, "status": "skipped",
                         "reason": "slow: run with --slow (or --only " + evaluation.name + ")"})  # fmt: skip
            continue
        rows.append(run_one(evaluation, data, log))
    return {
        "generated": datetime.now(UTC).isoformat(timespec="seconds"),
        "package": __version__,
        "models": model_versions(),
        "machine": machine(),
        "data": str(data),
        "seconds": round(time.perf_counter() - started, 1),
        "evaluations": rows,
    }


def _number(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.4g}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def render_markdown(card: dict[str, Any]) -> str:
    """The score card as a page like a model card."""
    by_name = {evaluation.name: evaluation for evaluation in EVALUATIONS}
    lines = [
        "# newsaudit score card",
        "",
        f"Generated by `newsaudit eval all` on {card['generated'][:10]}: newsaudit {card['package']}, Python "
        f"{card['machine']['python']}, {card['machine']['cores']} cores ({card['machine']['platform']}), "
        f"{card['seconds'] / 60:.1f} min in all. Every figure comes from the public dev splits in the data folder; "
        "the official test splits are held out and not used. Each baseline was measured in the same run. To "
        "regenerate: `newsaudit eval all --data ../shared/data --slow --out docs/scorecard.md`.",
        "",
        "| component | dataset | split and protocol | figures | baseline in the same run | published anchor "
        "| run time |",
        "|---|---|---|---|---|---|---|",
    ]
    for row in card["evaluations"]:
        evaluation = by_name[row["name"]]
        protocol = f"{evaluation.split}; {evaluation.protocol}"
        if row["status"] != "ok":
            figures, baseline, seconds = f"*{row['status']}*: {row.get('reason', '')[:160]}", "", ""
        else:
            figures = ", ".join(f"{label} {_number(value)}" for label, value in row["figures"].items())
            baseline = (
                f"{evaluation.baseline_name}: "
                + ", ".join(f"{label} {_number(value)}" for label, value in row["baseline"].items())
                if row["baseline"]
                else "—"
            )
            seconds = f"{row['seconds']:.0f} s"
        cells = [
            evaluation.component,
            evaluation.dataset,
            protocol,
            figures,
            baseline,
            evaluation.anchor or "—",
            seconds,
        ]
        lines.append("| " + " | ".join(cell.replace("|", "/").replace("\n", " ") for cell in cells) + " |")
    lines += ["", "## Model files", "", "| file | SHA-256 (first 12) and size |", "|---|---|"]
    lines += [f"| `{name}` | {digest} |" for name, digest in card["models"].items()]
    lines += [
        "",
        "How to read it: figures are means over the held-out folds where the protocol has folds (their spread is",
        "in the JSON beside this page, `scorecard.json`); a dev split chosen before the final test can still",
        "flatter a model, which is why the folds keep whole stories, transcripts, sites or claims apart.",
        "",
    ]
    return "\n".join(lines)
