"""Train the attribution role tagger (`src/newsaudit/models/roles.npz`, run by `newsaudit.models.roles`) on PolNeAR.

    pip install -e ".[train]" && pip install torch      # the CPU build is enough; newsaudit never imports it
    python scripts/train_roles.py [--data ../shared/data] [--oof build/roles-oof.npz]

Only the train compartment is learned from. Each token is labelled with its PolNeAR role (source, cue,
content or none: the corpus gives a token one role at most); the inputs are those of
`newsaudit.models.roles.token_features` plus the pipeline's `doc.tensor`, computed by the package's own code, so
training and use cannot drift apart. The network (an embedding per categorical input, a projection to 128,
five residual dilated convolutions of width 3 with layer norm, a linear layer to the four roles) is trained
with cross-entropy on 512-token pieces of the articles (AdamW, one-cycle learning rate up to 3e-3, dropout
0.25, 12 epochs; chosen on held-out training folds). The weights are written as float16 with the
vocabularies and the name of the spaCy pipeline whose vectors it read; the script checks that the numpy
forward pass of `newsaudit.models.roles` gives the network's own probabilities before writing.

`--oof FILE` also writes out-of-fold probabilities for every training article (four models, each trained
without a quarter of the articles: those whose number modulo 8 is 2k or 2k + 1) so that
`scripts/train_attribution.py` can fit the acceptance model on probabilities like those of unseen text.
With `--holdout`, the model is trained without articles 0 and 1 modulo 8 and their token F1 is printed; the
shipped file is then left alone. Dev is read only to report.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np

from newsaudit.training import DEFAULT_DATA, MODELS
from newsaudit.training.polnear import PIPELINE, parsed_split

MODEL = MODELS / "roles.npz"
EMBEDDING_DIMS = {
    "pos": 16,
    "tag": 16,
    "dep": 24,
    "ent": 16,
    "lemma": 48,
    "cue_kind": 8,
    "ancestor_kind": 8,
    "head_distance": 8,
    "head_dep": 16,
}
LEMMAS = 6000


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data", default=os.environ.get("NEWSAUDIT_DATA") or str(DEFAULT_DATA))
    parser.add_argument("--epochs", type=int, default=12)
    parser.add_argument("--hidden", type=int, default=128)
    parser.add_argument("--oof", type=Path, help="also write out-of-fold probabilities of the training articles")
    parser.add_argument("--holdout", action="store_true", help="train without articles 0, 1 mod 8 and score them")
    parser.add_argument("--out", type=Path, default=MODEL)
    parser.add_argument("--workers", type=int, default=len(os.sched_getaffinity(0)))
    args = parser.parse_args(argv)

    import torch

    train_dir = Path(args.data) / "polnear" / "train"
    if not train_dir.exists():
        print(f"skipped: {train_dir} not found")
        sys.exit(0)
    torch.set_num_threads(args.workers)
    torch.manual_seed(0)
    started = time.time()
    articles, docs = parsed_split(train_dir, args.workers)
    vocabularies = _vocabularies(docs)
    examples = [_example(doc, article, vocabularies) for doc, article in zip(docs, articles, strict=True)]
    dev_dir = Path(args.data) / "polnear" / "dev"
    dev_examples = []
    if dev_dir.exists():
        dev_articles, dev_docs = parsed_split(dev_dir, args.workers)
        dev_examples = [_example(d, a, vocabularies) for d, a in zip(dev_docs, dev_articles, strict=True)]
    print(f"{len(examples)} training articles parsed and featurised in {time.time() - started:.0f} s")

    if args.holdout:
        held = [e for i, e in enumerate(examples) if i % 8 in (0, 1)]
        model = _fit([e for i, e in enumerate(examples) if i % 8 not in (0, 1)], vocabularies, args)
        print("held-out train token F1:", _token_f1(_predict(model, held), held))
        if dev_examples:
            print("dev token F1:", _token_f1(_predict(model, dev_examples), dev_examples))
        return
    if args.oof:
        out_of_fold: dict[str, np.ndarray] = {}
        for fold in range(4):
            held_numbers = (2 * fold, 2 * fold + 1)
            model = _fit([e for i, e in enumerate(examples) if i % 8 not in held_numbers], vocabularies, args)
            held = [(i, e) for i, e in enumerate(examples) if i % 8 in held_numbers]
            probabilities = _predict(model, [e for _, e in held])
            for (i, _), p in zip(held, probabilities, strict=True):
                out_of_fold[articles[i].name] = p.astype(np.float16)
            print(f"fold {fold}: token F1 {_token_f1(probabilities, [e for _, e in held])}")
        args.oof.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(args.oof, **out_of_fold)
        print(f"out-of-fold probabilities -> {args.oof}")
    model = _fit(examples, vocabularies, args)
    if dev_examples:
        print("dev token F1 (reported, never tuned on):", _token_f1(_predict(model, dev_examples), dev_examples))
    _write(model, vocabularies, args, docs[0], examples[:3])


def _vocabularies(docs) -> dict[str, list[str]]:
    """The categorical values seen in training (the commonest lemmas only), in a fixed order."""
    from newsaudit.models.roles import POS_TAGS
    from newsaudit.nlp import lemma

    lemmas = Counter(lemma(t).lower() for doc in docs for t in doc)
    return {
        "pos": list(POS_TAGS),
        "tag": sorted({t.tag_ for doc in docs for t in doc} - {""}),
        "dep": sorted({t.dep_ for doc in docs for t in doc} - {""}),
        "ent": sorted({t.ent_type_ for doc in docs for t in doc} - {""}),
        "lemma": [w for w, n in lemmas.most_common(LEMMAS) if n >= 3],
        "cue_kind": sorted(set(_cue_kinds().values())),
    }


def _cue_kinds() -> dict[str, str]:
    """The hand lexicon's cue words (single words) and their kinds, as the tagger is trained with them."""
    from newsaudit.stages.attribution import Lexicon

    return {word: kind for word, kind in sorted(Lexicon.default().cue_kind.items()) if " " not in word}


def _tagger_stub(vocabularies: dict[str, list[str]], weights=None):
    from newsaudit.models.roles import RoleTagger

    return RoleTagger(
        weights=weights or {},
        vocabularies={k: tuple(v) for k, v in vocabularies.items()},
        pipeline=_pipeline_name(),
        tensor_width=96,
        cue_kinds=_cue_kinds(),
    )


def _pipeline_name() -> str:
    from newsaudit.nlp import load_pipeline, pipeline_name

    return pipeline_name(load_pipeline(PIPELINE).vocab)


def _example(doc, article, vocabularies) -> dict[str, np.ndarray]:
    from newsaudit.models.roles import CONTENT, CUE, SOURCE, token_features

    tagger = _tagger_stub(vocabularies)
    categorical, flags = token_features(doc, tagger._lookups(doc))
    starts = np.array([t.idx for t in doc])
    labels = np.zeros(len(doc), dtype=np.int64)
    # The corpus gives a token one role; where annotations overlap, the cue wins over the source, and both
    # over the content.
    for role, value in (("content", CONTENT), ("source", SOURCE), ("cue", CUE)):
        for relation in article.relations:
            for start, end in getattr(relation, role):
                labels[(starts >= start) & (starts < end)] = value
    return {"categorical": categorical, "flags": flags, "tensor": np.asarray(doc.tensor, np.float32), "y": labels}


def _network(vocabularies, hidden: int):
    import torch
    from torch import nn

    from newsaudit.models.roles import CATEGORICAL, DILATIONS, FLAGS

    sizes = {
        "pos": len(vocabularies["pos"]) + 1,
        "tag": len(vocabularies["tag"]) + 1,
        "dep": len(vocabularies["dep"]) + 1,
        "ent": (len(vocabularies["ent"]) + 1) * 3,
        "lemma": len(vocabularies["lemma"]) + 1,
        "cue_kind": len(vocabularies["cue_kind"]) + 1,
        "ancestor_kind": len(vocabularies["cue_kind"]) + 1,
        "head_distance": 15,
        "head_dep": len(vocabularies["dep"]) + 1,
    }

    class Tagger(nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.embed = nn.ModuleDict({name: nn.Embedding(sizes[name], EMBEDDING_DIMS[name]) for name in CATEGORICAL})
            width = sum(EMBEDDING_DIMS.values()) + len(FLAGS) + 96
            self.proj = nn.Linear(width, hidden)
            self.convs = nn.ModuleList(nn.Conv1d(hidden, hidden, 3, padding=d, dilation=d) for d in DILATIONS)
            self.norms = nn.ModuleList(nn.LayerNorm(hidden) for _ in DILATIONS)
            self.out = nn.Linear(hidden, 4)
            self.drop = nn.Dropout(0.25)

        def forward(self, categorical, flags, tensor):
            parts = [self.embed[name](categorical[..., i]) for i, name in enumerate(CATEGORICAL)]
            h = torch.relu(self.proj(self.drop(torch.cat([*parts, flags, tensor], -1))))
            for conv, norm in zip(self.convs, self.norms, strict=True):
                h = norm(h + torch.relu(conv(self.drop(h).transpose(1, 2)).transpose(1, 2)))
            return self.out(self.drop(h))

    return Tagger()


def _pieces(examples, length: int = 512):
    return [
        {key: e[key][start : start + length] for key in e} for e in examples for start in range(0, len(e["y"]), length)
    ]


def _batch(items):
    import torch

    n = max(len(i["y"]) for i in items)
    width = items[0]["categorical"].shape[1]
    categorical = np.zeros((len(items), n, width), np.int64)
    flags = np.zeros((len(items), n, items[0]["flags"].shape[1]), np.float32)
    tensor = np.zeros((len(items), n, items[0]["tensor"].shape[1]), np.float32)
    y = np.full((len(items), n), -100, np.int64)
    for b, item in enumerate(items):
        m = len(item["y"])
        categorical[b, :m], flags[b, :m], tensor[b, :m], y[b, :m] = (
            item["categorical"],
            item["flags"],
            item["tensor"],
            item["y"],
        )
    return [torch.from_numpy(a) for a in (categorical, flags, tensor, y)]


def _fit(examples, vocabularies, args):
    import torch
    import torch.nn.functional as F

    rng = np.random.default_rng(0)
    model = _network(vocabularies, args.hidden)
    pieces = _pieces(examples)
    batch_size = 16
    steps = args.epochs * ((len(pieces) + batch_size - 1) // batch_size)
    optimiser = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    schedule = torch.optim.lr_scheduler.OneCycleLR(optimiser, max_lr=3e-3, total_steps=steps)
    model.train()
    for epoch in range(args.epochs):
        rng.shuffle(pieces)
        total, started = 0.0, time.time()
        for start in range(0, len(pieces), batch_size):
            categorical, flags, tensor, y = _batch(pieces[start : start + batch_size])
            loss = F.cross_entropy(model(categorical, flags, tensor).reshape(-1, 4), y.reshape(-1), ignore_index=-100)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            schedule.step()
            total += loss.item()
        mean_loss = total / (len(pieces) / batch_size)
        print(f"  epoch {epoch + 1}/{args.epochs}: loss {mean_loss:.4f} ({time.time() - started:.0f} s)")
    model.eval()
    return model


def _predict(model, examples) -> list[np.ndarray]:
    import torch

    with torch.no_grad():
        return [torch.softmax(model(*_batch([e])[:3]), -1)[0].numpy() for e in examples]


def _token_f1(probabilities, examples) -> dict[str, float]:
    predicted = np.concatenate([p.argmax(-1) for p in probabilities])
    gold = np.concatenate([e["y"] for e in examples])
    scores = {}
    for value, name in ((1, "source"), (2, "cue"), (3, "content")):
        tp = int(((predicted == value) & (gold == value)).sum())
        scores[name] = round(2 * tp / max(int((predicted == value).sum() + (gold == value).sum()), 1), 4)
    return scores


def _numpy_weights(model) -> dict[str, np.ndarray]:
    """The network's parameters laid out as `newsaudit.models.roles.RoleTagger.forward` reads them."""
    from newsaudit.models.roles import CATEGORICAL, DILATIONS

    state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    weights = {f"embed.{name}": state[f"embed.{name}.weight"] for name in CATEGORICAL}
    weights["proj.weight"], weights["proj.bias"] = state["proj.weight"].T, state["proj.bias"]
    for layer in range(len(DILATIONS)):
        kernel = state[f"convs.{layer}.weight"]  # (out, in, 3): taps at t - d, t, t + d
        weights[f"conv{layer}.weight"] = np.concatenate([kernel[:, :, k].T for k in range(3)], axis=0)
        weights[f"conv{layer}.bias"] = state[f"convs.{layer}.bias"]
        weights[f"norm{layer}.weight"] = state[f"norms.{layer}.weight"]
        weights[f"norm{layer}.bias"] = state[f"norms.{layer}.bias"]
    weights["out.weight"], weights["out.bias"] = state["out.weight"].T, state["out.bias"]
    return {k: np.ascontiguousarray(v, dtype=np.float16) for k, v in weights.items()}


def _write(model, vocabularies, args, doc, check_examples) -> None:
    weights = _numpy_weights(model)
    tagger = _tagger_stub(vocabularies, {k: v.astype(np.float32) for k, v in weights.items()})
    # The numpy forward pass on the shipped (float16) weights must give the network's probabilities.
    for example, expected in zip(check_examples, _predict(model, check_examples), strict=True):
        got = tagger.forward(example["categorical"], example["flags"], example["tensor"])
        difference = float(np.abs(got - expected).max())
        if difference > 0.02:
            raise SystemExit(f"numpy forward pass differs from the network by {difference:.4f}")
    if not np.allclose(
        tagger(doc),
        tagger.forward(check_examples[0]["categorical"], check_examples[0]["flags"], check_examples[0]["tensor"]),
        atol=1e-5,
    ):
        raise SystemExit("RoleTagger on a Doc differs from the exported features")
    meta = {
        "source": "PolNeAR train, scripts/train_roles.py",
        "pipeline": tagger.pipeline,
        "tensor_width": 96,
        "epochs": args.epochs,
        "hidden": args.hidden,
        "vocabularies": vocabularies,
        "cue_kinds": tagger.cue_kinds,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(args.out, meta=np.array(json.dumps(meta)), **weights)
    print(f"{sum(v.size for v in weights.values()):,} weights -> {args.out} ({args.out.stat().st_size / 1e6:.2f} MB)")
