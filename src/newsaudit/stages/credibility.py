"""The `credibility` stage: the credibility model weighs every signal and gives the assessment.

It writes `credibility` and `signal_weights` (one `(points, direction)` per signal, in signal order), never
the signals themselves: the audit joins the two (`newsaudit.schema.assemble`). The site's level from the
`reputation` stage, when there is one, enters the model beside the signals.

An article the model cannot read is `not_assessed`, with the reason, rather than scored: one not in the
pipeline's language (the stages that read the language did not run, so only language-free signals such as
shouting would speak: a French article once scored 54 on "0 words in capitals"), and one shorter than
`MIN_WORDS` (see there).
"""

from __future__ import annotations

from typing import Any

from newsaudit.models.credibility import CredibilityModel
from newsaudit.stages.registry import Context, stage
from newsaudit.stages.signals import word_count

#: Bodies with fewer words are not assessed. In the FakeNewsCorpus sample, 18 of the 20 bodies under 50 words
#: have no check-worthy claim and most are scraper stubs (a headline repeated, an error page, a teaser cut at
#: "Read more"), so the sourcing signals have nothing to count and the shrunk rates sit at the corpus rate: a
#: score would restate the intercept. From 50 words on, the rates are shrunk toward the corpus rate instead.
MIN_WORDS = 50


@stage("credibility", requires=("signals",), assigns=("credibility", "signal_weights"))
def credibility(context: Context) -> dict[str, Any]:
    reputation = context.findings.get("reputation")
    level = reputation[0] if reputation is not None else None
    model = CredibilityModel.default()
    signals = context.findings["signals"]
    reason = not_assessed_reason(context)
    if reason is None:
        weighted, assessment = model.assess(signals, level)
    else:
        weighted, assessment = model.decline(signals, reason, level)
    return {"credibility": assessment, "signal_weights": tuple((s.weight, s.direction) for s in weighted)}


def not_assessed_reason(context: Context) -> str | None:
    """Why the article cannot be assessed, or None when it can."""
    language = context.article.language
    if not context.english:
        looks = f" (it looks {language!r})" if language else ""
        return (
            f"not in the pipeline's language{looks}: the stages that read the language (sources, hedges, claims, "
            "loaded language, readability) did not run"
        )
    declared = (language or "").split("-")[0].lower()
    if declared and declared != context.doc.lang_:
        return f"declared {language!r}, not the pipeline's language {context.doc.lang_!r}: its signals would be misread"
    words = word_count(context.doc)
    if words < MIN_WORDS:
        return f"too short: {words} words, fewer than the {MIN_WORDS} an assessment needs"
    return None
