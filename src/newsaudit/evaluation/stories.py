"""Story clustering scored against gold stories, beside a TF-IDF average-link baseline at its best threshold.

Two sets, both from `../shared/data`:

- **FNC-1 bodies** grouped into stories: a story is a connected component of bodies joined through the
  headlines they are related to (agree, disagree, discuss; an unrelated pair joins nothing), as
  `newsaudit.evaluation.folds.story_ids` builds them. Long texts, no titles, no dates.
- **Emergent article headlines** grouped by the claim they report (`claimId`), one row per `articleId`. Short
  texts: the harder set.

Protocol: gold stories are dealt into `k` story-disjoint folds (`balanced_assignment`). For each fold the story
layer's join and merge thresholds and its embedding weight are chosen on the *other* folds (clustered
together, best BCubed F1 over `GRID`), then the fold is clustered alone with them and scored. The baseline
(scikit-learn TF-IDF, sublinear TF, English stop words, cosine, average-link agglomerative clustering) is
scored on the same fold at the threshold that is best *on that fold*: a bar tuned on the scored data. Printed
per set: BCubed precision / recall / F1 (Bagga & Baldwin 1998, averaged over items) and pairwise F1 for both,
as the mean over folds, each fold's figures, their spread, and the thresholds chosen.
"""

from __future__ import annotations

import csv
from collections import Counter, defaultdict
from collections.abc import Hashable, Sequence
from dataclasses import asdict
from itertools import product
from pathlib import Path
from typing import Any

import numpy as np

from newsaudit.evaluation.folds import balanced_assignment, story_ids, summarise
from newsaudit.evaluation.stance import read_bodies, read_stances
from newsaudit.stores.corpus.stories import Params, Vector, place_batch, vectors_for
from newsaudit.stores.corpus.story_memory import MemoryStories

#: What is chosen inside the folds: (join threshold = merge threshold, embedding weight).
GRID = tuple(product(tuple(round(0.05 + 0.025 * i, 3) for i in range(13)), (0.0, 0.15, 0.3)))
BASELINE_THRESHOLDS = tuple(round(t, 3) for t in np.arange(0.05, 0.6, 0.025))


def bcubed(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    """BCubed precision, recall and F1: per item, the share of its predicted cluster in its gold cluster and
    the reverse, averaged over items."""
    gold_sets: dict[Hashable, set[int]] = defaultdict(set)
    predicted_sets: dict[Hashable, set[int]] = defaultdict(set)
    for index, (g, p) in enumerate(zip(gold, predicted, strict=True)):
        gold_sets[g].add(index)
        predicted_sets[p].add(index)
    precision = recall = 0.0
    for g, p in zip(gold, predicted, strict=True):
        common = len(gold_sets[g] & predicted_sets[p])
        precision += common / len(predicted_sets[p])
        recall += common / len(gold_sets[g])
    n = len(gold) or 1
    precision, recall = precision / n, recall / n
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"bcubed_precision": precision, "bcubed_recall": recall, "bcubed_f1": f1}


def pairwise_f1(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> float:
    """F1 over the pairs of items put in one cluster (gold pairs against predicted pairs)."""

    def pairs(labels: Sequence[Hashable]) -> int:
        return sum(count * (count - 1) // 2 for count in Counter(labels).values())

    both, predicted_pairs, gold_pairs = pairs(list(zip(gold, predicted, strict=True))), pairs(predicted), pairs(gold)
    precision = both / predicted_pairs if predicted_pairs else 0.0
    recall = both / gold_pairs if gold_pairs else 0.0
    return 2 * precision * recall / (precision + recall) if precision + recall else 0.0


def measures(gold: Sequence[Hashable], predicted: Sequence[Hashable]) -> dict[str, float]:
    result = bcubed(gold, predicted)
    result["pairwise_f1"] = pairwise_f1(gold, predicted)
    return {key: round(value, 4) for key, value in result.items()}


# -- data -------------------------------------------------------------------------------------------------------


def load_fnc(folder: str | Path) -> tuple[list[tuple[str | None, str]], list[int]]:
    """FNC-1 bodies in body-id order, and each body's gold story."""
    folder = Path(folder)
    bodies = read_bodies(folder / "train_bodies.csv")
    _, story_of = story_ids(read_stances(folder / "train_stances.csv"))
    ids = sorted(bodies, key=lambda body: int(body) if body.isdigit() else body)
    return [(None, bodies[body]) for body in ids], [story_of.get(body, -1 - index) for index, body in enumerate(ids)]


def load_emergent(path: str | Path) -> tuple[list[tuple[str | None, str]], list[str]]:
    """Emergent article headlines (one per `articleId`, as titles with no body), and each one's `claimId`."""
    seen: dict[str, tuple[str, str]] = {}
    with open(path, encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            headline = (row.get("articleHeadline") or "").strip()
            if headline and row.get("claimId"):
                seen.setdefault(row.get("articleId") or headline, (headline, row["claimId"]))
    return [(headline, "") for headline, _ in seen.values()], [claim for _, claim in seen.values()]


# -- the two methods --------------------------------------------------------------------------------------------


def cluster_vectors(vectors: Sequence[Vector], params: Params) -> list[int]:
    state = MemoryStories()
    place_batch(state, list(range(len(vectors))), vectors, [None] * len(vectors), params)
    return [state.story_of[index] for index in range(len(vectors))]


def prepare(documents: Sequence[tuple[str | None, str]], embeddings: np.ndarray | None) -> list[Vector]:
    """The documents' vectors with the IDF of these documents (one batch), with their embeddings attached."""
    vectors = vectors_for(MemoryStories(), documents, Params())
    if embeddings is not None:
        for vector, embedding in zip(vectors, embeddings, strict=True):
            vector.embedding = embedding
    return vectors


def grid_params(point: tuple[float, float]) -> Params:
    join, embedding = point
    return Params(join=join, merge=join, embedding_weight=embedding)


def baseline_scores(documents: Sequence[tuple[str | None, str]], gold: Sequence[Hashable]) -> dict[float, dict]:
    """The TF-IDF average-link baseline's measures at each of `BASELINE_THRESHOLDS` (cosine similarity)."""
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import squareform
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics.pairwise import cosine_distances

    texts = [f"{title or ''} {text}" for title, text in documents]
    if len(texts) < 2:
        return {t: measures(gold, list(range(len(texts)))) for t in BASELINE_THRESHOLDS}
    matrix = TfidfVectorizer(sublinear_tf=True, stop_words="english").fit_transform(texts)
    distances = np.clip(cosine_distances(matrix), 0.0, None)
    np.fill_diagonal(distances, 0.0)
    tree = linkage(squareform(distances, checks=False), "average")
    return {t: measures(gold, list(fcluster(tree, 1.0 - t, "distance"))) for t in BASELINE_THRESHOLDS}


def evaluate_set(
    name: str, documents: Sequence[tuple[str | None, str]], gold: Sequence[Hashable], k: int = 5, embedder=None
) -> dict[str, Any]:
    embeddings = None
    if embedder is not None:
        raw = embedder.encode([f"{title or ''} {text}"[:4000] for title, text in documents])
        embeddings = raw / np.maximum(np.linalg.norm(raw, axis=1, keepdims=True), 1e-9)
    fold_of_story = balanced_assignment(Counter(gold), k, seed=0)
    folds = [[i for i, g in enumerate(gold) if fold_of_story[g] == fold] for fold in range(k)]
    grid = [point for point in GRID if embeddings is not None or point[1] == 0.0]
    # Every fold clustered alone at every grid point, once; a fold's parameters are the point best on average
    # over the *other* folds (each clustered alone too, so the choice is made at the scored fold's scale).
    scores: list[dict[tuple, dict[str, float]]] = []
    for test in folds:
        vectors = prepare([documents[i] for i in test], None if embeddings is None else embeddings[test])
        test_gold = [gold[i] for i in test]
        scores.append({point: measures(test_gold, cluster_vectors(vectors, grid_params(point))) for point in grid})
    rows, chosen, base_rows, thresholds = [], [], [], []
    for fold, test in enumerate(folds):
        others = [other for other in range(k) if other != fold]
        best = max(grid, key=lambda p: (float(np.mean([scores[o][p]["bcubed_f1"] for o in others])), p))
        rows.append(scores[fold][best])
        chosen.append({"join": best[0], "merge": best[0], "embedding_weight": best[1]})
        test_gold = [gold[i] for i in test]
        base = baseline_scores([documents[i] for i in test], test_gold)
        threshold = max(base, key=lambda t: (base[t]["bcubed_f1"], -t))
        base_rows.append(base[threshold])
        thresholds.append(threshold)
    ours, theirs = summarise(rows), summarise(base_rows)
    mean, base_mean = ours["mean"], theirs["mean"]
    return {
        "dataset": name,
        "n": len(gold),
        "stories": len(set(gold)),
        "folds": k,
        "protocol": "story-disjoint folds; newsaudit's thresholds chosen on the other folds, the baseline's "
        "threshold best on the scored fold",
        **mean,
        "per_fold": rows,
        "spread": ours,
        "chosen": chosen,
        "defaults": {key: value for key, value in asdict(Params()).items()},
        "baseline": {**base_mean, "threshold": thresholds, "per_fold": base_rows, "spread": theirs},
        "beats_baseline": mean["bcubed_f1"] > base_mean["bcubed_f1"],
        "beats_baseline_pairwise": mean["pairwise_f1"] > base_mean["pairwise_f1"],
    }


def evaluate(data: str | Path, k: int = 5, embedder=None) -> list[dict[str, Any]]:
    """One result per dataset found under `data` (`fnc1/`, `emergent/`); a missing set is skipped."""
    data = Path(data)
    results = []
    if (data / "fnc1" / "train_bodies.csv").is_file():
        documents, gold = load_fnc(data / "fnc1")
        results.append(evaluate_set("fnc1_bodies", documents, gold, k, embedder))
        results.append(evaluate_origins(data))
    emergent = data / "emergent" / "url-versions-2015-06-14-clean-train.csv"
    if emergent.is_file():
        documents, gold = load_emergent(emergent)
        results.append(evaluate_set("emergent_headlines", documents, gold, k, embedder))
    return results


# -- independent origins on derived copies --------------------------------------------------------------------


def evaluate_origins(data: str | Path, originals: int = 60, copies: int = 5, seed: int = 13) -> dict[str, Any]:
    """Origins counted on copies derived from real articles (as `newsaudit eval reuse` derives them).

    `originals` FNC-1 bodies from distinct gold stories, each reprinted `copies` times a day later on other
    sites (`derive_copy`: excerpts, dropped and reordered paragraphs, new leads, substituted words), and for
    half of them one other body of the same gold story, published two days later on its own site: an
    independent report. All go into a corpus; then for every story found, the origins newsaudit counts are
    compared with the truth (one per original with its copies, one per independent report among its members).
    Printed: the share of stories whose origin count is right, copies placed in their original's story and
    marked `copy` of it, and independent reports kept out of their original's copy family.
    """
    import random

    from newsaudit.evaluation.reuse import derive_copy
    from newsaudit.schema import Article
    from newsaudit.stages.story.families import Edge, Node, families
    from newsaudit.stores.corpus import Corpus

    documents, gold = load_fnc(Path(data) / "fnc1")
    rng = random.Random(seed)
    by_story: dict[int, list[int]] = defaultdict(list)
    for index, story in enumerate(gold):
        if len(documents[index][1].split()) >= 150:
            by_story[story].append(index)
    stories = sorted(story for story, members in by_story.items() if len(members) >= 2)
    rng.shuffle(stories)
    outside = [documents[i][1] for story in stories[originals:] for i in by_story[story][:1]]
    vocabulary = sorted({w for text in outside[:100] for w in text.lower().split() if w.isalpha() and len(w) > 3})
    articles, label, copy_of = [], {}, {}
    for number, story in enumerate(stories[:originals]):
        first, other = rng.sample(by_story[story], 2)
        original = Article(f"orig:{number}", text=documents[first][1], domain=f"origin{number}.example",
                           published="2024-05-01")  # fmt: skip
        articles.append(original)
        label[original.id] = original.id
        for k in range(copies):
            derived = derive_copy(original, f"copy:{number}:{k}", rng, outside, vocabulary).article
            articles.append(Article(derived.id, text=derived.text, domain=f"reprint{number}-{k}.example",
                                    published="2024-05-02"))  # fmt: skip
            label[derived.id], copy_of[derived.id] = original.id, original.id
        if number % 2 == 0:
            independent = Article(f"indep:{number}", text=documents[other][1], domain=f"other{number}.example",
                                  published="2024-05-03")  # fmt: skip
            articles.append(independent)
            label[independent.id] = independent.id
    right = total = placed = marked = kept_apart = independents = 0
    with Corpus(":memory:") as corpus:
        corpus.add(articles)
        seen: set[int] = set()
        for article in articles:
            story = corpus.story_of(article.id)
            if story is None or story in seen:
                continue
            seen.add(story)
            members = corpus.story_members(story)
            nodes = [Node(m.id, m.domain, m.published, m.seen, i) for i, m in enumerate(members)]
            edges = [Edge(r.a, r.b, r.share_a, r.share_b) for r in corpus.story_reuse(story)]
            found = families(nodes, edges)
            total += 1
            right += found.origins == len({label[m.id] for m in members})
            for member in members:
                if member.id in copy_of:
                    home = corpus.story_of(copy_of[member.id])
                    placed += home == story
                    marked += found.role.get(member.id) == "copy" and found.origin[member.id] == found.origin.get(
                        copy_of[member.id], -1
                    )
                elif member.id.startswith("indep:"):
                    independents += 1
                    original = "orig:" + member.id.split(":", 1)[1]
                    kept_apart += found.origin.get(original) != found.origin[member.id]
    n_copies = len(copy_of)
    return {
        "dataset": "derived_origins",
        "originals": originals,
        "copies": n_copies,
        "independent": independents,
        "stories": total,
        "origins_accuracy": round(right / total, 4) if total else 0.0,
        "copies_in_story": round(placed / n_copies, 4) if n_copies else 0.0,
        "copies_marked": round(marked / n_copies, 4) if n_copies else 0.0,
        "independent_kept_apart": round(kept_apart / independents, 4) if independents else 0.0,
    }
