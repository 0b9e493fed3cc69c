"""A fictional story told by many outlets, for the story layer's tests. Every name, place and figure is invented.

`wire_story()` is one original report (on `first-wire.example`), ten reprints of it on other sites (half
crediting the original, half not), one independent report of the same events with its own words
(`valley-times.example`), and a later article in which the utility denies the report's central claim
(`gazette.example`); `other_stories()` are unrelated articles that must not join it.
"""

from __future__ import annotations

from newsaudit.schema import Article

ORIGINAL = (
    "Floodwater broke through the Korvale dam on Tuesday night, and engineers said 14 villages downstream of the "
    "Marrow river were evacuated before dawn.\n\n"
    "The regional water authority said the breach opened a gap of about 30 metres in the eastern wall of the "
    "Korvale dam, which holds back the Marrow reservoir.\n\n"
    "Hela Brandvik, who heads the authority, told reporters that 2,600 people spent the night in school halls "
    "in the town of Ostrand and that no one was missing.\n\n"
    "According to two engineers who asked not to be named, cracks in the eastern wall had been reported to the "
    "authority in March and were never repaired.\n\n"
    "Farmers along the Marrow said the water reached the first floor of houses in the lower villages, and the "
    "road between Ostrand and Kesk was closed by the police.\n\n"
    "The authority said it would open an inquiry into the state of the dam and publish its findings within six "
    "weeks."
)

INDEPENDENT = (
    "Residents of Ostrand opened their school halls to families from the Marrow valley on Wednesday after the "
    "Korvale dam gave way late on Tuesday.\n\n"
    "Hela Brandvik of the regional water authority said about 2,600 people had been moved out of 14 villages "
    "below the dam, and that everyone was accounted for.\n\n"
    "A farmer in Kesk, Tomas Ulven, said the Marrow rose faster than he had ever seen and covered his fields "
    "within an hour. The police closed the road from Ostrand to Kesk.\n\n"
    "The authority has promised an inquiry into the breach of the Korvale dam."
)

DENIAL = (
    "The regional water authority on Thursday denied reports that cracks in the eastern wall of the Korvale dam "
    "had been reported in March and were never repaired.\n\n"
    "In a statement, the authority said the eastern wall of the Korvale dam was inspected in May and found "
    "sound, and that the breach on Tuesday night followed record rainfall over the Marrow reservoir.\n\n"
    "Hela Brandvik said the inquiry into the Korvale dam would be led by engineers from outside the authority. "
    "About 2,600 people from 14 villages along the Marrow remain in Ostrand."
)

CREDIT = "\n\nThis report first appeared on First Wire."

OTHER_STORIES = (
    (
        "Harbour festival",
        "The harbour festival in Pellin opened on Saturday with a parade of fishing boats and a choir of three "
        "hundred singers on the quay.\n\nOrganisers said forty thousand visitors were expected over the weekend, "
        "and the ferry company Pellin Lines added late crossings from the islands.\n\nThe mayor of Pellin, Ada "
        "Sorvik, cut a ribbon of knotted nets to open the fish market, which sold out of smoked herring by noon.",
    ),
    (
        "Chess final",
        "The national chess final in Derrow ended in a draw on Sunday after six hours of play between the two "
        "grandmasters, Ivo Lant and Mara Quell.\n\nThe title will be decided by rapid games on Monday, the "
        "federation said. Lant, who won the title twice, offered the draw after sixty moves in a rook endgame "
        "that Quell defended precisely.",
    ),
)


def wire_story(reprints: int = 10) -> list[Article]:
    """The original, `reprints` copies of it, the independent report and the later denial, in that order."""
    articles = [
        Article(
            "wire-original",
            url="https://first-wire.example/korvale-dam",
            domain="first-wire.example",
            title="Korvale dam breaks, 14 villages evacuated",
            published="2031-04-01T22:30:00Z",
            text=ORIGINAL,
        )
    ]
    for number in range(reprints):
        articles.append(
            Article(
                f"reprint-{number}",
                url=f"https://reprint{number}.example/news/korvale",
                domain=f"reprint{number}.example",
                title="Korvale dam breaks, villages evacuated",
                published="2031-04-02",
                text=ORIGINAL + (CREDIT if number % 2 == 0 else ""),
            )
        )
    articles.append(
        Article(
            "valley-report",
            url="https://valley-times.example/ostrand-shelters",
            domain="valley-times.example",
            title="Ostrand shelters families after Korvale dam gives way",
            published="2031-04-02T09:00:00Z",
            text=INDEPENDENT,
        )
    )
    articles.append(
        Article(
            "utility-denial",
            url="https://gazette.example/authority-denies",
            domain="gazette.example",
            title="Water authority denies it ignored cracks in Korvale dam",
            published="2031-04-03",
            text=DENIAL,
        )
    )
    return articles


def other_stories() -> list[Article]:
    return [
        Article(f"other-{n}", domain=f"other{n}.example", title=title, published="2031-04-02", text=text)
        for n, (title, text) in enumerate(OTHER_STORIES)
    ]
