"""The story clustering algorithm (`newsaudit.stores.corpus.stories`) on fictional texts, in memory."""

from __future__ import annotations

import math

from newsaudit.stores.corpus.stories import (
    Params,
    Story,
    Vector,
    assign,
    batch_groups,
    story_terms,
    term_key,
    time_discount,
    vectorise,
    vectors_for,
)
from newsaudit.stores.corpus.story_memory import MemoryStories, cluster
from tests.story_fixtures import DENIAL, INDEPENDENT, ORIGINAL, OTHER_STORIES

DAM = [(None, ORIGINAL), (None, INDEPENDENT), (None, DENIAL)]
OTHERS = [(title, text) for title, text in OTHER_STORIES]


def test_terms_drop_stop_words_strip_suffixes_and_weigh_names():
    counts = story_terms("Dams", "The dam was denied. Korvale denies the dams and the Korvale dam.", 1.5)
    assert term_key("the") not in counts and term_key("was") not in counts
    assert counts[term_key("deni")] == counts[term_key("deny")] == 1  # a crude stripper: "denied", "denies"
    assert counts[term_key("dam")] == 4  # Dams, dam, dams, dam
    # "Korvale" inside a sentence counts 1.5, at a sentence start 1.
    assert counts[term_key("korvale")] == 2.5


def test_vectors_have_unit_length_and_keep_the_heaviest_terms():
    counts = story_terms(None, ORIGINAL)
    vector = vectorise(counts, {}, 1, limit=10)
    assert len(vector) == 10
    assert math.isclose(sum(w * w for w in vector.values()), 1.0)
    # A term every document holds weighs less than a rare one with the same count.
    rare, common = list(counts)[:2]
    weights = vectorise({rare: 1, common: 1}, {common: 99}, 100, limit=2)
    assert weights[rare] > weights[common]


def test_one_story_per_topic_and_unrelated_texts_apart():
    labels = cluster(DAM + OTHERS)
    assert labels[0] == labels[1] == labels[2]
    assert len({labels[0], labels[3], labels[4]}) == 3


def test_the_order_of_a_batch_does_not_decide_its_stories():
    documents = DAM + OTHERS
    forward = cluster(documents)
    backward = cluster(documents[::-1])[::-1]
    same = lambda labels: {(i, j) for i in range(5) for j in range(5) if labels[i] == labels[j]}  # noqa: E731
    assert same(forward) == same(backward)


def test_articles_arriving_one_by_one_join_the_story_and_a_merge_keeps_the_older_id():
    state = MemoryStories()
    params = Params()
    vectors = vectors_for(state, DAM + OTHERS, params)
    ids = [assign(state, number, vector, None, params)[0] for number, vector in enumerate(vectors)]
    assert ids[0] == ids[1] == ids[2] and len(set(ids)) == 3
    # Two stories of one topic (placed apart by a high join threshold), then merged by a text close to both.
    state = MemoryStories()
    strict = Params(join=0.99, merge=0.99)
    a, b = vectors_for(state, [(None, ORIGINAL), (None, INDEPENDENT)], strict)
    first, _ = assign(state, 1, a, None, strict)
    second, _ = assign(state, 2, b, None, strict)
    assert first != second
    loose = Params(join=0.05, merge=0.05)
    [c] = vectors_for(state, [(None, ORIGINAL + "\n\n" + INDEPENDENT)], loose)
    joined, merged = assign(state, 3, c, None, loose)
    assert joined == first and merged == [second]
    assert state.alias[second] == first
    assert {state.story_of[n] for n in (1, 2, 3)} == {first}


def test_batch_groups_cover_every_article_once():
    state = MemoryStories()
    vectors = vectors_for(state, DAM + OTHERS, Params())
    groups = batch_groups(vectors, Params())
    assert sorted(i for group in groups for i in group) == list(range(5))
    assert [0, 1, 2] in groups
    assert batch_groups([], Params()) == [] and batch_groups(vectors[:1], Params()) == [[0]]


def test_a_story_silent_for_months_is_discounted():
    story = Story(1, 3, first_day=1000, last_day=1010)
    params = Params()
    assert time_discount(None, story, params) == 1.0
    assert time_discount(1005, story, params) == 1.0
    assert time_discount(1012, story, params) == 1.0  # within the grace days
    assert math.isclose(time_discount(1010 + 3 + 30, story, params), 0.5)
    assert time_discount(800, story, params) < 0.02


def test_embeddings_are_mixed_in_only_when_weighed():
    state = MemoryStories()
    vector = Vector({term_key("dam"): 1.0})
    assert assign(state, 1, vector, None, Params())[0] == 1
