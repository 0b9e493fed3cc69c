"""`newsaudit eval …`: score newsaudit against public benchmarks, one JSON object per command."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from newsaudit.cli.options import (
    Command,
    ExtractionMode,
    Group,
    QuietOption,
    fail,
    flag,
    optional_values,
    progress,
    stderr,
)
from newsaudit.errors import NewsauditError


def data_folder(given: Path | None) -> Path:
    """The shared datasets folder: as given, else $NEWSAUDIT_DATA, else ../shared/data from here."""
    return given or Path(os.environ.get("NEWSAUDIT_DATA") or Path.cwd().parent / "shared" / "data")


eval_app = typer.Typer(
    help="Score newsaudit against public benchmarks; each command prints one JSON object.", cls=Group
)


@eval_app.command("extraction", cls=Command)
def eval_extraction(
    html_dir: Annotated[Path, typer.Argument(help="Folder of <id>.html(.gz) pages.", exists=True, file_okay=False)],
    ground_truth: Annotated[Path, typer.Argument(help="ground-truth.json: {id: {articleBody, url}}.", exists=True)],
    compare: Annotated[
        bool, flag("--compare/--no-compare", help="Also score plain trafilatura in the same run.")
    ] = False,
    extraction: Annotated[
        ExtractionMode, typer.Option(help="Extraction trade-off to score.")
    ] = ExtractionMode.precision,
) -> None:
    """Main-text extraction F1 over 4-token shingles (the article-extraction benchmark's metric).

    Example: newsaudit eval extraction ../shared/data/article_extraction_benchmark/html
    ../shared/data/article_extraction_benchmark/ground-truth.json
    """
    from functools import partial

    from newsaudit.evaluation.extraction import evaluate, newsaudit_extractor, trafilatura_extractor

    try:
        result = evaluate(html_dir, ground_truth, partial(newsaudit_extractor, extraction=extraction.value))
        if compare:
            result["trafilatura"] = evaluate(html_dir, ground_truth, trafilatura_extractor)
    except (OSError, ValueError, KeyError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("attribution", cls=Command)
def eval_attribution(
    brat_dir: Annotated[
        Path, typer.Argument(help="A split folder with text/ and attributions/ (PolNeAR layout).", file_okay=False)
    ],
    workers: Annotated[int | None, typer.Option(help="Worker processes; 0 = one per core.")] = None,
    compare: Annotated[
        bool,
        flag("--compare/--no-compare", help="Also score the lexical cue model alone (no role tagger) in the same run."),
    ] = False,
) -> None:
    """Attribution source/cue/content F1 (token overlap and exact) and relation F1 against brat annotations.

    Example: newsaudit eval attribution ../shared/data/polnear/dev --compare
    """
    from newsaudit.evaluation.attribution import evaluate, predict_lexical, predict_with

    if not (brat_dir / "text").is_dir() or not (brat_dir / "attributions").is_dir():
        fail(FileNotFoundError(f"{brat_dir} needs text/ and attributions/ folders"))
    try:
        result = evaluate(brat_dir, predict_with(workers=workers))
        if compare:
            result["lexical_only"] = evaluate(brat_dir, predict_lexical())
    except (OSError, ValueError, NewsauditError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("checkworthy", cls=Command)
def eval_checkworthy(
    folder: Annotated[
        Path,
        typer.Argument(help="Folder of CLEF-2019 Task 1 transcripts (line, speaker, text, label).", file_okay=False),
    ],
    dev: Annotated[bool, flag("--dev", help="Only newsaudit's dev transcripts (kept out of training).")] = False,
    workers: Annotated[int | None, typer.Option(help="Worker processes for parsing; 0 = one per core.")] = None,
    folds: Annotated[
        bool,
        flag(
            "--folds",
            help="Instead: hold out each transcript in turn and refit the model on the others (c and weights "
            "chosen on inner folds of those), with and without ClaimBuster. Needs scikit-learn.",
        ),
    ] = False,
    claimbuster: Annotated[
        Path | None,
        typer.Option(
            help="With --folds: ClaimBuster's kfold_25ncs.json as extra training sentences "
            "(default: ../../claimbuster/kfold_25ncs.json from FOLDER, when it is there)."
        ),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Check-worthiness ranking: MAP, R-precision, MRR and P@k averaged over transcripts (CLEF-2019 Task 1).

    With --folds: leave-one-transcript-out over the folder, per-transcript figures and their mean, std, min
    and max; `dev5` gives the means over the five old dev transcripts for comparison.

    Example: newsaudit eval checkworthy ../shared/data/clef2019_checkthat_task1/training --dev

    Example: newsaudit eval checkworthy ../shared/data/clef2019_checkthat_task1/training --folds
    """
    from newsaudit.evaluation.checkworthy import DEV_TRANSCRIPTS, evaluate, scorer

    if not folder.is_dir():
        fail(FileNotFoundError(f"{folder} is not a folder of transcripts"))
    processes = workers if workers else len(os.sched_getaffinity(0)) if workers == 0 else 1
    if folds:
        from newsaudit.training.checkworthy_folds import evaluate_folds

        beside = folder.resolve().parent.parent / "claimbuster" / "kfold_25ncs.json"
        extra = claimbuster or (beside if beside.is_file() else None)

        def log(line: str) -> None:
            if not quiet:
                stderr.print(line, soft_wrap=True)

        try:
            result = evaluate_folds(folder, extra, workers=processes, log=log)
        except ImportError as error:
            fail(
                ImportError(
                    f"{error}; `newsaudit eval checkworthy --folds` needs scikit-learn: pip install -e '.[train]'"
                )
            )
        except (OSError, ValueError, KeyError) as error:
            fail(error)
        typer.echo(json.dumps(result))
        return
    try:
        result = evaluate(folder, scorer(processes), only=DEV_TRANSCRIPTS if dev else None)
    except (OSError, ValueError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("matching", cls=Command)
def eval_matching(
    csv_path: Annotated[Path, typer.Argument(help="Emergent CSV (claimHeadline, articleHeadline, claimId).")],
) -> None:
    """Fact-check retrieval: each Emergent headline must retrieve its own claim among all claims.

    Example: newsaudit eval matching ../shared/data/emergent/url-versions-2015-06-14-clean-train.csv
    """
    from newsaudit.evaluation.matching import evaluate

    try:
        result = evaluate(csv_path)
    except (OSError, ValueError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("emergent", cls=Command)
def eval_emergent(
    csv_path: Annotated[
        Path, typer.Argument(help="Emergent-layout CSV (claimHeadline, articleHeadline, articleHeadlineStance).")
    ],
    folds: Annotated[
        bool,
        flag(
            "--folds",
            help="Instead: refit the claim-stance model in each of the authors' claim-disjoint folds (c chosen "
            "inside the training part) and score each held-out fold. Needs scikit-learn.",
        ),
    ] = False,
    fold_file: Annotated[
        Path | None,
        typer.Option(help="With --folds: articleId → fold CSV (default: cv_folds_train.csv beside CSV_PATH)."),
    ] = None,
    compare: Annotated[
        bool,
        flag("--compare/--no-compare", help="Also score the FNC-1 stance model with mapped labels in the same run."),
    ] = False,
    quiet: QuietOption = False,
) -> None:
    """Claim ↔ headline stance (for / against / observing): accuracy, macro-F1, per-class F1 (Emergent).

    Scores the shipped model (trained on all of Emergent's training split, so score it on rows it has not
    seen, e.g. the test split). With --folds: per-fold figures and their mean, std, min and max, pooled
    out-of-fold figures, and the FNC-1 model mapped (agree → for, disagree → against, discuss and unrelated →
    observing) on the same folds.

    Example: newsaudit eval emergent url-versions-2015-06-14-clean-test.csv --compare

    Example: newsaudit eval emergent ../shared/data/emergent/url-versions-2015-06-14-clean-train.csv --folds
    """
    from newsaudit.evaluation.emergent import evaluate, fnc_mapped

    if folds:
        from newsaudit.training.claim_stance import evaluate_folds

        def log(line: str) -> None:
            if not quiet:
                stderr.print(line, soft_wrap=True)

        try:
            result = evaluate_folds(csv_path, fold_file or csv_path.parent / "cv_folds_train.csv", log=log)
        except ImportError as error:
            fail(
                ImportError(f"{error}; `newsaudit eval emergent --folds` needs scikit-learn: pip install -e '.[train]'")
            )
        except (OSError, ValueError, KeyError) as error:
            fail(error)
        typer.echo(json.dumps(result))
        return
    from newsaudit.models.claim_stance import ClaimStance

    try:
        model = ClaimStance.default()
        result = evaluate(csv_path, lambda rows: model.predict_many([(r.claim, r.headline) for r in rows]))
        if compare:
            from newsaudit.models.stance import StanceModel

            result["fnc_mapped"] = evaluate(csv_path, fnc_mapped(StanceModel.default().predict_many))
    except (OSError, ValueError, KeyError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("credibility", cls=Command)
def eval_credibility(
    csv_path: Annotated[Path, typer.Argument(help="CSV with columns text or html, title, domain, label.")],
    folds: Annotated[int, typer.Option(min=2, help="Domain-disjoint folds.")] = 5,
    low_label: Annotated[
        list[str] | None,
        typer.Option("--low-label", help="A label value meaning low credibility (repeatable; default: fake, low, …)."),
    ] = None,
    workers: Annotated[int | None, typer.Option(help="Worker processes for auditing; 0 = one per core.")] = None,
    quiet: QuietOption = False,
) -> None:
    """Credibility over domain-disjoint folds: the explained model and a TF-IDF baseline on the same folds.

    Needs scikit-learn (pip install -e ".[train]"). Example:
    newsaudit eval credibility build/credibility-fakes.csv  (written by scripts/train_credibility.py)
    """
    from newsaudit.evaluation.credibility import evaluate

    try:
        with progress("auditing", None, quiet=quiet) as step:
            result = evaluate(csv_path, folds=folds, low_labels=low_label or (), workers=workers, progress=step)
    except ImportError as error:
        fail(ImportError(f"{error}; `newsaudit eval credibility` needs scikit-learn: pip install -e '.[train]'"))
    except (OSError, ValueError) as error:
        fail(error)
    typer.echo(json.dumps(result))


class StanceSubset(StrEnum):
    all = "all"
    headline_dev = "headline-dev"
    baseline_dev = "baseline-dev"
    strict_dev = "strict-dev"


@eval_app.command("stance", cls=optional_values(folds="5"))
def eval_stance(
    bodies_csv: Annotated[Path, typer.Argument(help="FNC-1 bodies CSV (Body ID, articleBody).")],
    stances_csv: Annotated[Path, typer.Argument(help="FNC-1 stances CSV (Headline, Body ID, Stance).")],
    subset: Annotated[
        StanceSubset, typer.Option(help="Score only one of newsaudit's dev splits of the FNC-1 training files.")
    ] = StanceSubset.all,
    folds: Annotated[
        int | None,
        typer.Option(
            "--folds",
            min=2,
            metavar="[K]",
            help="Instead: refit the shipped recipe in K folds (5 when K is left out) of the files, by story and "
            "by headline, and score each held-out fold. Needs scikit-learn; about 5 minutes a fold.",
        ),
    ] = None,
    seed: Annotated[int, typer.Option(help="Seed of the fold assignment (with --folds).")] = 20240611,
    quiet: QuietOption = False,
) -> None:
    """Headline ↔ body stance: FNC-1 weighted score (relative %), macro-F1, per-class F1, accuracy.

    The shipped model was trained on all of FNC-1's training pairs, so use this on pairs it has not seen
    (e.g. the competition test files); the dev-split numbers come from `scripts/train_stance.py`, which refits
    on each split's training part. With --folds the shipped recipe is refitted inside each fold instead: whole
    stories held out (`story`, the protocol that predicts unseen news) and, in the same run, headlines held out
    with bodies shared (`headline`, the old protocol); `leak` is their difference.

    Example: newsaudit eval stance competition_test_bodies.csv competition_test_stances.csv

    Example: newsaudit eval stance ../shared/data/fnc1/train_bodies.csv ../shared/data/fnc1/train_stances.csv --folds
    """
    if folds is not None:
        from newsaudit.training.stance_folds import evaluate_folds

        def log(line: str) -> None:
            if not quiet:
                stderr.print(line, soft_wrap=True)

        try:
            result = evaluate_folds(bodies_csv, stances_csv, k=folds, seed=seed, log=log)
        except ImportError as error:
            fail(ImportError(f"{error}; `newsaudit eval stance --folds` needs scikit-learn: pip install -e '.[train]'"))
        except (OSError, ValueError, KeyError) as error:
            fail(error)
        typer.echo(json.dumps(result))
        return

    from newsaudit.evaluation.stance import evaluate
    from newsaudit.models.stance import StanceModel

    try:
        model = StanceModel.default()
        result = evaluate(
            bodies_csv, stances_csv, model.predict_many, subset=None if subset is StanceSubset.all else subset.value
        )
    except (OSError, ValueError, KeyError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("reuse", cls=Command)
def eval_reuse(
    data: Annotated[
        Path | None, typer.Argument(help="The shared datasets folder (default: $NEWSAUDIT_DATA or ../shared/data).")
    ] = None,
    copies: Annotated[int, typer.Option(min=10, help="How many derived copies to make and look up.")] = 600,
    seed: Annotated[int, typer.Option(help="Seed of the derived corpus.")] = 13,
    total: Annotated[int, typer.Option(help="Articles indexed in all (unrelated filler makes up the rest).")] = 10_000,
) -> None:
    """Text reuse on copies derived from real articles: pair recall/precision, span F1, speed, size.

    Example: newsaudit eval reuse ../shared/data
    """
    from newsaudit.evaluation.reuse import evaluate

    folder = data_folder(data)
    if not folder.is_dir():
        fail(FileNotFoundError(f"{folder} is not the shared datasets folder"))
    try:
        result = evaluate(folder, n_copies=copies, seed=seed, total=total)
    except (OSError, ValueError) as error:
        fail(error)
    typer.echo(json.dumps(result))


@eval_app.command("stories", cls=Command)
def eval_stories(
    data: Annotated[
        Path | None, typer.Argument(help="The shared datasets folder (default: $NEWSAUDIT_DATA or ../shared/data).")
    ] = None,
    folds: Annotated[int, typer.Option(min=2, help="Story-disjoint folds.")] = 5,
) -> None:
    """Story clustering against gold stories (FNC-1 bodies, Emergent headlines), beside a TF-IDF average-link
    baseline at its best threshold, and independent origins on derived copies: one JSON object per line.

    Example: newsaudit eval stories ../shared/data
    """
    from newsaudit.evaluation.stories import evaluate
    from newsaudit.models.embeddings import Embedder

    folder = data_folder(data)
    if not folder.is_dir():
        fail(FileNotFoundError(f"{folder} is not the shared datasets folder"))
    try:
        results = evaluate(folder, k=folds, embedder=Embedder.default())
    except (OSError, ValueError) as error:
        fail(error)
    if not results:
        fail(FileNotFoundError(f"neither fnc1/ nor emergent/ found under {folder}"))
    for result in results:
        typer.echo(json.dumps(result))


@eval_app.command("all", cls=Command)
def eval_all(
    data: Annotated[
        Path | None, typer.Option(help="The shared datasets folder (default: $NEWSAUDIT_DATA or ../shared/data).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option(help="Write the score card here (Markdown), and its JSON beside it (.json).")
    ] = None,
    json_out: Annotated[Path | None, typer.Option("--json", help="Write the score card's JSON here.")] = None,
    only: Annotated[list[str] | None, typer.Option("--only", help="Run only this evaluation (repeatable).")] = None,
    slow: Annotated[bool, flag("--slow", help="Also run the slow ones (FNC-1 stance folds, about 25 min).")] = False,
    from_json: Annotated[
        Path | None,
        typer.Option("--from-json", help="Run nothing: write the page again from a score card's JSON.", exists=True),
    ] = None,
    quiet: QuietOption = False,
) -> None:
    """Every evaluation on the public dev splits, one score card: per component the dataset, split and protocol,
    the figures, the baseline measured in the same run, the published anchor, versions, machine and run time.
    Prints the JSON unless --out or --json is given; data that is absent is listed as skipped.

    Example: newsaudit eval all --data ../shared/data --slow --out docs/scorecard.md
    """
    from newsaudit.evaluation.scorecard import refigure, render_markdown, run_all
    from newsaudit.files import write_text

    folder = data_folder(data)

    def log(line: str) -> None:
        if not quiet:
            stderr.print(line, soft_wrap=True, highlight=False, markup=False)

    try:
        if from_json is not None:
            card = refigure(json.loads(from_json.read_text(encoding="utf-8")))
        else:
            card = run_all(folder, only=only or (), slow=slow, log=log)
        text = json.dumps(card, indent=1, ensure_ascii=False)
        if out is not None:
            write_text(out, render_markdown(card))
            write_text(json_out or out.with_suffix(".json"), text + "\n")
        elif json_out is not None:
            write_text(json_out, text + "\n")
        else:
            typer.echo(text)
    except (OSError, ValueError) as error:
        fail(error)
    failed = [row["name"] for row in card["evaluations"] if row["status"] == "failed"]
    for row in card["evaluations"]:
        log(f"{row['name']}: {row['status']} {row.get('figures') or row.get('reason', '')}")
    if failed:
        raise typer.Exit(1)
