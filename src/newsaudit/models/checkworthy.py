"""Check-worthiness: how much a sentence deserves a fact-checker's time, as a probability in [0, 1].

A logistic regression over readable sentence features — words and word pairs (numbers folded into one
token), part-of-speech tags, entity types, the root verb's tense, person, length, negation, questions —
learned from ClaimBuster's check-worthy sentences and the CLEF-2019 CheckThat! transcripts by
`scripts/train_checkworthy.py` and shipped as a table of weights (`models/checkworthy.json`). Scoring
needs no third-party code: a sentence's score is the logistic of the sum of its features' weights, so each
score can be explained by the features that moved it.

The training data are political speech; in news, concrete numbers, events, casualties, deployments and dates
score high, while opinion, questions and feelings score low, which is what the features carry over.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from newsaudit.resources import package_text

if TYPE_CHECKING:
    from spacy.tokens import Span as SpacySpan
    from spacy.tokens import Token

MODEL_PATH = "models/checkworthy.json"
_NUMBER = re.compile(r"^[$€£]?\d[\d,.]*%?$")
_LENGTH_BINS = (5, 10, 20, 40)


def _word(token: Token) -> str:
    lower = token.lower_
    if token.like_num or _NUMBER.match(lower):
        return "<num>"
    return lower


def sentence_features(tokens: Sequence[Token]) -> list[str]:
    """The features of one sentence (a spaCy span or any sequence of its tokens), as names; each counts once.

    Words are lower-cased, not lemmatised (the lemmatiser is the slowest part of the pipeline and the
    inflection itself carries tense); numbers fold into `<num>` so that "26 missiles" and "300 missiles"
    teach the same thing.
    """
    words = [_word(token) for token in tokens if not token.is_space]
    features = {"bias"}
    features.update(f"w:{word}" for word in words if word.isalpha() or word == "<num>")
    features.update(f"b:{a}_{b}" for a, b in pairwise(words))
    for token in tokens:
        features.add(f"tag:{token.tag_}")
        if token.ent_type_:
            features.add(f"ent:{token.ent_type_}")
        if token.dep_ == "ROOT":
            features.add(f"root:{token.tag_}")
        elif token.dep_ == "neg":
            features.add("negated")
    if words:
        features.add(f"first:{words[0]}")
        if words[-1] == "?":
            features.add("question")
    length = sum(1 for word in words if word.isalnum() or word == "<num>")
    features.add(f"len:{sum(length >= edge for edge in _LENGTH_BINS)}")
    if any(character.isdigit() for word in words for character in word) or "<num>" in words:
        features.add("number")
    return sorted(features)


@dataclass(frozen=True, slots=True)
class CheckWorthiness:
    """A trained scorer: feature weights plus the documented threshold above which a sentence is a claim."""

    weights: dict[str, float]
    #: Sentences scoring at least this are listed as claims (chosen in training; see the model file).
    threshold: float = 0.5
    version: str = "unversioned"

    @classmethod
    @cache
    def default(cls) -> CheckWorthiness:
        return cls.from_json(package_text(MODEL_PATH))

    @classmethod
    def from_json(cls, text: str) -> CheckWorthiness:
        data = json.loads(text)
        return cls(data["weights"], float(data["threshold"]), str(data.get("version", "unversioned")))

    def score_features(self, features: Iterable[str]) -> float:
        total = sum(self.weights.get(feature, 0.0) for feature in features)
        return 1 / (1 + math.exp(-max(min(total, 30.0), -30.0)))

    def score(self, tokens: Sequence[Token]) -> float:
        return self.score_features(sentence_features(tokens))

    def explain(self, tokens: Sequence[Token], top: int = 5) -> list[tuple[str, float]]:
        """The features that moved this sentence's score most, strongest first."""
        weighted = [(f, self.weights[f]) for f in sentence_features(tokens) if f in self.weights and f != "bias"]
        return sorted(weighted, key=lambda item: -abs(item[1]))[:top]


def score_sentences(sentences: Iterable[SpacySpan], model: CheckWorthiness | None = None) -> list[float]:
    model = model or CheckWorthiness.default()
    return [round(model.score(sentence), 4) for sentence in sentences]
