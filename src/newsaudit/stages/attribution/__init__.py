"""Who says so: attribution relations (source, cue, content) from the dependency parse, source kinds, and
pronouns and descriptions resolved to earlier mentions.

The rules, in the order they are tried for each sentence:

1. *Cue words*: a verb, noun or predicative adjective in a frame (`cue_frame`) that a learned model, trained
   on PolNeAR (`models/cue_model.json`, over a rate table `models/cue_frames.tsv`, the hand lexicon
   `lexicons/attribution.toml` and the word's static embedding), calls a cue. Coordinated verbs share their
   subject ("said … and warned"); a participle ("…, saying …") or gerund ("after saying") takes the subject of
   the verb it hangs from; a passive takes its agent, a raising verb ("seems") none.
2. *According to*: "according to X" and its kin; the content is the clause the phrase modifies.
3. *Introduced*: a paragraph of the form "X reports:" scopes over the paragraphs after it, up to the next
   such line; and "Speaker: what they say" colons, where the speaker is a bare capitalised name or label.

A source is its subject's whole phrase (appositions and relative clauses kept, as PolNeAR annotates them),
but never runs across its cue, leaves out a participial aside ("X, speaking to reporters, said") and a
leading dateline ("CITY (Agency) — X said").

A cue verb whose parse put its subject inside what is said takes the speaker written beside it ("…,” said
X; “…,” X said); a content split around its source ("…, he said, and …") keeps that source; a verb cue with
no source is kept only where an implicit one is usual (a clause or a passive: "is expected to", "Asked
whether …", which never takes the main clause's subject), and a noun cue only with a source.

Then each source is classified (person, official, anonymous, unnamed group, organization, government,
outlet, document) from its named entities and head noun, and pronouns ("he said"), relative pronouns ("who
said") and definite descriptions ("the group said", "the official said") are resolved to the nearest
earlier compatible mention.
"""

from __future__ import annotations

import json
import math
import re
import tomllib
from collections import Counter
from dataclasses import dataclass, field, replace
from functools import cache, lru_cache
from typing import TYPE_CHECKING, Any

from newsaudit.models.roles import CONTENT, CUE, NONE, SOURCE, RoleTagger
from newsaudit.nlp import doc_entities, doc_text, lemma, quotation_spans
from newsaudit.resources import package_file_exists, package_text
from newsaudit.schema import Attribution, Source, Span
from newsaudit.stages.registry import Context, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token
    from spacy.tokens import Span as SpacySpan

_QUOTES = "\"“”‘’'«»„"
_TRIM = " \t\n,;:—–-"
_SUBJECTS = ("nsubj", "nsubjpass", "csubj")
_PERSON_PRONOUNS = {"he", "she", "him", "her", "i", "we", "you", "me", "us"}
_PLURAL_PRONOUNS = {"they", "them", "we", "us"}
_RELATIVE = {"who", "which", "that"}


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

    @classmethod
    @cache
    def default(cls) -> Lexicon:
        frames = read_frames(package_text("models/cue_frames.tsv"))
        lexicon = cls.from_toml(package_text("lexicons/attribution.toml"), frames)
        if package_file_exists("models/cue_model.json"):
            model = json.loads(package_text("models/cue_model.json"))
            dense = {name: _as_vector(weights) for name, weights in model.get("dense", {}).items()}
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


_CUE_FLOOR = 0.02


class Decision:
    """The cue decision for the candidates of one Doc: with the role tagger's probabilities and an acceptance
    model, `Acceptance` decides after the rules have built the candidate; without them, the lexical cue
    model's threshold alone (`Lexicon.clears`, through `admits`) decides before."""

    def __init__(self, lexicon: Lexicon, roles: Any = None, acceptance: Acceptance | None = None) -> None:
        self.lexicon = lexicon
        self.roles = roles if acceptance is not None else None
        self.acceptance = acceptance if roles is not None else None
        self.deferred: list[Attribution] = []

    def passes_over(self, token: Token) -> bool:
        """Whether the tagger is sure enough that `token` is no cue to leave the lexical model uncalled: on
        PolNeAR train (out-of-fold tagger), below P(cue) 0.02 lie 57 % of the candidates and none of the true
        attributions the acceptance model accepts. Tokens it reads as content are kept (nested ones)."""
        if self.roles is None:
            return False
        row = self.roles[token.i]
        return row[CUE] < _CUE_FLOOR and row[CONTENT] < 0.5

    def admits(self, probability: float, frame: str) -> bool:
        """Whether a candidate with this lexical cue probability is worth building at all."""
        if self.acceptance is not None:
            return probability >= self.acceptance.pregate
        return self.lexicon.clears(probability, frame)

    def __call__(self, attribution: Attribution, token: Token, frame: str, probability: float, quoted: bool) -> bool:
        if self.acceptance is None:
            return True
        features = acceptance_features(attribution, token, frame, probability, self.roles, quoted)
        if self.acceptance.probability(features) >= self.acceptance.threshold:
            return True
        # PolNeAR annotates one level of attribution: "…, he said, according to Press TV" has only Press TV's,
        # with "he said" inside its content. The acceptance model learned "not annotated" there, not "not an
        # attribution"; so a candidate the tagger reads as inside someone's content and the lexical model
        # accepts is kept aside, to be restored if an accepted attribution's content does hold it or share
        # its content (`restore_nested`).
        if self.lexicon.clears(probability, frame) and _is_nested(token.doc, attribution, self.roles):
            self.deferred.append(attribution)
        return False

    def restore_nested(self, found: list[Attribution]) -> list[Attribution]:
        """The deferred candidates nested in, or reporting the same content as, an accepted attribution."""
        restored = []
        for candidate in self.deferred:
            for outer in found:
                if outer.content is None or _overlap(candidate.cue, outer.cue):
                    continue
                if _overlap(candidate.cue, outer.content) or _overlap(candidate.content, outer.content):
                    restored.append(candidate)
                    break
        return restored


def _is_nested(doc: Doc, attribution: Attribution, roles: Any) -> bool:
    """Whether the role tagger reads this attribution's source (its cue, if it has none) as content."""
    source = attribution.source
    span = doc.char_span(source.start, source.end, alignment_mode="expand") if source is not None else None
    if span is None or len(span) == 0:
        span = doc.char_span(attribution.cue.start, attribution.cue.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return False
    content = roles[span.start : span.end, CONTENT].tolist()
    return sum(content) / len(content) >= 0.5


# -- the stage -------------------------------------------------------------------------------------------


@stage("attributions", requires=("sentences", "entities"), assigns=("attributions", "sourcing"))
def attributions(context: Context) -> dict[str, Any]:
    """Every attribution relation in the article, with resolved sources, and the sourcing profile."""
    if not context.english:
        return {"attributions": (), "sourcing": profile((), len(context.findings["sentences"]))}
    found = find_attributions(context.doc, Lexicon.default(), RoleTagger.default(), Acceptance.default())
    return {"attributions": found, "sourcing": profile(found, len(context.findings["sentences"]))}


def find_attributions(
    doc: Doc,
    lexicon: Lexicon,
    tagger: RoleTagger | None = None,
    acceptance: Acceptance | None = None,
    decision: Decision | None = None,
) -> tuple[Attribution, ...]:
    """Every attribution in `doc`. With a role tagger that accepts the Doc's pipeline and an acceptance model,
    candidates are accepted by `Acceptance` and sources trimmed by the tagger; otherwise by the lexical cue
    model alone. (`decision` replaces both, for training and tests.)"""
    if decision is None:
        roles = tagger(doc) if tagger is not None and acceptance is not None and tagger.accepts(doc) else None
        decision = Decision(lexicon, roles, acceptance)
    sentences = list(doc.sents)
    found: list[Attribution] = []
    taken: set[int] = set()  # cue token indices already used
    quoted = {i for start, end in quotation_spans(doc_text(doc)) for i in range(start, end)}
    for index, sentence in enumerate(sentences):
        for token in sentence:
            if token.i in taken:
                continue
            relation = _according_to(token, index, lexicon) or _cue_verb(
                token, index, lexicon, token.idx in quoted, quoted, decision
            )
            if relation is not None:
                taken.update(range(token.i, token.i + 2))
                found.append(relation)
        for token in sentence:
            if token.i not in taken and token.pos_ in ("NOUN", "ADJ"):
                relation = _cue_nominal(token, index, lexicon, taken, token.idx in quoted, decision)
                if relation is not None:
                    taken.add(token.i)
                    found.append(relation)
    introduced = _introduced(doc, sentences, lexicon)
    found = [a for a in found if not any(_overlap(a.cue, b.cue) for b in introduced)] + introduced
    found.extend(_speaker_colon(sentences, {i for a in found for i in range(a.cue.start, a.cue.end)}))
    found.extend(decision.restore_nested(found))
    found = _extend_to_quotations(doc_text(doc), found)
    found = _drop_fragments(found, doc_text(doc), lexicon)
    if decision.roles is not None and decision.acceptance is not None:
        found = [_trim_source(doc, a, decision.roles, decision.acceptance.trim) for a in found]
    found.sort(key=lambda item: (item.cue.start, item.cue.end))
    return tuple(_resolve_sources(doc, found, lexicon))


#: Left dependents of a source's head that belong to its name or noun phrase, never trimmed off.
_SOURCE_PHRASE_DEPS = frozenset({"det", "compound", "amod", "nummod", "poss", "nmod", "case"})


def _trim_source(doc: Doc, attribution: Attribution, roles: Any, threshold: float) -> Attribution:
    """Cut the tokens at either edge of a source that the role tagger gives less than `threshold` as source
    ("Sanders, who has made rebuilding the middle class a rallying cry," -> "Sanders"), never its head nor the
    words of its noun phrase before the head ("The harbour authority")."""
    source = attribution.source
    if source is None or attribution.type == "introduced" or attribution.cue_lemma == ":":
        return attribution
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return attribution
    root = span.root
    head = root.i
    protected = {t.i for child in root.lefts if child.dep_ in _SOURCE_PHRASE_DEPS for t in child.subtree}
    start, end = span.start, span.end - 1
    while start < head and start not in protected and (roles[start, SOURCE] < threshold or doc[start].is_space):
        start += 1
    while end > head and (roles[end, SOURCE] < threshold or doc[end].is_space):
        end -= 1
    if start == span.start and end == span.end - 1:
        return attribution
    text = doc_text(doc)
    begin, finish = doc[start].idx, doc[end].idx + len(doc[end].text)
    return replace(attribution, source=Source(begin, finish, text[begin:finish], source.kind, source.name))


def _overlap(a: Span | Source | None, b: Span | Source | None) -> bool:
    return a is not None and b is not None and a.start < b.end and b.start < a.end


def _drop_fragments(found: list[Attribution], text: str, lexicon: Lexicon) -> list[Attribution]:
    """Drop cues that sit inside another attribution's source ("the official, who spoke … to discuss …") and
    cues nested inside another attribution's content with no source or the same source: they add nothing a
    reader can use."""
    kept = []
    for attribution in found:
        # A cue inside another's source phrase is kept only as a statement of its own ("…, who notes that …"),
        # not without a source or as an infinitive of purpose ("who spoke on condition of anonymity to discuss").
        in_source = any(
            _overlap(attribution.cue, other.source)
            and (
                attribution.source is None
                or attribution.source == other.source
                or attribution.cue.text.lower().startswith("to ")
                or _in_anonymity_phrase(text, attribution.cue, lexicon)
            )
            for other in found
            if other is not attribution
        )
        # Nested without a source of its own, or with the very same source ("purported to show"): a fragment.
        nested_fragment = any(
            other is not attribution
            and other.type != "introduced"
            and _overlap(attribution.cue, other.content)
            and (attribution.source is None or attribution.source == other.source)
            for other in found
        )
        if not in_source and not nested_fragment:
            kept.append(attribution)
    return kept


def _in_anonymity_phrase(text: str, cue: Span, lexicon: Lexicon) -> bool:
    """ "who asked not to be named", "who spoke on condition of anonymity": how a source is described."""
    window = text[max(0, cue.start - 12) : cue.end + 40].lower()
    return any(phrase in window for phrase in lexicon.anonymity) or "not to be named" in window


def _speaker_colon(sentences: list[SpacySpan], taken: set[int]) -> list[Attribution]:
    """ "Minister: the bridge is safe" — a short name or noun phrase, a colon, and what it says."""
    found = []
    for index, sentence in enumerate(sentences):
        colon = next((t for t in sentence[:8] if t.text == ":"), None)
        if colon is None or colon.i == sentence.start or colon.idx in taken:
            continue
        speaker = sentence.doc[sentence.start : colon.i]
        words = [t for t in speaker if not t.is_punct and not t.is_space]
        # Only a bare name or label ("Minister", "Q", "Party spokesman"), capitalised: a colon after a phrase
        # with a determiner, preposition or adjective ("One notable trend:", "Among its findings:") or after
        # lowercase code is a heading or list, not a speaker.
        if not words or any(t.pos_ not in _NOUN_LIKE for t in words) or not words[0].text[:1].isupper():
            continue
        rest = [t for t in sentence if t.i > colon.i and not t.is_space]
        if len(rest) < 3:
            continue
        text = doc_text(sentence.doc)
        source_span = _trim_span(text, Span.of(text, speaker.start_char, speaker.end_char))
        found.append(
            Attribution(
                cue=Span.of(text, colon.idx, colon.idx + 1),
                cue_lemma=":",
                type="indirect",
                sentence=index,
                source=Source(source_span.start, source_span.end, source_span.text, "unattributed"),
                content=_span_of(sentence.doc, rest),
            )
        )
    return found


def _extend_to_quotations(text: str, found: list[Attribution]) -> list[Attribution]:
    """A direct quotation belongs whole to the attribution that introduces it, also where the parse gave
    the cue only the quotation's first sentence."""
    quotes = quotation_spans(text)
    extended = []
    for attribution in found:
        content = attribution.content
        cue = attribution.cue
        if attribution.type == "introduced":
            extended.append(attribution)
            continue
        for start, end in quotes:
            touches_content = content is not None and start < content.end and content.start < end
            next_to_cue = 0 <= cue.start - end <= 4 or 0 <= start - cue.end <= 4
            if (touches_content or next_to_cue) and not (start <= cue.start < end):
                new_start = min(start, content.start) if content is not None else start
                new_end = max(end, content.end) if content is not None else end
                content = Span.of(text, new_start, new_end)
        if content is not attribution.content:
            attribution = replace(attribution, type="direct", content=content)
        extended.append(attribution)
    return extended


def _cue_verb(
    token: Token,
    sentence: int,
    lexicon: Lexicon,
    quoted: bool = False,
    quoted_chars: set[int] | None = None,
    decision: Decision | None = None,
) -> Attribution | None:
    if token.pos_ not in ("VERB", "AUX") or token.dep_ in ("aux", "auxpass", "neg", "amod"):
        return None
    cue_lemma = lemma(token).lower()
    # Phrasal verbs: "play down" is a denial, "point out" a speech verb.
    # The hand lexicon names them with their particle, and that is decisive: the learned model only knows the
    # bare verb ("play"), which is rarely a cue on its own.
    particle = next((child for child in token.children if child.dep_ == "prt"), None)
    phrasal = particle is not None and f"{cue_lemma} {particle.lower_}" in lexicon.cue_kind
    if phrasal:
        cue_lemma = f"{cue_lemma} {particle.lower_}"
    decision = decision or Decision(lexicon)
    if not phrasal and decision.passes_over(token):
        return None
    frame = verb_frame(token)
    probability = 1.0 if phrasal else lexicon.cue_probability(token, frame, quoted)
    if not decision.admits(probability, frame):
        return None
    subject = None if _asked_aside(token) else _subject_of(token)
    content = _content_of(token, frame)
    if content is None and subject is None:
        return None
    cue = _cue_span(token)
    if subject is not None and _expletive_it(subject, token):
        subject = None
    source = _source_span(subject, token) if subject is not None else None
    content_span = _span_of(token.doc, content) if content is not None else None
    around = False  # the content lies on both sides of its source: "…, he said, and …"
    if (
        content is not None
        and source is not None
        and content_span is not None
        and _inside(source, content_span)
        and subject.i not in {t.i for t in content}
    ):
        # The subject only sits within the content's extent, not in it: the content is split around the
        # cue and its source. A relative pronoun before them ("that many economists say is …") is left out.
        left = [t for t in content if t.idx < source.start and not t.is_punct]
        right = [t for t in content if t.idx >= source.end]
        if len(left) <= 1 and right:
            content_span = _span_of(token.doc, right)
        else:
            around = True
    if content_span is not None and frame == "clausal" and not around:
        misplaced = (
            source is None
            or _inside(source, content_span)
            or (quoted_chars is not None and not quoted and subject.idx in quoted_chars)
        )
        if misplaced and (
            subject is not None
            or (
                token.dep_ in ("ROOT", "parataxis", "ccomp", "conj")
                and cue_lemma not in _RAISING
                and not any(child.dep_ in ("nsubjpass", "auxpass") for child in token.children)
            )
        ):
            beside = _beside_cue(token, content_span, quoted_chars or set())
            if beside is not None:
                source = _source_span(beside, token)
    if content_span is not None and source is not None and _inside(source, content_span) and not around:
        source = None
    if source is None and not _may_lack_source(token, frame):
        return None
    direct = content_span is not None and _is_quoted(doc_text(token.doc), content_span)
    attribution = Attribution(
        cue=cue,
        cue_lemma=cue_lemma,
        type="direct" if direct else "indirect",
        sentence=sentence,
        source=source,
        content=content_span,
    )
    return attribution if phrasal or decision(attribution, token, frame, probability, quoted) else None


_NOUN_LIKE = ("NOUN", "PROPN", "PRON")


def _asked_aside(verb: Token) -> bool:
    """ "Asked whether …, she said …", "when pressed about …": a passive participle clause without a subject
    or agent of its own; the one asking is implicit, not the main clause's subject."""
    return (
        verb.dep_ == "advcl"
        and verb.tag_ in ("VBN", "VBD")
        and lemma(verb).lower() in ("ask", "press", "question")
        and not any(child.dep_ in (*_SUBJECTS, "agent") for child in verb.children)
    )


def _beside_cue(verb: Token, content: Span, quoted_chars: set[int]) -> Token | None:
    """The speaker written right next to the cue when the parse gave it a subject inside what is said, or
    none: "…,” said a spokeswoman; “…,” the minister said; “…, said X”."""
    doc = verb.doc
    sentence = verb.sent
    # Inverted: the noun phrase right after the cue (and its auxiliaries).
    after = verb.i + 1
    while after < sentence.end and doc[after].dep_ in ("advmod", "neg") and doc[after].head.i == verb.i:
        after += 1
    if after < sentence.end:
        candidate = doc[after]
        while candidate.dep_ in ("compound", "det", "amod", "nummod", "poss") and candidate.head.i > candidate.i:
            candidate = candidate.head
        if (
            candidate.pos_ in _NOUN_LIKE
            and candidate.idx not in quoted_chars
            and not (content.start <= candidate.idx < content.end)
            and candidate.i - verb.i <= 8
        ):
            return candidate
    # Before: "…,” Trump said.
    before = min(
        [verb.i] + [c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "advmod") and c.i < verb.i]
    )
    before -= 1
    if before >= sentence.start:
        candidate = doc[before]
        if (
            candidate.pos_ in _NOUN_LIKE
            and candidate.idx not in quoted_chars
            and not (content.start <= candidate.idx < content.end)
            and not candidate.is_punct
        ):
            return candidate
    return None


def _expletive_it(subject: Token, verb: Token) -> bool:
    """ "it is hard to criticise …": the "it" of an adjective predicate, reached from an infinitive cue, is
    no one's voice."""
    return (
        subject.lower_ == "it"
        and subject.head.i != verb.i
        and any(child.dep_ == "acomp" for child in subject.head.children)
    )


def _may_lack_source(verb: Token, frame: str) -> bool:
    """Whether a verb cue may stand without a source: an implicit one ("is expected to", "was reported",
    "Asked whether …") takes a clause or is passive; a verb with an object or a prepositional object and
    no subject found ("talk about", "call for") is, on held-out PolNeAR train, rarely an attribution at all."""
    return frame in ("clausal", "passive")


_RAISING = {"seem", "appear"}
_ACCORDING_FIRST_WORDS = frozenset({"according", "as", "in"})
_SPEECH_LEMMAS = frozenset({"say", "tell", "add", "state", "announce", "explain", "note", "write", "report"})


def _cue_nominal(
    token: Token,
    sentence: int,
    lexicon: Lexicon,
    taken: set[int],
    quoted: bool = False,
    decision: Decision | None = None,
) -> Attribution | None:
    """A noun or predicative adjective cue: "the mayor's criticism of the plan", "she is confident that …"."""
    frame = cue_frame(token)
    if frame is None or frame.endswith(":plain"):
        return None
    decision = decision or Decision(lexicon)
    if decision.passes_over(token):
        return None
    probability = lexicon.cue_probability(token, frame, quoted)
    if not decision.admits(probability, frame):
        return None
    ancestors = list(token.ancestors)[:3]
    if any(ancestor.i in taken for ancestor in ancestors):
        return None  # "said in a statement": part of a verb cue already found
    doc = token.doc
    subject = None
    if frame == "n:poss":
        subject = next(child for child in token.children if child.dep_ == "poss")
    elif token.pos_ == "ADJ":
        subject = next((child for child in token.head.children if child.dep_ in ("nsubj", "nsubjpass")), None)
    else:
        # "criticism from rivals", "a statement by the ministry": the agent of a noun cue.
        agent = next((c for c in token.children if c.dep_ == "prep" and c.lower_ in ("from", "by")), None)
        if agent is not None:
            subject = next((g for g in agent.children if g.dep_ == "pobj"), None)
        elif token.dep_ == "dobj" and lemma(token.head).lower() in _LIGHT_VERBS:
            subject = _subject_of(token.head)  # "made conflicting statements", "sent messages of sympathy"
        elif token.dep_ == "pobj":
            governor = _governing_verb(token)  # "voted in support of", "spoke in favor of"
            subject = _subject_of(governor) if governor is not None else None
    content_tokens: list[Token] | None = None
    target = _prep_object(token)
    if target is not None:
        content_tokens = list(target.subtree)
    else:
        clause = next(
            (c for c in token.children if c.dep_ in ("acl", "ccomp", "xcomp") and c.pos_ in ("VERB", "AUX")), None
        )
        if clause is not None:
            content_tokens = list(clause.subtree)
    if content_tokens is None:
        return None
    text = doc_text(doc)
    cue = Span.of(text, token.idx, token.idx + len(token.text))
    source = _source_span(subject) if subject is not None else None
    if source is None:
        return None  # "the criticism of …" with nobody's name to it: rarely an attribution (PolNeAR train)
    attribution = Attribution(
        cue=cue,
        cue_lemma=lemma(token).lower(),
        type="indirect",
        sentence=sentence,
        source=source,
        content=_span_of(doc, content_tokens),
    )
    return attribution if decision(attribution, token, frame, probability, quoted) else None


def _is_coordinated_cue(token: Token) -> bool:
    return (
        token.pos_ == "VERB"
        and lemma(token).lower() in Lexicon.default().cue_kind
        and not any(child.dep_ in _SUBJECTS for child in token.children)
        and any(child.dep_ in ("ccomp", "xcomp") for child in token.children)
    )


def _governing_verb(token: Token) -> Token | None:
    """The nearest verb above a token, through prepositions and objects (at most three steps)."""
    current = token
    for _ in range(3):
        if current.head.i == current.i:
            return None
        current = current.head
        if current.pos_ in ("VERB", "AUX"):
            return current
    return None


_LIGHT_VERBS = frozenset(
    {
        "make",
        "give",
        "issue",
        "send",
        "offer",
        "deliver",
        "express",
        "voice",
        "release",
        "post",
        "publish",
        "share",
        "raise",
        "lodge",
        "file",
        "lay",
        "level",
        "launch",
    }
)


def _subject_of(verb: Token) -> Token | None:
    """The source token: the verb's subject; for a passive, its agent ("by X") or none; for a coordinated
    verb, participle or infinitive without a subject of its own, the subject of the verb it hangs from."""
    if lemma(verb).lower() in _RAISING:
        return None  # "X seems to Y": the writer's assessment, with no source of its own
    current = verb
    for _ in range(4):
        for child in current.children:
            if child.dep_ == "nsubjpass":
                agent = next((c for c in current.children if c.dep_ == "agent"), None)
                return next((g for g in agent.children if g.dep_ == "pobj"), None) if agent is not None else None
            if child.dep_ in ("nsubj", "csubj"):
                return None if child.lower_ in ("it", "there") and child.dep_ == "expl" else child
        if current.dep_ == "acl" and current.tag_ == "VBG":
            return current.head  # "ads attacking X": the ads
        if current.dep_ == "conj" and current.head.dep_ == "ccomp" and current.head.head.i != current.head.i:
            # "X said the bridge was safe and warned that …": the parse often hangs "warned" from the
            # reported clause; a second cue verb there is coordinated with the outer cue, not with the clause.
            outer = current.head.head
            if outer.pos_ == "VERB" and lemma(outer).lower() in _SPEECH_LEMMAS:
                current = outer
                continue
        if current.dep_ in ("conj", "xcomp", "advcl"):
            current = current.head
            continue
        if current.dep_ == "pcomp" and current.head.dep_ == "prep":
            # "… by nominating", "after saying", "her refusal of …": the governing verb's subject.
            governor = _governing_verb(current.head)
            if governor is not None:
                current = governor
                continue
        if current.dep_ in ("relcl", "acl") and current.head.dep_ in ("dobj", "pobj"):
            # "had kind words to say": the one who has the words says them.
            governor = _governing_verb(current.head)
            if governor is not None:
                current = governor
                continue
        # A relative clause with no subject of its own ("the words to say", "a report released on Tuesday")
        # hangs from its object, not its speaker.
        return None
    return None


def _content_of(verb: Token, frame: str) -> list[Token] | None:
    """The tokens of what is said, by frame: the clausal complement (or the clause the cue is parenthetical
    to, or what follows a colon), the objects, or the prepositional object."""
    if frame in ("clausal", "passive"):
        for child in verb.children:
            if child.dep_ == "ccomp" and lemma(verb).lower() in _SPEECH_LEMMAS:
                # "said the bridge was safe and warned that …": the coordinated cue is not part of what was said.
                coordinated = [c for c in child.children if c.dep_ == "conj" and _is_coordinated_cue(c)]
                if coordinated:
                    skip = {t.i for c in coordinated for t in c.subtree}
                    kept = [t for t in child.subtree if t.i not in skip and not (t.dep_ == "cc" and t.head == child)]
                    return kept
            if child.dep_ in ("ccomp", "xcomp"):
                # "X is expected to win", "X seems to lead": with no source, the subject is part of what is
                # attributed.
                subject = next((c for c in verb.children if c.dep_ in ("nsubjpass", "nsubj")), None)
                if subject is not None and (frame == "passive" or lemma(verb).lower() in _RAISING):
                    return [*subject.subtree, *child.subtree]
                return list(child.subtree)
        if verb.dep_ in ("parataxis", "ccomp") and verb.head.i < verb.i:
            # "The leak was small, said the official": the cue hangs from the content's verb.
            return [t for t in verb.head.subtree if t.i < verb.left_edge.i or t.i > verb.right_edge.i]
        colon = next((child for child in verb.children if child.lower_ == ":" and child.i > verb.i), None)
        if colon is not None:
            return [t for t in verb.sent if t.i > colon.i] or None
    if frame == "passive" and not any(child.dep_ == "agent" for child in verb.children):
        # "Rubio is seen as the favourite", "The statement was attributed to his doctor": with no agent, what
        # is attributed is the rest of the clause.
        skip = {"aux", "auxpass", "neg", "punct", "cc", "mark", "advmod"}
        parts = [t for child in verb.children if child.dep_ not in skip for t in child.subtree]
        return parts or None
    if frame == "object":
        parts = [t for child in verb.children if child.dep_ in ("dobj", "oprd", "dative") for t in child.subtree]
        return parts or None
    if frame == "prep":
        for child in verb.children:
            if child.dep_ == "prep":
                objects = [t for grandchild in child.children if grandchild.dep_ == "pobj" for t in grandchild.subtree]
                if objects:
                    return objects
    # A quotation just before the cue that the parse did not link: “…,” she said.
    sentence = verb.sent
    quote_end = verb.left_edge.i - 1
    while quote_end >= sentence.start and verb.doc[quote_end].is_punct and not verb.doc[quote_end].is_quote:
        quote_end -= 1
    if quote_end >= sentence.start and verb.doc[quote_end].is_quote:
        return [t for t in sentence if t.i <= quote_end] or None
    return None


def _according_to(token: Token, sentence: int, lexicon: Lexicon) -> Attribution | None:
    if token.lower_ not in _ACCORDING_FIRST_WORDS:
        return None
    doc = token.doc
    text_after = doc_text(doc)[token.idx : token.idx + 24].lower()
    phrase = next((p for p in lexicon.according_to if text_after.startswith(p)), None)
    if phrase is None:
        return None
    cue_end_char = token.idx + len(phrase)
    cue_tokens = [t for t in doc[token.i : token.i + 4] if t.idx < cue_end_char]
    last = cue_tokens[-1]
    objects = [t for t in last.children if t.dep_ == "pobj"] or [t for t in last.subtree if t.dep_ == "pobj"]
    if not objects:
        return None
    source_token = objects[0]
    source = _source_span(source_token)
    phrase_head = token
    clause = phrase_head.head if phrase_head.head.i != phrase_head.i else None
    content = None
    if clause is not None:
        phrase_tokens = {t.i for t in phrase_head.subtree}
        kept = [t for t in clause.subtree if t.i not in phrase_tokens]
        content = _span_of(doc, kept) if kept else None
    cue = Span.of(doc_text(doc), token.idx, cue_end_char)
    return Attribution(
        cue=cue, cue_lemma=phrase, type="according_to", sentence=sentence, source=source, content=content
    )


_INTRODUCTION = re.compile(
    r"^(?P<source>[A-Z][^:\n]{1,80}?)\s+(?P<cue>reports|reported|writes|wrote|says|said|"
    r"notes|noted|explains|explained|adds|added|continues|continued)\s*:\s*$"
)


def _introduced(doc: Doc, sentences: list[SpacySpan], lexicon: Lexicon) -> list[Attribution]:
    """ "The Daily Ledger reports:" on a line of its own scopes over the paragraphs that follow."""
    text = doc_text(doc)
    found = []
    paragraph_starts = [0] + [m.end() for m in re.finditer(r"\n\s*\n", text)]
    for number, start in enumerate(paragraph_starts):
        end = paragraph_starts[number + 1] if number + 1 < len(paragraph_starts) else len(text)
        line = text[start:end].strip()
        match = _INTRODUCTION.match(line)
        if match is None:
            continue
        offset = start + (len(text[start:end]) - len(text[start:end].lstrip()))
        source_span = Span.of(text, offset + match.start("source"), offset + match.end("source"))
        cue_span = Span.of(text, offset + match.start("cue"), offset + match.end("cue"))
        content_end = (
            _next_introduction(text, paragraph_starts[number + 1 :]) if number + 1 < len(paragraph_starts) else None
        )
        content = None
        if number + 1 < len(paragraph_starts):
            content_start = paragraph_starts[number + 1]
            content = Span.of(text, content_start, (content_end or len(text)))
            content = _trim_span(text, content)
        sentence = next((i for i, s in enumerate(sentences) if s.start_char <= cue_span.start < s.end_char), 0)
        source = Source(source_span.start, source_span.end, source_span.text, "unattributed")
        found.append(
            Attribution(
                cue=cue_span,
                cue_lemma=_INTRODUCTION_LEMMAS[match.group("cue").lower()],
                type="introduced",
                sentence=sentence,
                source=source,
                content=content,
            )
        )
    return found


def _next_introduction(text: str, starts: list[int]) -> int | None:
    for index, start in enumerate(starts):
        end = starts[index + 1] if index + 1 < len(starts) else len(text)
        if _INTRODUCTION.match(text[start:end].strip()):
            return start
    return None


_INTRODUCTION_LEMMAS = {
    "reports": "report",
    "reported": "report",
    "writes": "write",
    "wrote": "write",
    "says": "say",
    "said": "say",
    "notes": "note",
    "noted": "note",
    "explains": "explain",
    "explained": "explain",
    "adds": "add",
    "added": "add",
    "continues": "continue",
    "continued": "continue",
}


_CONTENT_PREPOSITIONS = frozenset({"of", "for", "to", "about", "on", "against", "with", "over", "that", "in"})


def cue_frame(token: Token) -> str | None:
    """The frame of a candidate cue of any part of speech, or None for tokens that cannot be cues.

    Verbs use `verb_frame`; nouns are `n:poss` (someone's criticism), `n:prep` (criticism of …), `n:clausal`
    (the claim that …) or `n:plain`; predicative adjectives are `a:clausal`, `a:prep` or `a:plain`."""
    if token.pos_ in ("VERB", "AUX"):
        return None if token.dep_ in ("aux", "auxpass", "neg", "amod") else verb_frame(token)
    deps = {child.dep_ for child in token.children}
    if token.pos_ == "NOUN":
        if "poss" in deps:
            return "n:poss"
        if deps & {"acl", "ccomp"} and any(c.dep_ in ("acl", "ccomp") and c.pos_ == "VERB" for c in token.children):
            return "n:clausal"
        if _prep_object(token) is not None:
            return "n:prep"
        return "n:plain"
    if token.pos_ == "ADJ" and token.dep_ in ("acomp", "oprd"):
        if deps & {"xcomp", "ccomp"}:
            return "a:clausal"
        if _prep_object(token) is not None:
            return "a:prep"
        return "a:plain"
    return None


def _prep_object(token: Token) -> Token | None:
    for child in token.children:
        if child.dep_ == "prep" and child.lower_ in _CONTENT_PREPOSITIONS:
            objects = [g for g in child.children if g.dep_ in ("pobj", "pcomp")]
            if objects:
                return objects[0]
    return None


def cue_features(token: Token, frame: str, lexicon: Lexicon, quoted: bool) -> list[str]:
    """Binary features of a candidate cue for the learned cue model (`models/cue_model.json`)."""
    word = lemma(token).lower()
    subject = next((child for child in token.children if child.dep_ in _SUBJECTS or child.dep_ == "poss"), None)
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


def _context_features(token: Token, word: str, lexicon: Lexicon) -> list[str]:
    """The candidate's word in its context: with its dependency label, its subject (a pronoun by name, else
    its entity type or part of speech), the word it hangs from, its object, preposition or infinitive
    ("make the case", "vote against", "try to show"), the marker of its clause ("that", "whether"), and
    whether it sits in a clause reported by a verb of the hand lexicon (where PolNeAR, being univocal, marks
    no second attribution)."""
    dep = token.dep_
    features = [f"l|dep={word}|{dep}"]
    subject = next((child for child in token.children if child.dep_ in _SUBJECTS or child.dep_ == "poss"), None)
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
            # of "he said" is still worth knowing; that phrase is a cue of its own (`_according_to`).
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


def _as_vector(weights: list[float]):
    import numpy as np

    return np.asarray(weights, dtype=np.float32)


def verb_frame(token: Token) -> str:
    """The syntactic frame a verb appears in, as far as attribution cares: `clausal` (it takes a clause, or
    is parenthetical to one), `object`, `prep` (a prepositional object: "referring to", "called for"),
    `passive`, or `plain`."""
    deps = {child.dep_ for child in token.children}
    if deps & {"ccomp", "xcomp"} or (token.dep_ in ("parataxis", "ccomp") and token.head.i < token.i):
        return "clausal"
    if any(child.lower_ == ":" and child.i > token.i for child in token.children):
        return "clausal"
    if "auxpass" in deps:
        return "passive"
    if "dobj" in deps:
        return "object"
    if "prep" in deps and any(
        grandchild.dep_ == "pobj" for child in token.children if child.dep_ == "prep" for grandchild in child.children
    ):
        return "prep"
    return "plain"


# -- spans -------------------------------------------------------------------------------------------------


def _cue_span(verb: Token) -> Span:
    """The cue verb with its auxiliaries, negation and particle ("has said", "did not deny", "played down")."""
    parts = [verb] + [c for c in verb.children if c.dep_ in ("aux", "auxpass", "neg", "prt") and abs(c.i - verb.i) <= 3]
    start = min(t.idx for t in parts)
    end = max(t.idx + len(t.text) for t in parts)
    return Span.of(doc_text(verb.doc), start, end)


def _source_span(subject: Token, cue: Token | None = None) -> Source:
    """The subject's whole phrase (appositions and "who spoke on condition of anonymity" included), but not
    a relative or participial clause that contains the cue itself, nor a participial aside set off by a comma."""
    nested = cue is not None and cue.i != subject.i and subject.is_ancestor(cue)
    excluded = {t.i for t in cue.subtree} if nested else set()
    doc = subject.doc
    for child in subject.children:
        aside = child.i > subject.i and doc[child.left_edge.i - 1].text == ","
        if aside and child.dep_ == "acl" and child.tag_ == "VBG":
            # "The mayor, speaking to reporters on Friday, said …": a participial aside describes the moment,
            # not the source (PolNeAR leaves it out; relative clauses and appositions it keeps).
            excluded |= {t.i for t in child.subtree}
    kept = {t.i for t in subject.subtree} - excluded
    tokens = subject.doc[min(kept) : max(kept) + 1]
    across = cue is not None and tokens.start < cue.i < tokens.end and cue.i not in kept
    if excluded or across:
        # Keep the contiguous run around the subject's head: without the excluded clauses, and without a part
        # the parse attached across the cue ("Four senators object to it: Sens. A, B and C", the list hung
        # from "senators").
        left = right = subject.i
        while left - 1 in kept:
            left -= 1
        while right + 1 in kept:
            right += 1
        tokens = subject.doc[left : right + 1]
    start = tokens[0].idx
    end = tokens[-1].idx + len(tokens[-1].text)
    span = _trim_span(doc_text(subject.doc), Span.of(doc_text(subject.doc), start, end))
    speaker = _after_dateline(span, cue) if cue is not None else None
    if speaker is not None:
        return _source_span(speaker, cue)
    text = doc_text(subject.doc)
    dateline = _DATELINE.match(span.text) if span.start == 0 or text[span.start - 1] == "\n" else None
    if dateline is not None and dateline.end() < len(span.text):
        span = Span.of(text, span.start + dateline.end(), span.end)  # "CITY (Agency) — The mayor"
    return Source(span.start, span.end, span.text, "unattributed")


# A dateline opening a paragraph ("CITY (Agency) — "), the dash after one, and a dateline's capitalised start.
_DATELINE = re.compile(r"[A-Z]{3,}[^\n—–]{0,40}?\s(?:—|–|--|-)\s+")
_DATELINE_DASH = re.compile(r"\s*(?:—|–|--|-)\s+")
_DATELINE_START = re.compile(r"[A-Z]{3,}")


def _after_dateline(span: Span, cue: Token) -> Token | None:
    """The noun phrase after a dateline that the parse took for the subject: "CITY (Agency) — The mayor
    said …" gives the mayor, not the city."""
    doc = cue.doc
    text = doc_text(doc)
    dash = _DATELINE_DASH.match(text, span.end)
    if dash is None or not (span.start == 0 or text[span.start - 1] == "\n") or not _DATELINE_START.match(span.text):
        return None
    following = next((t for t in cue.sent if t.idx >= dash.end()), None)
    if following is None:
        return None
    while following.dep_ in ("compound", "det", "amod", "nummod", "poss") and following.head.i > following.i:
        following = following.head
    if following.pos_ not in _NOUN_LIKE or following.i >= cue.i or following.idx < span.end:
        return None
    return following


def _span_of(doc: Doc, tokens: list[Token]) -> Span | None:
    tokens = [t for t in tokens if not t.is_space]
    if not tokens:
        return None
    start = min(t.idx for t in tokens)
    end = max(t.idx + len(t.text) for t in tokens)
    span = _trim_span(doc_text(doc), Span.of(doc_text(doc), start, end))
    return span if span.start < span.end else None


def _trim_span(text: str, span: Span) -> Span:
    start, end = span.start, span.end
    while start < end and text[start] in _TRIM:
        start += 1
    while end > start and text[end - 1] in _TRIM:
        end -= 1
    return Span.of(text, start, end)


def _inside(source: Source, content: Span) -> bool:
    return content.start <= source.start and source.end <= content.end


def _is_quoted(text: str, span: Span) -> bool:
    before = text[max(0, span.start - 2) : span.start + 1]
    after = text[max(span.start, span.end - 2) : span.end + 2]
    return any(q in before for q in _QUOTES) and any(q in after for q in _QUOTES)


# -- source kinds and coreference ----------------------------------------------------------------------------


def _resolve_sources(doc: Doc, found: list[Attribution], lexicon: Lexicon) -> list[Attribution]:
    """Give each source its kind and name, following pronouns and descriptions back to earlier mentions."""
    mentions: list[tuple[int, str, str, bool]] = []  # (char offset, kind, name, plural)
    for entity in doc_entities(doc):
        if entity.label_ == "PERSON" and entity.root.pos_ == "PROPN":
            phrase = {t.lower_ for t in entity.root.subtree} | {
                t.lower_ for t in doc[max(0, entity.start - 3) : entity.start]
            }
            kind = "official" if phrase & lexicon.roles else "person"
            mentions.append((entity.start_char, kind, entity.text, False))
        elif entity.label_ == "ORG":
            kind = "outlet" if _is_outlet(entity.text.lower(), lexicon) else "organization"
            mentions.append((entity.start_char, kind, entity.text, False))
    resolved = []
    for attribution in found:
        source = attribution.source
        if source is None:
            resolved.append(attribution)
            continue
        kind, name, plural = classify_source(doc, source, lexicon)
        if kind == "pronoun" or kind == "description":
            earlier = [m for m in mentions + _source_mentions(resolved) if m[0] < source.start]
            wanted = _wanted_kinds(source.text.lower(), plural, lexicon)
            words = source.text.lower().split(",")[0].split()
            if kind == "description" and len(words) > 2:
                # "the port authority" is not "Crestline Research": a description with its own modifiers
                # refers back only to a mention that shares its head word.
                earlier = [m for m in earlier if words[-1] in m[2].lower()]
            match = next((m for m in reversed(earlier) if m[1] in wanted), None)
            if match is not None:
                kind, name = match[1], match[2]
            elif kind == "description":
                head = source.text.lower().split(",")[0].split()[-1]
                kind, name = ("organization" if head in lexicon.organization_words else "anonymous"), None
            else:
                kind, name = "unattributed", None
        resolved.append(replace(attribution, source=Source(source.start, source.end, source.text, kind, name)))
    return resolved


def _source_mentions(resolved: list[Attribution]) -> list[tuple[int, str, str, bool]]:
    # An anonymous source is named by its first description, up to any apposition or relative clause.
    return [
        (a.source.start, a.source.kind, a.source.name or a.source.text.split(",")[0], False)
        for a in resolved
        if a.source is not None and a.source.kind not in ("unattributed",)
    ]


def _wanted_kinds(text: str, plural: bool, lexicon: Lexicon) -> set[str]:
    head = text.split()[-1] if text.split() else text
    if head in _PERSON_PRONOUNS or head in ("who",):
        return {"person", "official", "anonymous"}
    if head in ("they", "them"):
        return {"unnamed_group", "organization", "government", "outlet"}
    if head in lexicon.anonymous_nouns or head in lexicon.roles:
        return {"anonymous", "official", "person"}
    if head in (
        "group",
        "organization",
        "organisation",
        "network",
        "observatory",
        "agency",
        "company",
        "firm",
        "party",
        "campaign",
        "committee",
        "association",
        "union",
        "coalition",
        "movement",
    ):
        return {"organization"}
    if head in lexicon.outlet_words:
        return {"outlet"}
    return {"organization", "government", "outlet", "person", "official"}


def classify_source(doc: Doc, source: Source, lexicon: Lexicon) -> tuple[str, str | None, bool]:
    """(kind, name, plural) for a source span; kind "pronoun" or "description" asks for resolution."""
    span = doc.char_span(source.start, source.end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return "unattributed", None, False
    lowered = source.text.lower()
    words = re.findall(r"[\w'’.-]+", lowered)
    root = span.root
    head = root.lower_
    head_lemma = lemma(root).lower()
    plural = root.tag_ in ("NNS", "NNPS") or head in _PLURAL_PRONOUNS
    entities = [e for e in doc_entities(doc) if e.start_char >= source.start and e.end_char <= source.end]
    # The small model sometimes tags a plural common noun ("Photographs") as a person: require a proper noun.
    persons = [e for e in entities if e.label_ == "PERSON" and e.root.pos_ == "PROPN"]
    orgs = [e for e in entities if e.label_ in ("ORG",)]
    places = [e for e in entities if e.label_ in ("GPE",)]
    anonymous_marker = any(marker in lowered for marker in lexicon.anonymity) or any(
        word in lexicon.anonymous_words for word in words
    )
    if len(span) == 1 and (root.pos_ == "PRON" or head in _RELATIVE):
        return "pronoun", None, plural
    if persons:
        roles = [w for w in words if w in lexicon.roles]
        return ("official" if roles else "person"), persons[0].text, False
    if lowered in lexicon.government_names or (places and len(span) <= 2 and not orgs and root.ent_type_ == "GPE"):
        return "government", source.text, False
    if head in lexicon.government_nouns and head not in ("army", "military", "police"):
        return "government", source.text, plural  # "Northland's defence ministry", "the authorities"
    if orgs and root.i >= orgs[0].start - 1:
        # The head is (or sits in) the named organisation: an outlet if its name says so.
        name = orgs[0].text
        return ("outlet" if _is_outlet(name.lower(), lexicon) else "organization"), name, False
    if head in lexicon.outlet_words or head_lemma in lexicon.outlet_words:
        return "outlet", source.text, plural  # "the Iranian press", "state media"
    if head in lexicon.document_nouns or head_lemma in lexicon.document_nouns:
        return "document", None, plural
    if orgs:
        name = orgs[0].text
        return ("outlet" if _is_outlet(name.lower(), lexicon) else "organization"), name, False
    if head in lexicon.government_nouns or head_lemma in lexicon.government_nouns:
        return "government", source.text, False
    if head in ("sources", "source") or (anonymous_marker and (head_lemma in lexicon.anonymous_nouns)):
        return "anonymous", None, plural
    partitive = _partitive_noun(root) if head in ("one", "two", "three", "some", "several", "many") else None
    if partitive is not None and (
        anonymous_marker or lemma(partitive).lower() in lexicon.anonymous_nouns or partitive.lower_ in lexicon.roles
    ):
        # "one of the officials, who spoke on condition of anonymity": an unnamed individual from a group;
        # "several of the witnesses": an unnamed group.
        return ("anonymous", None, False) if head == "one" else ("unnamed_group", None, True)
    if plural and (
        head in lexicon.group_nouns
        or head_lemma + "s" in lexicon.group_nouns
        or any(head.endswith(noun) for noun in lexicon.group_nouns if len(noun) >= 6)  # "dockworkers"
    ):
        return "unnamed_group", None, True
    if head in ("some", "many", "others", "several", "most", "few"):
        return "unnamed_group", None, True
    if plural and head_lemma in lexicon.organization_words and not any(t.pos_ == "PROPN" for t in span):
        return "unnamed_group", None, True  # "environmental groups", "aid agencies": unnamed organisations
    if head_lemma in lexicon.anonymous_nouns or head in lexicon.roles:
        determiners = {t.lower_ for t in span if t.dep_ in ("det", "nummod")}
        if determiners & {"the", "this", "that"}:
            return "description", None, plural
        return "anonymous", None, plural
    if head in lexicon.organization_words:
        if root.pos_ == "PROPN" or any(t.pos_ == "PROPN" for t in span if t.dep_ == "compound"):
            return "organization", source.text, plural  # a name the recogniser missed: "the Harbour Trust"
        return "description", None, plural
    return "unattributed", None, plural


def _partitive_noun(root: Token) -> Token | None:
    """The noun a partitive head picks from: "officials" in "one of the officials"."""
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            return next((t for t in child.children if t.dep_ == "pobj"), None)
    return None


def _is_outlet(lowered: str, lexicon: Lexicon) -> bool:
    words = set(re.findall(r"[\w+]+", lowered))
    return bool(words & lexicon.outlet_words) or any(" " in w and w in lowered for w in lexicon.outlet_words)


# -- the sourcing profile ------------------------------------------------------------------------------------


def profile(found: tuple[Attribution, ...], n_sentences: int) -> dict[str, Any]:
    """Counts of attributions and attributed sentences by source kind, the share of sentences resting on
    anonymous or unnamed sources, the share with no attribution, and the distinct named sources."""
    by_kind = Counter(a.source.kind if a.source else "unattributed" for a in found)
    sentences_by_kind: dict[str, set[int]] = {}
    for a in found:
        sentences_by_kind.setdefault(a.source.kind if a.source else "unattributed", set()).add(a.sentence)
    attributed = {a.sentence for a in found}
    anonymous = sentences_by_kind.get("anonymous", set()) | sentences_by_kind.get("unnamed_group", set())
    named = sorted(
        {
            a.source.name
            for a in found
            if a.source
            and a.source.name
            and a.source.kind in ("person", "official", "organization", "outlet", "government")
        }
    )
    total = max(n_sentences, 1)
    return {
        "attributions_by_kind": dict(sorted(by_kind.items())),
        "sentences_by_kind": {kind: len(ids) for kind, ids in sorted(sentences_by_kind.items())},
        "n_sentences": n_sentences,
        "share_anonymous_or_unnamed": round(len(anonymous) / total, 3),
        "share_unattributed": round((n_sentences - len(attributed)) / total, 3) if n_sentences else 0.0,
        "named_sources": named,
        "n_named_sources": len(named),
    }
