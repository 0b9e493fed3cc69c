"""The credibility assessment: the signals weighed by one transparent model into a 0–100 score, a calibrated
probability of "low credibility", a band, and the signals that moved it most.

The model (`models/credibility.json`, rebuilt by `scripts/train_credibility.py`) is a logistic regression on
the log-odds of "low credibility" over a few numbers read from the signals (`FEATURES`). Two kinds of weight:

- **learned** weights, fitted on labelled articles with domain-disjoint folds, each constrained to the sign
  the signal is documented to have (anonymous sourcing may only lower trust; the data decide by how much,
  down to nothing);
- **documented** weights for signals the labelled corpora cannot show (their texts carry no badges, no
  related-link inserts, no corpus to copy from, and their labels come from the very site lists a
  reputation signal would read): fixed log-odds written in the model file with the reason.

A Platt scaling fitted on out-of-fold predictions turns the log-odds into the probability. Each signal's
`weight` is what it moved the score: the score minus the score with that signal at its reference value (the
training median, or zero for the documented ones), in points; its `direction` follows the weight's sign.

An article the model cannot read (not the pipeline's language, too short) gets `decline`: label
"not_assessed" with the reason, the even prior as its numbers and no weights, instead of a confident-looking
score made of the signals that happen to be language-free. The model file also holds how well the model
separated articles of sites it was not fitted on (`HeldOut`, measured at training time), which the reports
print beside the score.

It judges sourcing, provenance and presentation, not whether the events reported happened.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from functools import cache
from typing import Any

from newsaudit.resources import package_text
from newsaudit.schema import CREDIBILITY_BANDS, Credibility, Signal

#: How each model input is read from a signal's value ("signal name" → transform); documented in the model.
TRANSFORMS: dict[str, Callable[[float], float]] = {
    "identity": lambda v: v,
    "log1p": lambda v: math.log1p(max(v, 0.0)),
    "cap1": lambda v: min(max(v, 0.0), 1.0),
    "cap2": lambda v: min(max(v, 0.0), 2.0),
    "cap3": lambda v: min(max(v, 0.0), 3.0),
    "per100": lambda v: min(max(v, 0.0), 50.0) / 10.0,
    "ease": lambda v: (min(max(v, -50.0), 120.0) - 50.0) / 20.0,
}
#: A signal's weight below this many points is reported as "neutral".
NEUTRAL_POINTS = 0.5
#: How many signals `Credibility.top_signals` lists.
TOP_SIGNALS = 6
#: The label of an article the model does not assess.
NOT_ASSESSED = "not_assessed"
#: Below this held-out AUC (pooled over the labelled corpora' domain-disjoint folds) the separation is weak:
#: the reports then say so beside the score. 0.7 is the usual floor of "acceptable" discrimination.
WEAK_AUC = 0.7


@dataclass(frozen=True, slots=True)
class Feature:
    """One model input: the signal it reads, how, its coefficient, and its reference (neutral) value."""

    signal: str
    transform: str
    coefficient: float
    reference: float
    learned: bool
    reason: str = ""

    def read(self, value: float) -> float:
        return TRANSFORMS[self.transform](value)


@dataclass(frozen=True, slots=True)
class HeldOut:
    """How well the model ranked articles of sites held out of its fit (AUC over domain-disjoint folds of
    the labelled corpora, pooled and per corpus), written into the model file at training time."""

    auc: float
    auc_fold_mean: float | None = None
    auc_fold_std: float | None = None
    by_corpus: tuple[tuple[str, float], ...] = ()

    @property
    def weak(self) -> bool:
        return self.auc < WEAK_AUC

    def line(self) -> str:
        """One sentence for the reports: the measured separation, and plainly when it is weak."""
        corpora = ", ".join(f"{name} {auc:.2f}" for name, auc in self.by_corpus)
        text = (
            f"On sites held out of its fit, the model scored a low-credibility article below a credible one "
            f"{self.auc:.0%} of the time (AUC {self.auc:.2f}, where 0.50 is chance"
            + (f"; {corpora}" if corpora else "")
            + ")"
        )
        if self.weak:
            return text + ": weak separation, so read the signals and their evidence rather than the number."
        return text + "."


@dataclass(frozen=True, slots=True)
class CredibilityModel:
    """Feature weights, intercept, Platt calibration and the reputation log-odds, read from JSON."""

    version: str
    features: tuple[Feature, ...]
    intercept: float
    calibration: tuple[float, float]
    reputation: dict[str, float]
    held_out: HeldOut | None = None

    @classmethod
    @cache
    def default(cls) -> CredibilityModel:
        return cls.from_dict(json.loads(package_text("models/credibility.json")))

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CredibilityModel:
        features = tuple(
            Feature(f["signal"], f["transform"], f["coefficient"], f["reference"], f["learned"], f.get("reason", ""))
            for f in data["features"]
        )
        for feature in features:
            if feature.transform not in TRANSFORMS:
                raise ValueError(f"unknown transform {feature.transform!r} for {feature.signal}")
        calibration = data.get("calibration", {"slope": 1.0, "offset": 0.0})
        held = data.get("held_out")
        held_out = (
            HeldOut(
                float(held["auc"]),
                held.get("auc_fold_mean"),
                held.get("auc_fold_std"),
                tuple((name, float(auc)) for name, auc in held.get("by_corpus", {}).items()),
            )
            if held
            else None
        )
        return cls(
            data["version"],
            features,
            float(data["intercept"]),
            (float(calibration["slope"]), float(calibration["offset"])),
            {key: float(value) for key, value in data.get("reputation", {}).items()},
            held_out,
        )

    def log_odds(self, values: dict[str, float], reputation: str | None = None) -> float:
        """Uncalibrated log-odds of low credibility; signals absent from `values` sit at their reference."""
        total = self.intercept + self.reputation.get(reputation or "", 0.0)
        for feature in self.features:
            value = values.get(feature.signal)
            x = feature.read(value) if value is not None else feature.reference
            total += feature.coefficient * (x - feature.reference)
        return total

    def probability(self, log_odds: float) -> float:
        slope, offset = self.calibration
        return _sigmoid(slope * log_odds + offset)

    def assess(
        self, signals: Sequence[Signal], reputation: str | None = None
    ) -> tuple[tuple[Signal, ...], Credibility]:
        """Weigh the signals: each one gets its weight in points and its direction; plus the assessment."""
        values = {signal.name: signal.value for signal in signals}
        full = self.log_odds(values, reputation)
        probability = self.probability(full)
        score = 100.0 * (1.0 - probability)
        weighted = []
        for signal in signals:
            without = dict(values)
            without.pop(signal.name)
            reputation_without = None if signal.name == "source_reputation" else reputation
            points = score - 100.0 * (1.0 - self.probability(self.log_odds(without, reputation_without)))
            direction = "neutral" if abs(points) < NEUTRAL_POINTS else "raises" if points > 0 else "lowers"
            weighted.append(replace(signal, weight=round(points, 2), direction=direction))
        ranked = sorted((s for s in weighted if s.direction != "neutral"), key=lambda s: -abs(s.weight))
        credibility = Credibility(
            score=round(score, 1),
            probability_low=round(probability, 4),
            label=band(score),
            top_signals=tuple(s.name for s in ranked[:TOP_SIGNALS]),
            reputation=reputation,
            model=self.version,
        )
        return tuple(weighted), credibility

    def decline(
        self, signals: Sequence[Signal], reason: str, reputation: str | None = None
    ) -> tuple[tuple[Signal, ...], Credibility]:
        """The assessment of an article the model cannot read: `not_assessed` with the reason; the numbers
        are the even prior (score 50, probability 0.5: no information) and no signal moved them."""
        weighted = tuple(replace(signal, weight=0.0, direction="neutral") for signal in signals)
        credibility = Credibility(
            score=50.0,
            probability_low=0.5,
            label=NOT_ASSESSED,
            top_signals=(),
            reputation=reputation,
            model=self.version,
            assessed=False,
            reason=reason,
        )
        return weighted, credibility


def held_out_for(version: str) -> HeldOut | None:
    """The shipped model's held-out separation, when `version` (an assessment's `model`) is the shipped one."""
    model = CredibilityModel.default()
    return model.held_out if model.version == version else None


def band(score: float) -> str:
    """The label of a 0–100 score (`CREDIBILITY_BANDS`)."""
    label = CREDIBILITY_BANDS[0][1]
    for lower, name in CREDIBILITY_BANDS:
        if score >= lower:
            label = name
    return label


def _sigmoid(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    z = math.exp(x)
    return z / (1.0 + z)
