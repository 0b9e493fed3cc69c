"""The alignment's word reader (numpy over code points) against the regex definition of a word, and the split of
a look-up into shares first and char spans after."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from newsaudit.stores.corpus.alignment import READER, aligner
from newsaudit.stores.corpus.fingerprints import tokens, words
from tests.unit.stores.test_fingerprints import LEAD, fictional_article

EDGES = [
    "",
    "...",
    "A fictional headline, 2031: İstanbul ΟΔΟΣ Σ σ ς naïve 東京 ١٢٣ x_y 😀abc don’t",
    "Straße STRASSE ǅemal ﬁne Ⅻ ½ ² ⅷ",
    "tab\tnew\nline\r\nNUL\x00end",
]


def _read(text: str) -> list[str]:
    starts, ends, _ = READER.read(text)
    return [text[start:end] for start, end in zip(starts.tolist(), ends.tolist(), strict=True)]


def test_the_reader_finds_the_same_words_as_the_regex() -> None:
    for text in [*EDGES, LEAD, fictional_article(3)]:
        assert _read(text) == [text[start:end] for start, end in words(text)], text


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=200))
def test_the_reader_agrees_with_the_regex_on_any_text(text: str) -> None:
    assert _read(text) == [text[start:end] for start, end in words(text)]


def test_words_hash_alike_when_their_lower_cases_do() -> None:
    _, _, upper = READER.read("KORVALE Dam breaks")
    _, _, lower = READER.read("korvale dam BREAKS")
    assert upper.tolist() == lower.tolist()
    _, _, other = READER.read("korvale dams breaks")
    assert other.tolist()[1] != lower.tolist()[1]
    assert len(set(READER.read(fictional_article(4))[2].tolist())) == len({t for t in tokens(fictional_article(4))})


def test_shares_first_then_spans_give_the_whole_alignment() -> None:
    source = fictional_article(5)
    copy = LEAD + "\n\n" + source[: len(source) // 2]
    align = aligner(copy)
    overlap = align.overlap(source)
    whole = align(source)
    assert (overlap.share_a, overlap.share_b) == (whole.share_a, whole.share_b)
    assert len(overlap.merged) == len(whole.passages) >= 1
    assert align.alignment(source, overlap) == whole
    assert all(
        source[p.b.start : p.b.end] == p.b.text and copy[p.a.start : p.a.end] == p.a.text for p in whole.passages
    )
    assert align.overlap(fictional_article(9)).merged == ()
