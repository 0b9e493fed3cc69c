"""Shared fixtures. Every article text in the tests is fiction written for the purpose."""

from __future__ import annotations

from pathlib import Path

import pytest

from newsaudit import Auditor, Settings

REPO = Path(__file__).resolve().parent.parent
EXAMPLES = REPO / "examples"

#: A fictional scraped page in the layout of a low-credibility site.
SCRAPED_STORY = """\
Harbor Officials Deny Report of Toxic Spill Near Brindle Bay

Fact-checked ✔

Residents say a strange smell has hung over the bay for a week

Two unnamed port officials told local reporters that a tanker leaked fuel near the Brindle Bay terminal last Sunday.

The Coastal Herald reports:

The leak was small and was contained within hours, said one of the officials, who spoke on condition of anonymity.

Harbor master Ida Fenwick denied that any fuel had entered the water. "Our sensors recorded nothing unusual," she said.

[Five things to know about the Brindle Bay terminal]

Environmental groups said they would take their own water samples on Friday.

Share on Facebook | Tweet | Email

Be the first to comment

Leave a Reply

Your email address will not be published.
"""


def fictional_html(body: str = "", title: str = "A Fictional Headline", extra_head: str = "") -> str:
    paragraphs = body or "".join(
        f"<p>{sentence}</p>"
        for sentence in (
            "The town of Examplefield opened a new footbridge over the Mill River on Saturday, the mayor said.",
            "Mayor Rosa Lindqvist said the bridge cost about 2.5 million dollars and took eighteen months to build.",
            "Cyclists had asked for a safer crossing for years, according to a local riders' association.",
            "The old bridge will be closed for repairs until the end of the year, officials said on Monday.",
        )
    )
    return (
        f"<html><head><meta charset='utf-8'><title>{title}</title>{extra_head}</head>"
        f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
        f"<article><h1>{title}</h1>{paragraphs}</article><footer>Contact us</footer></body></html>"
    )


@pytest.fixture(scope="session")
def auditor() -> Auditor:
    """One in-process auditor (the spaCy pipeline loads once for the whole run)."""
    return Auditor(Settings(workers=1))


def assert_spans_point_into_text(data: dict) -> None:
    """Every span anywhere in an audit's JSON must quote article.text exactly."""
    text = data["article"]["text"]
    title = data["article"]["title"] or ""

    def walk(value, path, within=text):
        if isinstance(value, dict):
            if {"start", "end", "text"} <= set(value):
                assert within[value["start"] : value["end"]] == value["text"], (path, value)
            for key, item in value.items():
                # Signals' title_evidence points into the headline, everything else into the body.
                walk(item, f"{path}.{key}", title if key == "title_evidence" else within)
        elif isinstance(value, list):
            for number, item in enumerate(value):
                walk(item, f"{path}[{number}]", within)

    walk({key: value for key, value in data.items() if key != "article"}, "audit")
    walk(data["article"]["paragraphs"], "article.paragraphs")
    for piece in data["article"]["removed"]:
        assert 0 <= piece["at"] <= len(text)
