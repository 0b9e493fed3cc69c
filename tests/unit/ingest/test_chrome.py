from newsaudit.ingest.chrome import ChromeRules, classify_paragraph, split_chrome

RULES = ChromeRules.default()
BODY = [
    "The council of Westhollow, a fictional town, voted on Monday to rebuild the old market hall.",
    "The work will cost about 3 million crowns and should take two years, the council said.",
    "Opposition members said the money would be better spent on roads.",
    "A public hearing is planned for next month at the town library.",
]


def kinds(paragraphs):
    return [cut.kind for _, cut in split_chrome(paragraphs)[1]]


def test_chrome_self_declared_badges_are_recognised():
    for badge in ("Fact checked", "Fact-Checked ✔", "✓ Verified", "100% Verified News", "Editor's Pick", "TRUE"):
        assert classify_paragraph(badge, RULES) == "badge", badge


def test_chrome_sentence_mentioning_fact_checking_is_not_a_badge():
    sentence = "The claim was fact checked by three newspapers, and all of them found it false."
    assert classify_paragraph(sentence, RULES) is None


def test_chrome_bracketed_headline_is_a_related_link_but_bracketed_sentence_is_not():
    assert classify_paragraph("[Why the eastern ferry route keeps losing money]", RULES) == "related_link"
    assert classify_paragraph("[Editor's note: this story was updated on Tuesday.]", RULES) is None
    assert classify_paragraph("[…]", RULES) is None


def test_chrome_read_more_and_related_lines_are_related_links():
    for line in (
        "Read more: Flood barriers tested on the Elm river",
        "RELATED: Ten years of the tram line",
        "See also - How the budget was written",
        "» Mayor faces recall vote",
    ):
        assert classify_paragraph(line, RULES) == "related_link", line


def test_chrome_share_bar_needs_a_share_word():
    assert classify_paragraph("Share this: Facebook Twitter Email", RULES) == "share_bar"
    assert classify_paragraph("Share on Facebook | Tweet | Email", RULES) == "share_bar"
    assert classify_paragraph("This", RULES) is None
    assert classify_paragraph("Click to like", RULES) is None


def test_chrome_newsletter_box_is_recognised():
    line = "Sign up for our daily newsletter to get the top stories delivered to your inbox."
    assert classify_paragraph(line, RULES) == "newsletter"


def test_chrome_comment_box_runs_to_the_end_and_is_one_piece():
    paragraphs = [*BODY, "2 Comments", "GreenRoof99", "About time they fixed that hall!", "Leave a Reply"]
    kept, cuts = split_chrome(paragraphs)
    assert kept == BODY
    assert [cut.kind for _, cut in cuts] == ["comment_box"]
    assert cuts[0][1].text.splitlines() == paragraphs[4:]
    assert cuts[0][0] == len(BODY)


def test_chrome_comment_cue_early_in_the_text_is_left_alone():
    paragraphs = ["Comments", *BODY, *BODY]
    kept, cuts = split_chrome(paragraphs)
    assert "comment_box" not in [cut.kind for _, cut in cuts]
    assert len(kept) == len(paragraphs)


def test_chrome_long_prose_about_comments_is_not_removed():
    prose = (
        "Leave a comment below was the only instruction on the page, and hundreds of readers did, many of "
        "them angry about the closure of the only pharmacy in the valley."
    )
    assert kinds([*BODY, prose]) == []


def test_chrome_cut_positions_count_kept_paragraphs():
    paragraphs = ["Verified", BODY[0], "[A bracketed insert about the harbour fire]", BODY[1]]
    kept, cuts = split_chrome(paragraphs)
    assert kept == [BODY[0], BODY[1]]
    assert [(position, cut.kind, cut.index) for position, cut in cuts] == [(0, "badge", 0), (1, "related_link", 2)]


def test_chrome_plain_article_loses_nothing():
    kept, cuts = split_chrome(BODY)
    assert kept == BODY and cuts == []


def test_chrome_rules_load_from_another_lexicon():
    lexicon = """
[badge]
max_words = 3
patterns = ["gold star"]
[comment_box]
max_words = 5
min_position = 0.0
patterns = ["talk back"]
[related_link]
max_words = 5
patterns = ["next up:.*"]
[share_bar]
max_words = 3
words = ["send"]
anchors = ["send"]
[newsletter]
max_words = 5
patterns = ["join us"]
"""
    rules = ChromeRules.from_toml(lexicon)
    assert classify_paragraph("Gold star", rules) == "badge"
    assert classify_paragraph("Fact checked", rules) is None
    kept, cuts = split_chrome(["Body text here.", "Talk back", "a comment"], rules)
    assert kept == ["Body text here."] and cuts[0][1].kind == "comment_box"
