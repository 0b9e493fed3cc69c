"""The attribution lexicon: the hand-written cue words and source nouns (`lexicons/attribution.toml`), the
PolNeAR frame counts (`models/cue_frames.tsv`, `read_frames`) and the lexical cue model's weights
(`models/cue_model.json`), loaded once per process (`Lexicon.default`). Every rule of the stage looks words up
here; `Lexicon.clears` is the lexical cue decision that stands alone where no role tagger or acceptance model
is available. The cue model's features are in `newsaudit.models.acceptance`.
"""

from __future__ import annotations

import json
import math
import tomllib
from dataclasses import dataclass, field, replace
from functools import cache
from typing import TYPE_CHECKING, Any

from newsaudit.models.acceptance import as_vector, cue_dense_words, cue_features, word_vector
from newsaudit.nlp import lemma
from newsaudit.resources import package_file_exists, package_text

if TYPE_CHECKING:
    from spacy.tokens import Token


@dataclass(frozen=True, slots=True)
class Lexicon:
    cue_kind: dict[str, str]
    according_to: tuple[str, ...]
    anonymity: tuple[str, ...]
    anonymous_nouns: frozenset[str]
    anonymous_words: frozenset[str]
    roles: frozenset[str]
    outlet_words: frozenset[str]
    government_names: frozenset[str]
    government_nouns: frozenset[str]
    document_nouns: frozenset[str]
    group_nouns: frozenset[str]
    organization_words: frozenset[str]
    #: (lemma, frame) -> (occurrences, occurrences as a cue) in the PolNeAR training annotations.
    frames: dict[tuple[str, str], tuple[int, int]]
    #: A verb is a cue when its smoothed cue rate in its frame reaches this (tuned on PolNeAR train).
    threshold: float = 0.4
    #: The same for nouns and adjectives ("her criticism of", "is confident that"), which are cues less often.
    nominal_threshold: float = 0.5
    #: The learned cue model's weights (feature -> weight); empty falls back to the rate table alone.
    cue_weights: dict[str, float] = field(default_factory=dict)
    #: Probability from the cue model above which a candidate is a cue (tuned on held-out PolNeAR train and
    #: shipped with the model as its "threshold").
    model_threshold: float = 0.5
    #: The cue model's dense weights: for each word of `cue_dense_words` ("lemma"), a weight vector over that
    #: word's static embedding (`newsaudit.models.embeddings`), so that unseen words near known cues count.
    cue_dense: dict[str, Any] = field(default_factory=dict)
    #: Who can speak (`[agency]` of the hand lexicon): head nouns that are never a source (events and actions,
    #: things), verbs of support that an armed body does not say, and verbs of handling that report only
    #: language.
    event_nouns: frozenset[str] = frozenset()
    thing_nouns: frozenset[str] = frozenset()
    support_verbs: frozenset[str] = frozenset()
    armed_words: frozenset[str] = frozenset()
    handling_verbs: frozenset[str] = frozenset()
    language_nouns: frozenset[str] = frozenset()

    @classmethod
    @cache
    def default(cls) -> Lexicon:
        frames = read_frames(package_text("models/cue_frames.tsv"))
        lexicon = cls.from_toml(package_text("lexicons/attribution.toml"), frames)
        if package_file_exists("models/cue_model.json"):
            model = json.loads(package_text("models/cue_model.json"))
            dense = {name: as_vector(weights) for name, weights in model.get("dense", {}).items()}
            lexicon = replace(lexicon, cue_weights=model["weights"], cue_dense=dense)
            if "threshold" in model:
                lexicon = replace(lexicon, model_threshold=model["threshold"])
        return lexicon

    @classmethod
    def from_toml(cls, text: str, frames: dict[tuple[str, str], tuple[int, int]] | None = None) -> Lexicon:
        data = tomllib.loads(text)
        cue_kind = {}
        for kind, lemmas in data["cues"].items():
            for item in lemmas:
                cue_kind.setdefault(item, kind)
        # A denial verb is a denial first, whatever other list also names it.
        cue_kind.update({item: "denial" for item in data["cues"]["denial"]})
        sources = data["sources"]
        agency = data.get("agency", {})
        return cls(
            cue_kind=cue_kind,
            according_to=tuple(data["phrases"]["according_to"]),
            anonymity=tuple(data["phrases"]["anonymity"]),
            anonymous_nouns=frozenset(sources["anonymous_nouns"]),
            anonymous_words=frozenset(sources["anonymous_words"]),
            roles=frozenset(sources["roles"]),
            outlet_words=frozenset(sources["outlet_words"]),
            government_names=frozenset(sources["government_names"]),
            government_nouns=frozenset(sources["government_nouns"]),
            document_nouns=frozenset(sources["document_nouns"]),
            group_nouns=frozenset(sources["group_nouns"]),
            organization_words=frozenset(sources["organization_words"]),
            frames=frames or {},
            event_nouns=frozenset(agency.get("events", ())),
            thing_nouns=frozenset(agency.get("things", ())),
            support_verbs=frozenset(agency.get("support", ())),
            armed_words=frozenset(agency.get("armed", ())),
            handling_verbs=frozenset(agency.get("handling", ())),
            language_nouns=frozenset(agency.get("language", ())),
        )

    def cue_rate(self, word: str, frame: str) -> float:
        """How likely this word in this frame is an attribution cue: the training rate, smoothed towards a
        prior from the hand lexicon (so unseen verbs of speech still count when they take a clause)."""
        in_lexicon = word in self.cue_kind and ":" not in frame  # the hand lexicon lists verbs
        prior = 0.7 if in_lexicon and frame == "clausal" else 0.4 if in_lexicon else 0.02
        occurrences, cues = self.frames.get((word, frame), (0, 0))
        return (cues + 2 * prior) / (occurrences + 2)

    def is_cue(self, token: Token, frame: str, quoted: bool) -> bool:
        """The cue decision from the word and its frame alone."""
        return self.clears(self.cue_probability(token, frame, quoted), frame)

    def clears(self, probability: float, frame: str) -> bool:
        """Whether a `cue_probability` clears its threshold: the learned model's where one is shipped, else
        the rate table's (a noun or adjective frame has its own)."""
        if self.cue_weights:
            return probability >= self.model_threshold
        return probability >= (self.nominal_threshold if ":" in frame else self.threshold)

    def cue_probability(self, token: Token, frame: str, quoted: bool) -> float:
        """The learned cue model's probability that this candidate is a cue (the rate table's where no model
        is shipped)."""
        if not self.cue_weights:
            return self.cue_rate(lemma(token).lower(), frame)
        score = sum(self.cue_weights.get(feature, 0.0) for feature in cue_features(token, frame, self, quoted))
        if self.cue_dense:
            words = cue_dense_words(token)
            score += sum(float(weights @ word_vector(words[name])) for name, weights in self.cue_dense.items())
        return 1 / (1 + math.exp(-score))


def read_frames(text: str) -> dict[tuple[str, str], tuple[int, int]]:
    frames = {}
    for line in text.splitlines():
        if line.startswith("#") or not line.strip():
            continue
        word, frame, occurrences, cues = line.split("\t")
        frames[(word, frame)] = (int(occurrences), int(cues))
    return frames
