"""The `claims` stage: every sentence gets a check-worthiness score; those at or above the model's threshold
are the article's claims, ranked, each with the facts in it (entities, quantities, times, places) and links
to what the earlier stages found about it: the attribution it rests on, the hedges that weaken it and the
denials that dispute it.

Status words a claim can carry (several at once): `attributed` (a named or described source), `anonymous`
(an anonymous source or an unnamed group), `unattributed` (no source at all, including an attribution that
names none: "it is alleged that …"), `hedged`, `denied` (a denial elsewhere in the article disputes it) and
`denial` (the claim is itself a denial). The status always agrees with `source_kind`, which is the linked
attribution's source kind, so that a report's counts of claims by kind and by status are the same counts.
"""

from __future__ import annotations

from bisect import bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from newsaudit.models.checkworthy import CheckWorthiness
from newsaudit.schema import Attribution, Claim, Denial, Hedge, Sentence, Span
from newsaudit.stages.claims.places import find_places
from newsaudit.stages.claims.quantities import find_quantities
from newsaudit.stages.claims.times import find_times
from newsaudit.stages.registry import Context, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: Sentences shorter than this many words are never listed as claims (headings, datelines, fragments).
MIN_WORDS = 5
_ANONYMOUS_KINDS = frozenset({"anonymous", "unnamed_group"})


@stage(
    "claims",
    requires=("sentences", "entities", "attributions", "hedges", "denials"),
    assigns=("checkworthiness", "claims"),
)
def claims(context: Context) -> dict[str, Any]:
    if not context.english:
        return {"checkworthiness": (), "claims": ()}
    return find_claims(context, CheckWorthiness.default())


def find_claims(context: Context, model: CheckWorthiness) -> dict[str, Any]:
    doc, findings = context.doc, context.findings
    sentences: tuple[Sentence, ...] = findings["sentences"]
    scores = []
    for sentence in sentences:
        tokens = doc.char_span(sentence.start, sentence.end, alignment_mode="expand")
        scores.append(round(model.score(tokens), 4) if tokens is not None else 0.0)
    chosen = sorted(
        (
            index
            for index, sentence in enumerate(sentences)
            if scores[index] >= model.threshold and word_count(sentence.text) >= MIN_WORDS
        ),
        key=lambda index: (-scores[index], index),
    )
    links = SentenceLinks(sentences, findings)
    found = tuple(
        _claim(doc, context.article.published, sentences[index], index, scores[index], rank, findings, links)
        for rank, index in enumerate(chosen, start=1)
    )
    return {"checkworthiness": tuple(scores), "claims": found}


class SentenceLinks:
    """Which attributions, hedges, denials and entities touch each sentence, worked out once per document.

    Linking each claim by scanning every finding of the article made the stage quadratic in the text (a 3 MB
    document: a minute in this stage alone); this buckets each finding under the sentences it touches, and
    the links it gives are exactly `attribution_of`, `hedges_of` and `denials_of` over the whole document."""

    def __init__(self, sentences: Sequence[Sentence], findings: dict[str, Any]) -> None:
        self._sentences = sentences
        self._starts = [sentence.start for sentence in sentences]
        self._attributions: tuple[Attribution, ...] = findings["attributions"]
        self._by_sentence: dict[str, defaultdict[int, set[int]]] = {
            name: defaultdict(set) for name in ("attributions", "hedges", "denials", "entities")
        }
        for number, attribution in enumerate(self._attributions):
            if attribution.source is not None:
                self._by_sentence["attributions"][attribution.sentence].add(number)
            if attribution.content is not None:
                self._add("attributions", number, attribution.content.start, attribution.content.end)
        for number, hedge in enumerate(findings["hedges"]):
            self._add_point("hedges", number, hedge.cue.start)
        for number, denial in enumerate(findings["denials"]):
            self._add_point("denials", number, denial.cue.start)
            for span in denial.disputes:
                self._add("denials", number, span.start, span.end)
        for number, entity in enumerate(findings["entities"]):
            self._by_sentence["entities"][entity.sentence].add(number)
        self.denial_sentences = frozenset(denial.sentence for denial in findings["denials"])

    def _overlapping(self, start: int, end: int) -> Iterable[int]:
        """The sentences that share at least one character with `[start, end)` (sentences never overlap)."""
        index = max(bisect_right(self._starts, start) - 1, 0)
        while index < len(self._sentences) and self._sentences[index].start < end:
            if start < self._sentences[index].end:
                yield index
            index += 1

    def _add(self, name: str, number: int, start: int, end: int) -> None:
        for index in self._overlapping(start, end):
            self._by_sentence[name][index].add(number)

    def _add_point(self, name: str, number: int, position: int) -> None:
        index = bisect_right(self._starts, position) - 1
        if index >= 0 and position < self._sentences[index].end:
            self._by_sentence[name][index].add(number)

    def numbers(self, name: str, index: int) -> tuple[int, ...]:
        """The numbers of the findings called `name` that touch sentence `index`, in order."""
        return tuple(sorted(self._by_sentence[name].get(index, ())))

    def attribution(self, index: int) -> int | None:
        return attribution_of(self._attributions, self._sentences[index], index, self.numbers("attributions", index))


def _claim(
    doc: Doc,
    published: str | None,
    sentence: Sentence,
    index: int,
    score: float,
    rank: int,
    findings: dict[str, Any],
    links: SentenceLinks,
) -> Claim:
    start, end = sentence.start, sentence.end
    attribution = links.attribution(index)
    hedges = links.numbers("hedges", index)
    denials = links.numbers("denials", index)
    is_denial = index in links.denial_sentences
    disputed = [i for i in denials if findings["denials"][i].sentence != index]
    source = findings["attributions"][attribution].source if attribution is not None else None
    # An attribution without a source ("was reported", "it is alleged") names nobody: unattributed, as in the
    # sourcing profile, not anonymous (which would claim an unnamed source stands behind it).
    kind = source.kind if source is not None else "unattributed"
    status = ["unattributed" if kind == "unattributed" else "anonymous" if kind in _ANONYMOUS_KINDS else "attributed"]
    status += ["hedged"] * bool(hedges) + ["denied"] * bool(disputed) + ["denial"] * is_denial
    return Claim(
        span=Span(start, end, sentence.text),
        sentence=index,
        score=score,
        rank=rank,
        entities=tuple(findings["entities"][number] for number in links.numbers("entities", index)),
        quantities=tuple(find_quantities(doc, start, end)),
        times=tuple(find_times(doc, published, start, end)),
        places=tuple(find_places(doc, start, end)),
        attribution=attribution,
        source_kind=kind,
        hedges=hedges,
        denials=denials,
        status=tuple(status),
    )


def attribution_of(
    found: tuple[Attribution, ...], sentence: Sentence, index: int, numbers: Iterable[int] | None = None
) -> int | None:
    """The attribution this sentence rests on. In order of preference: one whose content covers most of the
    sentence (of two alike, the narrower: "…, he said" inside a paragraph an outlet introduces rests on
    "he"); one made in the sentence by a named or described source ("the ministry denied the reports, …");
    an outlet's introduction that scopes over it; any whose content touches it. `numbers` limits the search
    to those attributions (the ones that touch the sentence, from `SentenceLinks`); the default is all."""
    best, best_key = None, None
    for number in range(len(found)) if numbers is None else numbers:
        attribution = found[number]
        content = attribution.content
        overlap = 0 if content is None else min(content.end, sentence.end) - max(content.start, sentence.start)
        made_here = attribution.sentence == index and attribution.source is not None
        if overlap <= 0 and not made_here:
            continue
        covers = content is not None and 2 * overlap >= sentence.end - sentence.start
        width = -(content.end - content.start) if content is not None else 0
        key = (covers and attribution.type != "introduced", made_here, covers, width if covers else overlap, -number)
        if best_key is None or key > best_key:
            best, best_key = number, key
    return best


def hedges_of(found: tuple[Hedge, ...], start: int, end: int) -> tuple[int, ...]:
    return tuple(number for number, hedge in enumerate(found) if start <= hedge.cue.start < end)


def denials_of(found: tuple[Denial, ...], start: int, end: int) -> tuple[int, ...]:
    """Denials that dispute this span, and denials made in it."""
    return tuple(
        number
        for number, denial in enumerate(found)
        if start <= denial.cue.start < end or any(span.start < end and start < span.end for span in denial.disputes)
    )


def word_count(text: str) -> int:
    return sum(1 for word in text.split() if any(character.isalnum() for character in word))
