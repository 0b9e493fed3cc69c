"""The learned half of attribution's cue decision: the lexical cue model's inputs and the acceptance model.

Both are logistic regressions fitted on PolNeAR train (`scripts/train_attribution.py`) and shipped in
`models/cue_model.json`:

- the *lexical cue model* scores a candidate cue word from binary features of the word in its frame and
  context (`cue_features`) and from the static embedding of its lemma (`cue_dense_words`, `word_vector`). The
  hand lexicon and rate table it reads come in as a parameter, any object with `cue_kind` and `cue_rate`
  (`CueLexicon`), so that nothing here depends on the rules that call it;
- the *acceptance model* (`Acceptance`) decides on a candidate attribution the rules have built, from the
  lexical probability and the role tagger's view of its cue and source (`acceptance_features`,
  `newsaudit.models.roles`).

The rules that build the candidates, and the decision that combines these models with the hand thresholds,
live with the attribution stage.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any, Protocol

from newsaudit.models.roles import CONTENT, CUE, NONE, SOURCE
from newsaudit.nlp import lemma
from newsaudit.resources import package_file_exists, package_text

if TYPE_CHECKING:
    from spacy.tokens import Token

    from newsaudit.schema import Attribution

#: The dependency labels of a subject.
SUBJECTS = ("nsubj", "nsubjpass", "csubj")


class CueLexicon(Protocol):
    """What the cue model reads of the hand lexicon: the kind of each cue word it lists, and the rate table's
    smoothed cue rate of a word in a frame (the attribution stage's `Lexicon` is one)."""

    @property
    def cue_kind(self) -> Mapping[str, str]: ...

    def cue_rate(self, word: str, frame: str) -> float: ...


# -- the lexical cue model --------------------------------------------------------------------------------


def cue_features(token: Token, frame: str, lexicon: CueLexicon, quoted: bool) -> list[str]:
    """Binary features of a candidate cue for the learned cue model (`models/cue_model.json`)."""
    word = lemma(token).lower()
    subject = next((child for child in token.children if child.dep_ in SUBJECTS or child.dep_ == "poss"), None)
    subject_kind = "none" if subject is None else subject.pos_ + ":" + (subject.ent_type_ or "-")
    features = [
        "bias",
        f"l={word}",
        f"f={frame}",
        f"lf={word}|{frame}",
        f"dep={token.dep_}",
        f"tag={token.tag_}",
        f"head={token.head.pos_}:{token.dep_}",
        f"subj={subject_kind}",
        f"sfx={word[-3:]}",
        f"lex={lexicon.cue_kind.get(word, '-')}",
        f"rate={min(int(lexicon.cue_rate(word, frame) * 10), 9)}",
    ]
    doc = token.doc
    previous = doc[token.i - 1] if token.i > 0 else None
    following = doc[token.i + 1] if token.i + 1 < len(doc) else None
    features.append(f"prev={previous.lower_ if previous is not None else '<s>'}")
    features.append(f"next={following.lower_ if following is not None else '</s>'}")
    features.append(f"l|next={word}|{following.lower_ if following is not None else '</s>'}")
    features.append(f"l|prev={word}|{previous.lower_ if previous is not None else '<s>'}")
    after = doc[token.i + 2].lower_ if token.i + 2 < len(doc) else "</s>"
    features.append(f"next2={after}")
    if quoted:
        features.append("quoted")
    if any(child.dep_ == "neg" for child in token.children):
        features.append("neg")
    if any(
        grandchild.dep_ == "mark" and grandchild.lower_ == "that"
        for child in token.children
        for grandchild in child.children
    ):
        features.append("that")
    if token.is_sent_start or (token.i > 0 and token.doc[token.i - 1].is_sent_start):  # O(1), unlike .sent
        features.append("first")
    features.extend(_context_features(token, word, lexicon))
    return features


_NESTING_DEPS = frozenset({"ccomp", "xcomp", "conj", "advcl", "relcl"})


def _context_features(token: Token, word: str, lexicon: CueLexicon) -> list[str]:
    """The candidate's word in its context: with its dependency label, its subject (a pronoun by name, else
    its entity type or part of speech), the word it hangs from, its object, preposition or infinitive
    ("make the case", "vote against", "try to show"), the marker of its clause ("that", "whether"), and
    whether it sits in a clause reported by a verb of the hand lexicon (where PolNeAR, being univocal, marks
    no second attribution)."""
    dep = token.dep_
    features = [f"l|dep={word}|{dep}"]
    subject = next((child for child in token.children if child.dep_ in SUBJECTS or child.dep_ == "poss"), None)
    if subject is not None:
        kind = subject.lower_ if subject.pos_ == "PRON" else (subject.ent_type_ or subject.pos_)
        features += [f"sw={kind}", f"l|sw={word}|{kind}"]
    head = token.head
    if head.i != token.i:
        head_word = lemma(head).lower()
        features += [f"hl={head_word}", f"hl|dep={head_word}|{dep}", f"hk={lexicon.cue_kind.get(head_word, '-')}|{dep}"]
    for child in token.children:
        if child.dep_ == "dobj":
            features.append(f"l|obj={word}|{lemma(child).lower()}")
        elif child.dep_ == "prep" and child.lower_ != "according":
            # Not "said, according to …": PolNeAR marks only the outer "according to" there, but the speaker
            # of "he said" is still worth knowing; that phrase is a cue of its own (`according_to`).
            features.append(f"l|prep={word}|{child.lower_}")
        elif child.dep_ == "xcomp" and child.pos_ == "VERB":
            features.append(f"l|xc={word}|{lemma(child).lower()}")
        elif child.dep_ == "ccomp":
            marker = next((g.lower_ for g in child.children if g.dep_ == "mark"), "-")
            features.append(f"ccm={marker}")
    current = token
    for _ in range(4):
        if current.head.i == current.i or current.dep_ not in _NESTING_DEPS:
            break
        current = current.head
        if lexicon.cue_kind.get(lemma(current).lower()) in ("speech", "report", "belief", "claim"):
            features += ["anc=cue", f"anc|l={word}"]
            break
    return features


def cue_dense_words(token: Token) -> dict[str, str]:
    """The words whose embeddings the cue model weighs, by name (the keys of `Lexicon.cue_dense`): the
    candidate's lemma, so that a word never seen as a cue in training but near one that was ("condemn" near
    "criticize") can still reach the threshold."""
    return {"lemma": lemma(token).lower()}


@lru_cache(maxsize=20000)
def word_vector(word: str):
    """A word's static embedding (`newsaudit.models.embeddings`: 256 float32, L2-normalised; zeros for ""), looked up
    once per word."""
    from newsaudit.models.embeddings import Embedder

    return Embedder.default().encode([word])[0]


def as_vector(weights: list[float]):
    import numpy as np

    return np.asarray(weights, dtype=np.float32)


# -- the acceptance model ---------------------------------------------------------------------------------

_ACCEPTANCE_FRAMES = (
    "clausal",
    "object",
    "prep",
    "passive",
    "plain",
    "n:poss",
    "n:prep",
    "n:clausal",
    "a:clausal",
    "a:prep",
)
#: The acceptance model's inputs, in order (`acceptance_features`).
ACCEPTANCE_FEATURES = (
    "cue_probability",
    "cue_logit",
    "role_cue",
    "role_cue_max",
    "role_content",
    "role_source",
    "role_none",
    "no_source",
    "source_head_role_source",
    "source_role_source",
    "source_role_content",
    *(f"frame={frame}" for frame in _ACCEPTANCE_FRAMES),
    "direct",
    "quoted",
    "verb",
    "noun",
)


@dataclass(frozen=True)
class Acceptance:
    """Whether a candidate attribution built by the rules is one: a logistic regression over the lexical cue
    model's probability and the role tagger's view of the cue and of the source the rules found
    (`newsaudit.models.roles`), fitted on PolNeAR train with both inputs out of fold (`scripts/train_attribution.py`).

    Candidates below `pregate` on the lexical model alone are not built at all (on PolNeAR train the model
    accepts no true attribution below 0.1, and half of all candidates lie there), and a source's edge tokens
    the tagger gives less than `trim` are cut off it."""

    weights: tuple[float, ...]
    bias: float
    threshold: float = 0.4
    pregate: float = 0.1
    trim: float = 0.3

    @classmethod
    @cache
    def default(cls) -> Acceptance | None:
        if not package_file_exists("models/cue_model.json"):
            return None
        model = json.loads(package_text("models/cue_model.json")).get("acceptance")
        if model is None or tuple(model["features"]) != ACCEPTANCE_FEATURES:
            return None
        return cls(
            weights=tuple(model["weights"]),
            bias=model["bias"],
            threshold=model["threshold"],
            pregate=model["pregate"],
            trim=model["trim"],
        )

    def probability(self, features: list[float]) -> float:
        score = self.bias + sum(w * x for w, x in zip(self.weights, features, strict=True))
        return 1 / (1 + math.exp(-score))


def acceptance_features(
    attribution: Attribution, token: Token, frame: str, probability: float, roles: Any, quoted: bool
) -> list[float]:
    """The inputs of `Acceptance` for one candidate (names in `ACCEPTANCE_FEATURES`); `roles` is the role
    tagger's (n_tokens, 4) array for the candidate's Doc."""
    doc = token.doc
    clipped = min(max(probability, 1e-4), 1 - 1e-4)
    cue = doc.char_span(attribution.cue.start, attribution.cue.end, alignment_mode="expand")
    at_token = roles[token.i].tolist()
    cue_max = max(roles[cue.start : cue.end, CUE].tolist()) if cue is not None and len(cue) else at_token[CUE]
    features = [
        probability,
        math.log(clipped / (1 - clipped)),
        at_token[CUE],
        cue_max,
        at_token[CONTENT],
        at_token[SOURCE],
        at_token[NONE],
    ]
    source = attribution.source
    span = doc.char_span(source.start, source.end, alignment_mode="expand") if source is not None else None
    if span is None or len(span) == 0:
        features += [1.0, 0.0, 0.0, 0.0]
    else:
        rows = roles[span.start : span.end].tolist()  # small slices: plain Python beats numpy's reductions
        features += [
            0.0,
            float(roles[span.root.i, SOURCE]),
            sum(row[SOURCE] for row in rows) / len(rows),
            sum(row[CONTENT] for row in rows) / len(rows),
        ]
    features += [float(frame == name) for name in _ACCEPTANCE_FRAMES]
    features += [
        float(attribution.type == "direct"),
        float(quoted),
        float(token.pos_ == "VERB"),
        float(token.pos_ == "NOUN"),
    ]
    return features
