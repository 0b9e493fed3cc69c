"""The reuse evaluation's own parts: derived copies keep exact ground truth; the brute-force reference."""

import random

from newsaudit.evaluation.reuse import BruteForce, derive_copy
from newsaudit.schema import Article


def fictional_article(seed: int, paragraphs: int = 6) -> str:
    rng = random.Random(seed)
    towns = ["Saltmere", "Eastmere", "Brindle", "Kessary", "Port Halvard", "Millbrook"]
    things = ["the ferry", "the tram line", "the grain silo", "the harbour wall", "the night market"]
    out = []
    for number in range(paragraphs):
        sentences = [
            f"Officials in {rng.choice(towns)} said {rng.choice(things)} would reopen after {rng.randint(2, 90)} days "
            f"of repairs costing {rng.randint(10, 900)} thousand crowns, paragraph {number} of story {seed}.",
            f"Residents said {rng.choice(things)} had been shut since a storm in week {rng.randint(1, 52)}.",
        ]
        out.append(" ".join(sentences))
    return "\n\n".join(out)


def test_derived_copy_records_exactly_what_came_from_the_origin():
    origin = Article(id="o", text=fictional_article(1))
    outside = [fictional_article(100 + n) for n in range(3)]
    for seed in range(20):
        copy = derive_copy(origin, f"c{seed}", random.Random(seed), outside, ["harbour", "crowns", "ferry"])
        assert copy.origin == "o" and 0 < copy.share_copy <= 1 and 0 < copy.share_origin <= 1
        for start, end in copy.spans:
            piece = copy.article.text[start:end]
            assert piece.strip() and piece == piece.strip()
        if not any(word in copy.article.text for word in ("harbour", "crowns", "ferry")):
            assert all(copy.article.text[s:e] in origin.text for s, e in copy.spans)


def test_brute_force_containment_finds_the_source_and_not_the_rest():
    articles = [Article(id=str(n), text=fictional_article(n)) for n in range(5)]
    brute = BruteForce(articles)
    excerpt = "\n\n".join(articles[2].text.split("\n\n")[:3])
    shares = brute.shares(excerpt)
    assert shares["2"][0] == 1.0 and 0.3 < shares["2"][1] < 0.7
    # The other stories share only their template phrases with it.
    assert all(shares.get(str(n), (0, 0))[0] < 0.8 for n in (0, 1, 3, 4))
    assert brute.shares("") == {}
