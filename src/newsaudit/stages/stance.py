"""The `stance` stage: how the body stands towards the headline, and where the headline is more certain than
the body.

A headline that states as fact what the body only attributes to anonymous officials, hedges, or reports as
denied is one of the strongest tells of misleading news. Two findings:

- **stance**: the FNC-1 classifier (`newsaudit.models.stance`) over the headline and the body, with probabilities,
  split among agree, disagree and discuss by the related-pair cross-encoder when one is shipped
  (`newsaudit.models.stance_encoder.TwoStepStance`; `model` names the weights);
- **certainty gaps**: when the headline itself is flat (no hedge, no attribution, not a question, not a
  quotation), the body sentences that carry its claim (the most similar by sentence embedding) are checked
  for what the earlier stages found there: hedges (not mere approximations), an anonymous or unnamed source,
  denials made in them or disputing them. Each gap names its reasons and points at the spans that show them.
"""

from __future__ import annotations

import re
from typing import Any

from newsaudit.models.embeddings import Embedder
from newsaudit.schema import CertaintyGap, Sentence, Span, Stance
from newsaudit.stages.claims import MIN_WORDS, attribution_of, denials_of, hedges_of, word_count
from newsaudit.stages.hedges import HedgeLexicon
from newsaudit.stages.registry import Context, stage

#: A body sentence carries the headline's claim when its embedding similarity (static MiniLM cosine) reaches
#: this. On 1,500 FNC-1 training pairs, the best body sentence of 90% of unrelated bodies scores below 0.50,
#: while the best sentence of a related body scores 0.63 at the median and 0.47 at the 10th percentile.
MIN_SIMILARITY = 0.5
#: At most this many body sentences are checked per headline (the closest ones).
MAX_STATEMENTS = 5
_ANONYMOUS_KINDS = frozenset({"anonymous", "unnamed_group"})
#: Words by which a headline attributes or qualifies its claim itself ("X says", "report:", "allegedly").
_QUALIFYING_WORDS = frozenset(
    "says say said claims claim claimed reports report reported according alleged allegedly reportedly "
    "purportedly apparently rumor rumour rumours rumors unconfirmed suspected possible possibly likely "
    "may might could would should sources source suggests suggest seems appears".split()
)
_WORD = re.compile(r"[\w'’-]+")


@stage("stance", requires=("sentences", "attributions", "hedges", "denials"), assigns=("stance",))
def stance(context: Context) -> dict[str, Any]:
    headline = (context.article.title or "").strip()
    if not headline or not context.english or not context.article.text.strip():
        return {"stance": None}
    from newsaudit.models.stance_encoder import TwoStepStance

    judge = TwoStepStance.default()
    predicted = judge.predict(headline, context.article.text)
    gaps = certainty_gaps(headline, context.findings, Embedder.default())
    return {
        "stance": Stance(
            headline=headline,
            label=predicted["label"],
            probabilities={label: round(float(p), 4) for label, p in predicted["probabilities"].items()},
            certainty_gaps=gaps,
            model="+".join(judge.names),
        )
    }


def is_qualified(headline: str) -> bool:
    """True when the headline hedges or attributes its own claim, asks it, or quotes it."""
    stripped = headline.strip()
    if stripped.endswith("?") or stripped[:1] in "\"'“‘" or ":" in stripped:
        return True
    lexicon = HedgeLexicon.default()
    for word in (w.lower().strip("'’") for w in _WORD.findall(stripped)):
        if word in _QUALIFYING_WORDS or lexicon.words.get(word, "approximation") != "approximation":
            return True
        if word in lexicon.modals:
            return True
    return False


def certainty_gaps(headline: str, findings: dict[str, Any], embedder: Embedder) -> tuple[CertaintyGap, ...]:
    """The body statements of the headline's claim that the body itself weakens, when the headline is flat."""
    sentences: tuple[Sentence, ...] = findings["sentences"]
    if not sentences or is_qualified(headline):
        return ()
    vectors = embedder.encode([headline, *(sentence.text for sentence in sentences)])
    similarities = vectors[1:] @ vectors[0]
    statements = [i for i, sentence in enumerate(sentences) if word_count(sentence.text) >= MIN_WORDS]
    closest = sorted(statements, key=lambda i: -similarities[i])[:MAX_STATEMENTS]
    gaps = []
    for index in sorted(i for i in closest if similarities[i] >= MIN_SIMILARITY):
        sentence = sentences[index]
        reasons, evidence = _weakening(findings, sentence, index)
        if reasons:
            gaps.append(
                CertaintyGap(
                    statement=Span(sentence.start, sentence.end, sentence.text),
                    similarity=round(float(similarities[index]), 4),
                    reasons=tuple(reasons),
                    evidence=tuple(evidence),
                )
            )
    return tuple(gaps)


def _weakening(findings: dict[str, Any], sentence: Sentence, index: int) -> tuple[list[str], list[Span]]:
    """What in the body weakens this statement: its hedges, an anonymous source, denials disputing it."""
    reasons: list[str] = []
    evidence: list[Span] = []
    for number in hedges_of(findings["hedges"], sentence.start, sentence.end):
        hedge = findings["hedges"][number]
        if hedge.kind != "approximation":
            reasons.append(f"hedged ({hedge.kind})")
            evidence.append(hedge.cue)
    attribution = attribution_of(findings["attributions"], sentence, index)
    if attribution is not None:
        source = findings["attributions"][attribution].source
        if source is not None and source.kind in _ANONYMOUS_KINDS:
            reasons.append("anonymous source" if source.kind == "anonymous" else "unnamed group as source")
            evidence.append(Span(source.start, source.end, source.text))
    for number in denials_of(findings["denials"], sentence.start, sentence.end):
        denial = findings["denials"][number]
        reasons.append(denial.kind if denial.sentence == index else f"{denial.kind} elsewhere in the body")
        evidence.append(denial.cue)
    return reasons, evidence
