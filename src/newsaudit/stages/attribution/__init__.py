"""Who says so: attribution relations (source, cue, content) from the dependency parse, source kinds, and
pronouns and descriptions resolved to earlier mentions.

The rules, in the order they are tried for each sentence:

1. *Cue words*: a verb, noun or predicative adjective in a frame (`cue_frame`) that a learned model, trained
   on PolNeAR (`models/cue_model.json`, over a rate table `models/cue_frames.tsv`, the hand lexicon
   `lexicons/attribution.toml` and the word's static embedding), calls a cue. Coordinated verbs share their
   subject ("said … and warned"); a participle ("…, saying …") or gerund ("after saying") takes the subject of
   the verb it hangs from; a passive takes its agent, a raising verb ("seems") none. A cue is a reporting or
   attitude act by someone who can speak (`cues.speech_act`, over the `[agency]` lists of the hand lexicon):
   an event or a thing is no source ("the evacuation would show"), nor a document that only moved ("photos
   circulated"), and an armed body backing a party or a name being used is no cue.
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

The package: `lexicon` (the hand lexicon, frame counts and cue model weights), `frames` (a cue's frame,
subject and content), `cues` (rule 1), `phrases` (rules 2 and 3), `spans`, `passes` (quotations extended,
fragments dropped), `decision` (the cue decision), `sources` (kinds and coreference) and `sourcing` (the
sourcing profile). The learned models are in `newsaudit.models.acceptance` and `newsaudit.models.roles`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from newsaudit.models.acceptance import (
    ACCEPTANCE_FEATURES,
    Acceptance,
    acceptance_features,
    cue_dense_words,
    cue_features,
    word_vector,
)
from newsaudit.models.roles import RoleTagger
from newsaudit.nlp import doc_text, quotation_spans
from newsaudit.schema import Attribution
from newsaudit.stages.attribution.cues import cue_nominal, cue_verb
from newsaudit.stages.attribution.decision import Decision
from newsaudit.stages.attribution.frames import cue_frame, verb_frame
from newsaudit.stages.attribution.lexicon import Lexicon, read_frames
from newsaudit.stages.attribution.passes import drop_fragments, extend_to_quotations
from newsaudit.stages.attribution.phrases import according_to, introduced, speaker_colon
from newsaudit.stages.attribution.sources import classify_source, resolve_sources
from newsaudit.stages.attribution.sourcing import profile
from newsaudit.stages.attribution.spans import overlap, trim_source
from newsaudit.stages.registry import Context, stage

if TYPE_CHECKING:
    from spacy.tokens import Doc

#: The public names of attribution, as they were importable from this module before it became a package.
__all__ = [
    "ACCEPTANCE_FEATURES",
    "Acceptance",
    "Decision",
    "Lexicon",
    "acceptance_features",
    "attributions",
    "classify_source",
    "cue_dense_words",
    "cue_features",
    "cue_frame",
    "find_attributions",
    "profile",
    "read_frames",
    "verb_frame",
    "word_vector",
]


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
            relation = according_to(token, index, lexicon) or cue_verb(
                token, index, lexicon, token.idx in quoted, quoted, decision
            )
            if relation is not None:
                taken.update(range(token.i, token.i + 2))
                found.append(relation)
        for token in sentence:
            if token.i not in taken and token.pos_ in ("NOUN", "ADJ"):
                relation = cue_nominal(token, index, lexicon, taken, token.idx in quoted, decision)
                if relation is not None:
                    taken.add(token.i)
                    found.append(relation)
    introductions = introduced(doc, sentences, lexicon)
    found = [a for a in found if not any(overlap(a.cue, b.cue) for b in introductions)] + introductions
    found.extend(speaker_colon(sentences, {i for a in found for i in range(a.cue.start, a.cue.end)}))
    found.extend(decision.restore_nested(found))
    found = extend_to_quotations(doc_text(doc), found)
    found = drop_fragments(found, doc_text(doc), lexicon)
    if decision.roles is not None and decision.acceptance is not None:
        found = [trim_source(doc, a, decision.roles, decision.acceptance.trim) for a in found]
    found.sort(key=lambda item: (item.cue.start, item.cue.end))
    return tuple(resolve_sources(doc, found, lexicon))
