"""The `credibility` stage: the credibility model weighs every signal and gives the assessment.

It writes `credibility` and `signal_weights` (one `(points, direction)` per signal, in signal order), never
the signals themselves: the audit joins the two (`newsaudit.schema.assemble`). The site's level from the
`reputation` stage, when there is one, enters the model beside the signals.
"""

from __future__ import annotations

from typing import Any

from newsaudit.models.credibility import CredibilityModel
from newsaudit.stages.registry import Context, stage


@stage("credibility", requires=("signals",), assigns=("credibility", "signal_weights"))
def credibility(context: Context) -> dict[str, Any]:
    reputation = context.findings.get("reputation")
    weighted, assessment = CredibilityModel.default().assess(
        context.findings["signals"], reputation[0] if reputation is not None else None
    )
    return {"credibility": assessment, "signal_weights": tuple((s.weight, s.direction) for s in weighted)}
