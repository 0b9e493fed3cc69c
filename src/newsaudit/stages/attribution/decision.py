"""The cue decision for the candidates of one Doc (`Decision`): the lexical cue model's threshold alone, or,
with the role tagger's probabilities, the acceptance model once the rules have built each candidate; and the
rule that restores a nested attribution the acceptance model turned down only because PolNeAR annotates one
level of attribution. It sits with the stage rather than in `newsaudit.models` because it joins the models
(`newsaudit.models.acceptance`, `newsaudit.models.roles`) to the lexicon's thresholds and the rules' spans.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsaudit.models.acceptance import Acceptance, acceptance_features
from newsaudit.models.roles import CONTENT, CUE
from newsaudit.schema import Attribution
from newsaudit.stages.attribution.lexicon import Lexicon
from newsaudit.stages.attribution.spans import overlap

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

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
                if outer.content is None or overlap(candidate.cue, outer.cue):
                    continue
                if overlap(candidate.cue, outer.content) or overlap(candidate.content, outer.content):
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
