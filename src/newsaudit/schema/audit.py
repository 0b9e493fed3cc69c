"""The `Audit`: everything found about one article, and its JSON contract.

`Audit.to_dict()` gives the JSON contract published in `newsaudit/schema/audit.schema.json`; bump
`SCHEMA_VERSION` whenever that shape changes. `assemble` is the one place where the stages' findings become
an `Audit`.
"""

from __future__ import annotations

import dataclasses
import json
import re
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from newsaudit.schema.article import Article
from newsaudit.schema.findings import (
    Attribution,
    Claim,
    Credibility,
    Denial,
    Entity,
    Hedge,
    Reuse,
    Sentence,
    Signal,
    Stance,
    StoryFinding,
)

SCHEMA_VERSION = "1.9.0"

_SURROGATE = re.compile("[\ud800-\udfff]")

Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class AuditError:
    """Something that went wrong for one article; `stage` says where (`read`, `extract`, `nlp`, a stage)."""

    stage: str
    code: str
    message: str
    severity: Severity = "error"


@dataclass(frozen=True, slots=True)
class Audit:
    """Everything newsaudit found about one article.

    `signals` and `credibility` say how far to trust it; everything else is what it says and how.
    """

    article: Article
    sentences: tuple[Sentence, ...] = ()
    entities: tuple[Entity, ...] = ()
    #: One check-worthiness score in [0, 1] per sentence, in sentence order.
    checkworthiness: tuple[float, ...] = ()
    claims: tuple[Claim, ...] = ()
    attributions: tuple[Attribution, ...] = ()
    hedges: tuple[Hedge, ...] = ()
    denials: tuple[Denial, ...] = ()
    #: Who the article rests on: counts and shares by source kind (see `newsaudit.stages.attribution.profile`).
    sourcing: dict[str, Any] | None = None
    stance: Stance | None = None
    reuse: tuple[Reuse, ...] = ()
    #: The story across outlets (with a corpus): its origins, first report, this article's role, its claims.
    story: StoryFinding | None = None
    signals: tuple[Signal, ...] = ()
    credibility: Credibility | None = None
    errors: tuple[AuditError, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    schema_version: str = SCHEMA_VERSION

    @property
    def failed(self) -> bool:
        """True when any error (not a mere warning) was recorded for this article."""
        return any(error.severity == "error" for error in self.errors)

    def to_dict(self) -> dict[str, Any]:
        """The JSON contract: plain dicts, lists and scalars, `schema_version` first."""
        data = plain(self)
        return {"schema_version": data.pop("schema_version"), **data}


def plain(value: Any) -> Any:
    """A finding (or any value of the data model) as plain dicts, lists and scalars: the JSON contract's shape."""
    # dataclasses.asdict would deep-copy every dict; this walk is cheaper and turns tuples into lists.
    if isinstance(value, str):
        # The readers let no lone surrogate in, but an Article built by a caller can hold one.
        return replace_surrogates(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    return value


def replace_surrogates(text: str) -> str:
    """`text` with each lone surrogate (a JSON escape such as "\\ud800", a lax codec) replaced by U+FFFD, one for
    one so every offset holds: a surrogate cannot be encoded as UTF-8, so no file, page, store or spaCy takes it."""
    return text if text.isascii() or not _SURROGATE.search(text) else _SURROGATE.sub("\ufffd", text)


@cache
def json_schema() -> dict[str, Any]:
    """The published JSON Schema of `Audit.to_dict()` (`newsaudit/schema/audit.schema.json`)."""
    from newsaudit.resources import package_text

    return json.loads(package_text("schema/audit.schema.json"))


#: The findings that are `Audit` fields (stages may assign others that only later stages read).
AUDIT_FIELDS = frozenset(f.name for f in dataclasses.fields(Audit)) - {"article", "errors", "timings", "schema_version"}


def assemble(
    article: Article, findings: dict[str, Any], errors: tuple[AuditError, ...] = (), timings: dict | None = None
) -> Audit:
    """The `Audit` of one article from its stages' findings.

    Each finding was written by one stage; two are joined here, once, by index: the `factchecks` stage's
    matches (one tuple per claim) go into their claims, and the `credibility` stage's `signal_weights` (one
    `(points, direction)` per signal) into the signals the `signals` stage measured.
    """
    known = {key: value for key, value in findings.items() if key in AUDIT_FIELDS}
    matches = findings.get("factchecks")
    if matches and "claims" in known:
        known["claims"] = tuple(
            dataclasses.replace(claim, factchecks=found) for claim, found in zip(known["claims"], matches, strict=True)
        )
    weights = findings.get("signal_weights")
    if weights and "signals" in known:
        known["signals"] = tuple(
            dataclasses.replace(signal, weight=weight, direction=direction)
            for signal, (weight, direction) in zip(known["signals"], weights, strict=True)
        )
    return Audit(article=article, errors=tuple(errors), timings=timings if timings is not None else {}, **known)
