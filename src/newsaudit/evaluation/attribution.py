"""Attribution extraction scored against PolNeAR-style brat annotations (source / cue / content spans).

Layout: a split folder with `text/<name>.txt` and `attributions/<name>_<annotator>.ann`. Where an article
has several annotation files (independent annotators), the first by file name is used.

Metrics, all micro-averaged over the whole split:
- `<role>_f1` (role = source, cue, content): token overlap. Tokens are `\\w+` and single punctuation marks;
  a token counts for a role when it lies inside one of that role's spans. Precision and recall compare the
  predicted and gold token sets of each article.
- `<role>_exact_f1`: a predicted span is right when it equals a gold span of the same role exactly (after
  white space and edge punctuation are trimmed from both); discontinuous gold spans count by their extent.
- `relation_f1`: a predicted relation is right when its cue overlaps a gold relation's cue and its source
  overlaps that relation's source (or neither has a source); each gold relation matches at most once.

One annotation convention is applied to newsaudit's spans before scoring (`to_relation`): PolNeAR counts the
comma that closes a parenthetical source as part of it ("Jane Roe, a spokeswoman, said": 922 of the 1,028
training sources with an inner comma that a comma follows end with it), while newsaudit's sources end at the
phrase.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

ROLES = ("source", "cue", "content")
_TOKEN = re.compile(r"\w+|[^\w\s]")
_EDGE = " \t\n\r\"'“”‘’,.;:()[]—–-"
_SPAN_LINE = re.compile(r"^(T\d+)\t(\S+) ([\d; ]+)\t", re.MULTILINE)
_RELATION_LINE = re.compile(r"^(E\d+)\t(.+)$", re.MULTILINE)

Fragment = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Relation:
    """One attribution: each role is a tuple of (start, end) fragments, empty when the role is absent."""

    source: tuple[Fragment, ...] = ()
    cue: tuple[Fragment, ...] = ()
    content: tuple[Fragment, ...] = ()


@dataclass(slots=True)
class ArticleGold:
    name: str
    text: str
    relations: list[Relation] = field(default_factory=list)


def read_brat(path: Path, text: str) -> list[Relation]:
    """The attribution relations of one `.ann` file."""
    data = path.read_text(encoding="utf-8")
    spans: dict[str, tuple[str, tuple[Fragment, ...]]] = {}
    for match in _SPAN_LINE.finditer(data):
        identifier, label, offsets = match.groups()
        fragments = tuple(
            (int(start), int(end)) for start, end in (part.split() for part in offsets.split(";") if part.strip())
        )
        spans[identifier] = (label, fragments)
    relations = []
    for match in _RELATION_LINE.finditer(data):
        roles: dict[str, tuple[Fragment, ...]] = {}
        for argument in match.group(2).split():
            role, _, target = argument.partition(":")
            if target in spans:
                roles[role.lower()] = roles.get(role.lower(), ()) + spans[target][1]
        if "content2" in roles:
            roles["content"] = roles.get("content", ()) + roles.pop("content2")
        relations.append(Relation(roles.get("source", ()), roles.get("cue", ()), roles.get("content", ())))
    return relations


def load_split(folder: str | Path) -> list[ArticleGold]:
    folder = Path(folder)
    articles = []
    annotations = sorted((folder / "attributions").glob("*.ann"))
    for text_path in sorted((folder / "text").glob("*.txt")):
        candidates = [path for path in annotations if path.name.startswith(text_path.stem + "_")]
        if not candidates:
            continue
        text = text_path.read_text(encoding="utf-8")
        articles.append(ArticleGold(text_path.stem, text, read_brat(candidates[0], text)))
    return articles


def token_sets(text: str, relations: Iterable[Relation]) -> dict[str, set[int]]:
    """For each role, the start offsets of the tokens that lie inside one of its spans."""
    starts = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    result: dict[str, set[int]] = {role: set() for role in ROLES}
    for relation in relations:
        for role in ROLES:
            for start, end in getattr(relation, role):
                result[role].update(s for s, e in starts if s >= start and e <= end)
    return result


def _trimmed(text: str, fragments: Sequence[Fragment]) -> Fragment | None:
    if not fragments:
        return None
    start, end = min(s for s, _ in fragments), max(e for _, e in fragments)
    while start < end and text[start] in _EDGE:
        start += 1
    while end > start and text[end - 1] in _EDGE:
        end -= 1
    return (start, end) if start < end else None


def overlaps(a: Sequence[Fragment], b: Sequence[Fragment]) -> bool:
    """Whether any fragment of `a` shares a character with any fragment of `b` (the matching rule of the scores)."""
    return any(s1 < e2 and s2 < e1 for s1, e1 in a for s2, e2 in b)


@dataclass(slots=True)
class Counts:
    true_positive: int = 0
    predicted: int = 0
    gold: int = 0

    def add(self, true_positive: int, predicted: int, gold: int) -> None:
        self.true_positive += true_positive
        self.predicted += predicted
        self.gold += gold

    def scores(self) -> tuple[float, float, float]:
        precision = self.true_positive / self.predicted if self.predicted else 0.0
        recall = self.true_positive / self.gold if self.gold else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return precision, recall, f1


def match_relations(predicted: Sequence[Relation], gold: Sequence[Relation]) -> int:
    used: set[int] = set()
    matched = 0
    for relation in predicted:
        for index, candidate in enumerate(gold):
            if index in used or not overlaps(relation.cue, candidate.cue):
                continue
            if (not relation.source and not candidate.source) or overlaps(relation.source, candidate.source):
                used.add(index)
                matched += 1
                break
    return matched


def score(pairs: Iterable[tuple[str, Sequence[Relation], Sequence[Relation]]]) -> dict[str, float | int]:
    """Score (text, predicted, gold) triples; returns the metrics named in the module docstring."""
    token_counts = {role: Counts() for role in ROLES}
    exact_counts = {role: Counts() for role in ROLES}
    relation_counts = Counts()
    n_articles = 0
    for text, predicted, gold in pairs:
        n_articles += 1
        predicted_tokens, gold_tokens = token_sets(text, predicted), token_sets(text, gold)
        for role in ROLES:
            token_counts[role].add(
                len(predicted_tokens[role] & gold_tokens[role]), len(predicted_tokens[role]), len(gold_tokens[role])
            )
            predicted_spans = {_trimmed(text, getattr(r, role)) for r in predicted} - {None}
            gold_spans = {_trimmed(text, getattr(r, role)) for r in gold} - {None}
            exact_counts[role].add(len(predicted_spans & gold_spans), len(predicted_spans), len(gold_spans))
        relation_counts.add(match_relations(predicted, gold), len(predicted), len(gold))
    result: dict[str, float | int] = {}
    for role in ROLES:
        precision, recall, f1 = token_counts[role].scores()
        result |= {f"{role}_precision": precision, f"{role}_recall": recall, f"{role}_f1": f1}
        result[f"{role}_exact_f1"] = exact_counts[role].scores()[2]
    precision, recall, f1 = relation_counts.scores()
    result |= {"relation_precision": precision, "relation_recall": recall, "relation_f1": f1}
    result = {key: round(value, 4) for key, value in result.items()}
    result |= {
        "n_articles": n_articles,
        "n_gold_relations": relation_counts.gold,
        "n_predicted_relations": relation_counts.predicted,
    }
    return result


def evaluate(folder: str | Path, predict: Callable[[list[str]], list[list[Relation]]]) -> dict[str, float | int]:
    """Run `predict` (texts in, relations per text out) over a split and score it."""
    articles = load_split(folder)
    predictions = predict([article.text for article in articles])
    return score(
        (article.text, predicted, article.relations) for article, predicted in zip(articles, predictions, strict=True)
    )


def predict_with(workers: int | None = None) -> Callable[[list[str]], list[list[Relation]]]:
    """A predictor that runs newsaudit's attribution stage over raw texts (no extraction, offsets kept)."""

    def predict(texts: list[str]) -> list[list[Relation]]:
        from newsaudit.auditor import Auditor
        from newsaudit.schema import Article

        auditor = Auditor(stages=["sentences", "entities", "attributions"], detect_language=False)
        articles = [Article(id=str(i), text=text) for i, text in enumerate(texts)]
        return [
            univocal([to_relation(a, audit.article.text) for a in audit.attributions])
            for audit in auditor.audit_many(articles, workers=workers)
        ]

    return predict


def predict_lexical() -> Callable[[list[str]], list[list[Relation]]]:
    """The reference predictor for `--compare`: the same rules with the lexical cue model alone deciding (no role
    tagger, no acceptance model, no source trimming), in this process."""

    def predict(texts: list[str]) -> list[list[Relation]]:
        from newsaudit.nlp import load_pipeline
        from newsaudit.settings import DEFAULT_MODEL
        from newsaudit.stages.attribution import Lexicon, find_attributions

        nlp = load_pipeline(DEFAULT_MODEL)
        return [
            univocal([to_relation(a, text) for a in find_attributions(doc, Lexicon.default())])
            for text, doc in zip(texts, nlp.pipe(texts, batch_size=16), strict=True)
        ]

    return predict


def univocal(relations: list[Relation]) -> list[Relation]:
    """Drop relations nested in another one's content: PolNeAR gives each token one role at most, so an
    attribution quoted inside another ("I think …" within a quotation) is never annotated there."""
    kept = []
    for relation in relations:
        nested = any(
            other is not relation
            and other.content
            and overlaps(relation.cue, other.content)
            and not overlaps(other.cue, relation.content)
            for other in relations
        )
        if not nested:
            kept.append(relation)
    return kept


def to_relation(attribution, text: str | None = None) -> Relation:
    """An attribution's spans as a `Relation`; given the article `text`, with PolNeAR's closing comma added to a
    parenthetical source (see the module docstring)."""

    def fragments(span) -> tuple[Fragment, ...]:
        return ((span.start, span.end),) if span is not None else ()

    source = fragments(attribution.source)
    if text is not None and attribution.source is not None:
        start, end = attribution.source.start, attribution.source.end
        if "," in text[start:end] and text[end : end + 1] == ",":
            source = ((start, end + 1),)
    return Relation(source, fragments(attribution.cue), fragments(attribution.content))
