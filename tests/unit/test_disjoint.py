"""`DisjointSets` against connectivity worked out the slow way."""

from __future__ import annotations

import random

from newsaudit.disjoint import DisjointSets


def test_sets_join_exactly_what_was_joined() -> None:
    rng = random.Random(7)
    for _ in range(200):
        sets = DisjointSets(range(20))
        label = list(range(20))
        for _ in range(15):
            a, b = rng.randrange(20), rng.randrange(20)
            assert sets.union(a, b) == (label[a] != label[b])
            old, new = label[a], label[b]
            label = [new if value == old else value for value in label]
        for a in range(20):
            for b in range(20):
                assert (sets.find(a) == sets.find(b)) == (label[a] == label[b])
        assert sorted(len(group) for group in sets.groups().values()) == sorted(
            label.count(value) for value in set(label)
        )


def test_a_node_never_joined_is_alone_and_not_stored() -> None:
    sets: DisjointSets[str] = DisjointSets()
    assert sets.find("x") == "x" and sets.groups() == {}
    sets.union("x", "y")
    assert sets.union("y", "x") is False
    assert {frozenset(group) for group in sets.groups().values()} == {frozenset({"x", "y"})}
    assert sets.find("z") == "z" and "z" not in sets.parent
