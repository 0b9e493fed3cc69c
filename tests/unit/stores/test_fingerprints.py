"""Text-reuse fingerprints and alignment. Every text here is fiction, made up or generated from the templates
below."""

from __future__ import annotations

import random

import pytest

from newsaudit.stores.corpus import alignment as aligning
from newsaudit.stores.corpus import fingerprints as reuse

_SYLLABLES = "bra ven mor tal is ka lun dre os fe rim ga tho sel ne quar wil pen do ruk ash em ty lo".split()
_ROLES = ["Mayor", "Councillor", "Inspector", "Professor", "Dr.", "Judge", "Captain", "Chairwoman", "Warden"]
_VERBS = ["said", "told reporters", "warned", "insisted", "confirmed", "argued", "wrote", "announced", "claimed"]
_ADJECTIVES = ["new", "eastern", "old", "northern", "disputed", "unfinished", "costly", "flooded", "second"]
_THINGS = [
    "reservoir",
    "bypass",
    "grain silo",
    "tram line",
    "barrier",
    "night market",
    "cannery",
    "library",
    "wind farm",
    "ferry terminal",
    "bus depot",
    "cold store",
    "orchard",
    "dredging plan",
    "clinic annex",
]
_MODALS = ["would", "could", "might", "will", "had to", "should"]
_ACTIONS = ["cost", "lose", "employ", "need", "receive", "attract", "shed", "return", "require", "process"]
_UNITS = ["million crowns", "workers", "panels", "complaints", "visitors", "tonnes", "permits", "trucks", "votes"]
_WHEN = ["by {day}", "before winter", "since {day}", "within weeks", "next {day}", "last year", "this spring"]
_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def _name(rng: random.Random, syllables: int = 2) -> str:
    return "".join(rng.choice(_SYLLABLES) for _ in range(syllables)).capitalize()


def fictional_sentence(rng: random.Random) -> str:
    """A made-up sentence: a slot every few words, invented names, so that separate texts rarely share more
    than a stock phrase."""
    person = f"{rng.choice(_ROLES)} {_name(rng)} {_name(rng, 3)}"
    place = _name(rng, rng.randint(2, 3))
    thing = f"{rng.choice(_ADJECTIVES)} {rng.choice(_THINGS)}"
    when = rng.choice(_WHEN).format(day=rng.choice(_DAYS))
    number = rng.randint(2, 990)
    forms = (
        f"{person} {rng.choice(_VERBS)} the {thing} in {place} {rng.choice(_MODALS)} {rng.choice(_ACTIONS)}"
        f" {number} {rng.choice(_UNITS)} {when}.",
        f"In {place}, {number} {rng.choice(_UNITS)} went to the {thing} {when}, {person} {rng.choice(_VERBS)}.",
        f"The {thing} {rng.choice(_MODALS)} {rng.choice(_ACTIONS)} {number} {rng.choice(_UNITS)}, according to"
        f" {person} of {place}.",
    )
    return rng.choice(forms)


def fictional_article(seed: int, paragraphs: int = 8, sentences: int = 3) -> str:
    """A made-up local news story: `paragraphs` paragraphs of `sentences` template sentences each."""
    rng = random.Random(seed)
    return "\n\n".join(" ".join(fictional_sentence(rng) for _ in range(sentences)) for _ in range(paragraphs))


LEAD = "Residents of the fictional town of Quillby woke on Sunday to find the bridge painted bright orange."


def _chunk_texts(text: str) -> list[str]:
    return [text[start:end] for start, end in reuse.chunks(text)]


def test_words_and_shingle_hashes_are_stable() -> None:
    assert reuse.words("Hello, wide World_2 it's") == [(0, 5), (7, 11), (12, 17), (18, 19), (20, 22), (23, 24)]
    hashes = reuse.shingle_hashes("The Quick brown fox jumps")
    # The hash of a shingle must never change between versions or processes: stored keys depend on it.
    assert hashes.tolist() == reuse.shingle_hashes("the quick BROWN fox; jumps").tolist()
    assert len(hashes) == 2
    assert int(hashes[0]) == 0x4F89E83C8ABF5D50
    assert reuse.shingle_hashes("too few words").size == 0


def test_fingerprint_keys_fit_a_signed_64_bit_column() -> None:
    text = fictional_article(1, paragraphs=20)
    found = reuse.fingerprint(text)
    assert found.keys == tuple(sorted(set(found.keys)))
    assert all(0 <= key < 2**63 for key in found.keys)
    assert len(found.keys) <= reuse.BANDS * len(found.chunks)
    assert found.n_words == len(reuse.words(text))
    assert reuse.fingerprint("Too short.").keys == ()


def test_chunks_are_stable_under_a_new_lead() -> None:
    text = fictional_article(2, paragraphs=12)
    original = _chunk_texts(text)
    assert len(original) >= 5
    led = _chunk_texts(LEAD + "\n\n" + text)
    # The first chunk may change (the lead joins it); from the first content-defined cut on, all are the same.
    assert original[1:] == led[-len(original) + 1 :]


def test_chunks_are_stable_when_a_paragraph_is_dropped() -> None:
    paragraphs = fictional_article(3, paragraphs=12).split("\n\n")
    text = "\n\n".join(paragraphs)
    shorter = "\n\n".join(paragraphs[:5] + paragraphs[6:])
    original, cut = _chunk_texts(text), _chunk_texts(shorter)
    dropped_at = text.index(paragraphs[5])
    before = [chunk for chunk, (_, end) in zip(original, reuse.chunks(text), strict=True) if end < dropped_at]
    assert cut[: len(before)] == before
    # After the gap the chunks fall back in step: most of the text after it is cut the same way.
    after = set(original) & set(cut[len(before) :])
    assert len(after) >= len(original) - len(before) - 3


def test_align_a_copy_with_a_new_lead_and_three_substitutions() -> None:
    source = fictional_article(4, paragraphs=6)
    tokens = source.split(" ")
    # Three substitutions well apart and away from the ends.
    for position, word in ((20, "allegedly"), (70, "secretly"), (130, "reportedly")):
        tokens[position] = word
    copy = LEAD + "\n\n" + " ".join(tokens)
    alignment = aligning.align(copy, source)
    n_source, n_lead = len(reuse.words(source)), len(reuse.words(LEAD))
    # By hand: a substituted word breaks the shared shingles for one word only, so the gap is bridged and
    # the whole source is one passage; the copy's share is its words minus the lead's.
    assert len(alignment.passages) == 1
    assert alignment.share_b == pytest.approx(1.0, abs=0.01)
    assert alignment.share_a == pytest.approx(n_source / (n_source + n_lead), abs=0.01)
    for passage in alignment.passages:
        assert copy[passage.a.start : passage.a.end] == passage.a.text
        assert source[passage.b.start : passage.b.end] == passage.b.text
    assert alignment.passages[0].a.start == len(LEAD) + 2
    # Aligned the other way round, the sides swap.
    back = aligning.align(source, copy)
    assert (back.share_a, back.share_b) == (alignment.share_b, alignment.share_a)


def test_align_finds_an_excerpt_and_a_moved_paragraph() -> None:
    paragraphs = fictional_article(5, paragraphs=10).split("\n\n")
    source = "\n\n".join(paragraphs)
    excerpt = "\n\n".join([LEAD, paragraphs[7], paragraphs[2], paragraphs[3]])
    alignment = aligning.align(excerpt, source)
    assert len(alignment.passages) == 2
    # Passages run from the first word to the last (the final full stop is not a word).
    expected = [paragraphs[7], f"{paragraphs[2]}\n\n{paragraphs[3]}"]
    assert [passage.b.text + "." for passage in alignment.passages] == expected
    assert [passage.a.text for passage in alignment.passages] == [passage.b.text for passage in alignment.passages]
    share = sum(len(reuse.words(paragraphs[i])) for i in (2, 3, 7)) / len(reuse.words(source))
    assert alignment.share_b == pytest.approx(share, abs=0.01)


def test_unrelated_texts_share_almost_nothing() -> None:
    alignment = aligning.align(fictional_article(6), fictional_article(7))
    assert alignment.share_a < 0.05
    assert alignment.share_b < 0.05
    assert aligning.align("", fictional_article(7)) == aligning.Alignment((), 0.0, 0.0)
