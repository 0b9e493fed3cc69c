"""Source-reputation lists: the four readers, the normalisation table, the store (idempotent, replacing adds)
and look-ups by domain or URL. Every list here is fiction written for the tests, on `.test` domains; the real
lists are only read, when present, by the test at the end."""

import doctest
import os
import sqlite3
from pathlib import Path

import pytest

from newsaudit.errors import BinaryInputError, EmptyInputError, InputError, UnsupportedFormatError
from newsaudit.stores import Stores
from newsaudit.stores.sources import (
    LEVEL_OF_TAG,
    LEVELS,
    SourceRating,
    SourceStore,
    SourceStoreError,
    add_sources,
    level_of,
    normalise_tag,
    read_ratings,
    site_of,
)
from newsaudit.stores.sources import store as sources
from tests.conftest import REPO

OPENSOURCES_JSON = """{
  "daily-fabricator.test" : {"type" : "fake", "2nd type" : "Conspiracy", "3rd type" : "",
    "Source Notes (things to know?)" : "invents   quotes"},
  "Partisan-Digest.test" : {"type" : "Political", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "jokes-gazette.test" : {"type" : "satirical", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "disclaimer-news.test" : {"type" : "fake news", "2nd type" : "satire", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "bait-wire.test" : {"type" : "clickbait", "2nd type" : "junksci", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "careful-times.test" : {"type" : "reliable", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "magazine.test/humor" : {"type" : "satire", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "only-a-blog.test" : {"type" : "blog", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "typo-domain. test" : {"type" : "unrealiable", "2nd type" : "", "3rd type" : "",
    "Source Notes (things to know?)" : ""},
  "odd-entry.test" : "fake"
}
"""

OPENSOURCES_CSV = (
    ",type,2nd type,3rd type,Source Notes (things to know?),\n"
    "daily-fabricator.test,fake,conspiracy,,,\n"
    "echo-chamber.test,conspiracy,bias,,,\r\n"
    "echo-chamber.test,conspiracy,, ,repeated row,\r\n"
    ",,,,,\n"
    ",hate,,,,\n"
    'WWW.Rumour-Mill.test,rumor ,Fake,,"notes, with a comma",\n'
    ",,,,,\n"
)

BALY_TSV = (
    "source_url\tsource_url_normalized\tref\tfact\tbias\n"
    "http://www.example-news.test/\texample-news.test\thttps://ratings.test/example-news/\thigh\tleft-center\n"
    "https://www.bigportal.test/news/\tbigportal.test-news\thttps://ratings.test/bigportal/\tmixed\tcenter\n"
    "https://www.magazine.test/humor/column\tmagazine.test-humor-column\thttps://ratings.test/column/\tlow\tcenter\n"
    "https://www.magazine.test\tmagazine.test\thttps://ratings.test/magazine/\thigh\tleft-center\n"
    "plainhost.test\tplainhost.test\thttps://ratings.test/plainhost/\tlow\textreme-right\n"
    "http://people-weekly.test/politics\tpeople-weekly.test\thttps://ratings.test/pw/\thigh\tleft\n"
    "http://unrated.test/\tunrated.test\thttps://ratings.test/unrated/\tunknown\tleft\n"
    "http://short-row.test/\tshort-row.test\thigh\n"
)

PLAIN_CSV = (
    "domain,rating,note\n"
    "example-news.test,unreliable,changed hands in 2023\n"
    "careful-times.test,High,\n"
    "bait-wire.test,clickbait; junksci\n"
    "jokes-gazette.test,satire,\n"
    "mystery.test,trustworthy,\n"
    ",mixed,no domain\n"
)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


def split(records):
    records = list(records)
    ratings = [r for r in records if isinstance(r, SourceRating)]
    skipped = [r for r in records if isinstance(r, sources.Skipped)]
    return ratings, skipped


def by_domain(ratings):
    return {rating.key: rating for rating in ratings}


def store_with(tmp_path: Path, *lists: tuple[str, str, str]) -> SourceStore:
    """A store holding each (file name, content, list name)."""
    store = SourceStore(tmp_path / "sources.sqlite")
    for name, content, list_name in lists:
        store.add(read_ratings(write(tmp_path, name, content)), list_name)
    return store


# -- normalisation -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("word", "tag", "level"),
    [
        ("fake", "fake", "unreliable"),
        ("Fake", "fake", "unreliable"),
        ("fake news", "fake", "unreliable"),
        ("fake ", "fake", "unreliable"),
        ("Conspiracy", "conspiracy", "unreliable"),
        ("junksci", "junksci", "unreliable"),
        ("hate", "hate", "unreliable"),
        ("rumor ", "rumor", "unreliable"),
        ("rumour", "rumor", "unreliable"),
        (" unreliable", "unreliable", "unreliable"),
        ("unrealiable", "unreliable", "unreliable"),
        ("bias", "bias", "unreliable"),
        ("state", "state", "unreliable"),
        ("low", "low", "unreliable"),
        ("Very Low", "low", "unreliable"),
        ("satire", "satire", "satire"),
        ("satirical", "satire", "satire"),
        ("clickbait", "clickbait", "mixed"),
        ("political", "political", "mixed"),
        ("Political", "political", "mixed"),
        ("mixed", "mixed", "mixed"),
        ("reliable", "reliable", "reliable"),
        ("high", "high", "reliable"),
        ("very high", "high", "reliable"),
    ],
)
def test_normalisation_table(word, tag, level):
    assert normalise_tag(word) == tag
    assert level_of([tag]) == level


def test_unknown_words_are_kept_but_rate_nothing():
    assert normalise_tag("Personal  Blog") == "personal-blog"
    assert level_of(["blog"]) is None
    assert level_of([]) is None


def test_the_most_severe_tag_sets_the_level():
    assert level_of(["reliable", "political"]) == "mixed"
    assert level_of(["clickbait", "junksci"]) == "unreliable"
    assert level_of(["satire", "clickbait"]) == "satire"
    assert level_of(["satire", "fake"]) == "unreliable"  # a "satire" disclaimer over fabricated news


def test_every_tag_has_a_level_and_every_level_moves_the_credibility_model():
    from newsaudit.models.credibility import CredibilityModel

    assert set(LEVEL_OF_TAG.values()) == set(LEVELS)
    shifts = [CredibilityModel.default().reputation[level] for level in LEVELS]
    assert shifts == sorted(shifts)  # more severe, more log-odds of low credibility
    assert CredibilityModel.default().reputation["unknown"] == 0.0


def test_module_examples_run():
    assert doctest.testmod(sources).failed == 0


# -- domains -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "site"),
    [
        ("example-news.test", ("example-news.test", "")),
        ("Example-News.TEST.", ("example-news.test", "")),
        ("https://www.example-news.test/2024/05/story.html?utm=x#top", ("example-news.test", "/2024/05/story.html")),
        ("http://m.example-news.test:8080/a/", ("example-news.test", "/a")),
        ("https://amp.example-news.test/a", ("example-news.test", "/a")),
        ("https://www.m.example-news.test", ("example-news.test", "")),
        ("https://user:secret@news.example-news.test/", ("news.example-news.test", "")),
        ("//example-news.test/a", ("example-news.test", "/a")),
        ("example-news.test/Section/", ("example-news.test", "/section")),
        ("www.test", ("www.test", "")),  # a prefix is only stripped when a domain name is left
        ("m.me", ("m.me", "")),
        ("https://bücher.test/x", ("xn--bcher-kva.test", "/x")),
        ("xn--bcher-kva.test", ("xn--bcher-kva.test", "")),
        ("BÜCHER.test", ("xn--bcher-kva.test", "")),
        ("nachrichten。example-news.test", ("nachrichten.example-news.test", "")),
        ("http://192.0.2.7/page", ("192.0.2.7", "/page")),
        ("http://[2001:db8::1]:8080/x", ("2001:db8::1", "/x")),
    ],
)
def test_site_of_normalises_domains_and_urls(text, site):
    assert site_of(text) == site


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "not a domain",
        "localhost",
        "mailto:desk@example-news.test",
        "http://",
        "-bad-.test",
        "a..test",
        "https://" + "x" * 64 + ".test",
        "http://exa mple.test",
        "http://[::1",
        "\u2603\u2603\ufffd.test",
    ],
)
def test_site_of_refuses_what_is_not_a_domain(text):
    assert site_of(text) is None


# -- readers -------------------------------------------------------------------------------------------------


def test_opensources_json(tmp_path):
    ratings, skipped = split(read_ratings(write(tmp_path, "opensources.json", OPENSOURCES_JSON)))
    found = by_domain(ratings)
    assert found["daily-fabricator.test"].level == "unreliable"
    assert found["daily-fabricator.test"].tags == ("fake", "conspiracy")
    assert found["daily-fabricator.test"].note == "invents quotes"
    assert found["daily-fabricator.test"].list_name == "opensources"
    assert found["partisan-digest.test"].level == "mixed"
    assert found["partisan-digest.test"].listed_as == "Partisan-Digest.test"
    assert found["jokes-gazette.test"].level == "satire"
    assert found["disclaimer-news.test"].level == "unreliable"
    assert found["disclaimer-news.test"].tags == ("fake", "satire")
    assert found["bait-wire.test"].level == "unreliable"
    assert found["careful-times.test"].level == "reliable"
    section = found["magazine.test/humor"]
    assert (section.domain, section.path, section.section) == ("magazine.test", "/humor", True)
    reasons = {skip.where.split(": ", 1)[1]: skip.reason for skip in skipped}
    assert set(reasons) == {"'only-a-blog.test'", "'typo-domain. test'", "'odd-entry.test'"}
    assert "no rating word" in reasons["'only-a-blog.test'"] and "blog" in reasons["'only-a-blog.test'"]
    assert "not a domain name" in reasons["'typo-domain. test'"]
    assert "not an object" in reasons["'odd-entry.test'"]


def test_opensources_csv(tmp_path):
    path = write(tmp_path, "opensources.csv", OPENSOURCES_CSV)
    ratings, skipped = split(read_ratings(path, list_name="os-csv"))
    assert [r.key for r in ratings] == [
        "daily-fabricator.test",
        "echo-chamber.test",
        "echo-chamber.test",
        "rumour-mill.test",
    ]
    assert ratings[3].tags == ("rumor", "fake") and ratings[3].note == "notes, with a comma"
    assert {r.list_name for r in ratings} == {"os-csv"}
    assert len(skipped) == 1 and skipped[0].where == f"{path}:6" and "no domain" in skipped[0].reason


def test_baly_tsv(tmp_path):
    path = write(tmp_path, "corpus.tsv", BALY_TSV)
    ratings, skipped = split(read_ratings(path))
    found = by_domain(ratings)
    news = found["example-news.test"]
    assert (news.level, news.tags, news.url) == (
        "reliable",
        ("high", "bias:left-center"),
        "https://ratings.test/example-news/",
    )
    portal = found["bigportal.test/news"]  # the id keeps the path: the page the list used for the site
    assert (portal.domain, portal.path, portal.section, portal.level) == ("bigportal.test", "/news", False, "mixed")
    assert portal.listed_as == "bigportal.test-news"
    assert found["plainhost.test"].level == "unreliable"  # a source_url without a scheme
    assert "people-weekly.test" in found  # the id drops the path: the whole site, no path kept
    assert found["magazine.test/humor/column"].level == "unreliable"
    reasons = {skip.where: skip.reason for skip in skipped}
    assert reasons == {
        f"{path}:8": "factuality 'unknown' is not high, mixed or low",
        f"{path}:9": "3 columns, the header has 5",
    }


def test_plain_csv(tmp_path):
    path = write(tmp_path, "my-list.csv", PLAIN_CSV)
    ratings, skipped = split(read_ratings(path))
    found = by_domain(ratings)
    assert found["example-news.test"].level == "unreliable"
    assert found["example-news.test"].note == "changed hands in 2023"
    assert found["careful-times.test"].level == "reliable" and found["careful-times.test"].note is None
    assert found["bait-wire.test"].tags == ("clickbait", "junksci")
    assert found["jokes-gazette.test"].level == "satire"
    assert {r.list_name for r in ratings} == {"my-list"}
    reasons = {skip.where: skip.reason for skip in skipped}
    assert set(reasons) == {f"{path}:6", f"{path}:7"}
    assert "trustworthy" in reasons[f"{path}:6"] and "expected one of" in reasons[f"{path}:6"]
    assert reasons[f"{path}:7"] == "no domain"


def test_plain_tsv_with_columns_in_any_order(tmp_path):
    path = write(tmp_path, "list.tsv", "\nRating\tDomain\nmixed\texample-news.test\n")
    ratings, skipped = split(read_ratings(path))
    assert [(r.domain, r.level, r.note) for r in ratings] == [("example-news.test", "mixed", None)] and not skipped


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("a.json", OPENSOURCES_JSON, "opensources"),
        ("a.txt", OPENSOURCES_CSV, "opensources-csv"),
        ("a.txt", BALY_TSV, "baly"),
        ("a.txt", PLAIN_CSV, "plain"),
    ],
)
def test_layout_is_recognised_from_the_content(tmp_path, name, content, expected):
    path = write(tmp_path, name, content)
    auto = list(read_ratings(path))
    assert auto == list(read_ratings(path, format=expected))
    assert sum(isinstance(r, SourceRating) for r in auto) >= 3


def test_format_override_that_does_not_fit_is_an_error(tmp_path):
    path = write(tmp_path, "list.csv", PLAIN_CSV)
    with pytest.raises(UnsupportedFormatError, match="source_url"):
        read_ratings(path, format="baly")
    with pytest.raises(UnsupportedFormatError, match="known: opensources"):
        read_ratings(path, format="mbfc-xlsx")


@pytest.mark.parametrize(
    ("content", "error", "message"),
    [
        ("", EmptyInputError, "empty"),
        ("  \n\n ", EmptyInputError, "empty|white space"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, BinaryInputError, "binary"),
        ("name,score\nexample-news.test,3\n", UnsupportedFormatError, "plain: CSV with a header naming 'domain'"),
        ("just some words\nabout the news\n", UnsupportedFormatError, "opensources: OpenSources JSON"),
        ('{"example-news.test": {"type": "fake"', InputError, "invalid JSON"),
        ('["example-news.test", "fake"]', UnsupportedFormatError, "not a source list"),
    ],
)
def test_unreadable_files_are_clear_errors(tmp_path, content, error, message):
    path = write(tmp_path, "list.txt", content)
    with pytest.raises(error, match=message) as raised:
        read_ratings(path)  # raised at once, before any entry is read
    assert str(path) in str(raised.value)


def test_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError, match="no such file"):
        read_ratings(tmp_path / "absent.csv")


# -- the store -----------------------------------------------------------------------------------------------


def test_lookup_by_domain_url_and_subdomain(tmp_path):
    with store_with(tmp_path, ("list.csv", PLAIN_CSV, "mine")) as store:
        for query in (
            "example-news.test",
            "https://www.example-news.test/2024/05/story.html",
            "http://m.example-news.test/a?b=c",
            "https://politics.example-news.test/x",  # a subdomain takes its parent's rating
            "https://a.b.example-news.test/x",
        ):
            reputation = store.lookup(query)
            assert reputation is not None, query
            assert reputation.level == "unreliable" and reputation.matched == "example-news.test"
            assert [r.list_name for r in reputation.ratings] == ["mine"]
        assert store.lookup("https://careful-times.test/").level == "reliable"


def test_unlisted_sites_are_unknown_not_reliable(tmp_path):
    with store_with(tmp_path, ("list.csv", PLAIN_CSV, "mine")) as store:
        assert store.lookup("https://unlisted-daily.test/story") is None
        assert store.lookup("news.test") is None  # the parent is not rated by a child's entry
        assert store.lookup("example-news.test.evil.test") is None
        assert store.lookup("not-example-news.test") is None
        assert store.lookup("not a url at all") is None
        assert store.lookup("") is None


def test_a_listed_subdomain_wins_over_its_parent(tmp_path):
    content = "domain,rating\nexample-news.test,reliable\nopinion.example-news.test,political\n"
    with store_with(tmp_path, ("list.csv", content, "mine")) as store:
        assert store.lookup("https://opinion.example-news.test/column").level == "mixed"
        assert store.lookup("https://opinion.example-news.test/column").matched == "opinion.example-news.test"
        assert store.lookup("https://sport.example-news.test/").level == "reliable"
        assert store.lookup("https://example-news.test/").level == "reliable"


def test_section_entries_rate_only_their_section(tmp_path):
    with store_with(tmp_path, ("opensources.json", OPENSOURCES_JSON, "os")) as store:
        humor = store.lookup("https://www.magazine.test/humor/2024/a-joke")
        assert humor is not None and humor.level == "satire" and humor.matched == "magazine.test/humor"
        assert store.lookup("https://www.magazine.test/humor").level == "satire"
        assert store.lookup("https://www.magazine.test/humorous-story") is None
        assert store.lookup("https://www.magazine.test/news/2024/report") is None
        assert store.lookup("magazine.test") is None


def test_baly_cited_pages_stand_for_the_site(tmp_path):
    with store_with(tmp_path, ("corpus.tsv", BALY_TSV, "mbfc")) as store:
        # Only "bigportal.test/news" is listed, as the page the list used: it rates the whole site…
        elsewhere = store.lookup("https://bigportal.test/2024/01/02/story")
        assert elsewhere is not None and elsewhere.level == "mixed" and elsewhere.matched == "bigportal.test/news"
        # …while a path with its own entry beats the whole-site entry under that path only.
        assert store.lookup("https://www.magazine.test/humor/column/today").level == "unreliable"
        assert store.lookup("https://www.magazine.test/culture/review").level == "reliable"
        assert store.lookup("https://www.magazine.test/culture/review").matched == "magazine.test"


def test_idempotent_add(tmp_path):
    path = write(tmp_path, "list.csv", PLAIN_CSV)
    with SourceStore(tmp_path / "s.sqlite") as store:
        first = store.add(read_ratings(path), "mine")
        assert (first.added, first.unchanged, first.removed, first.merged) == (4, 0, 0, 0)
        assert len(first.skipped) == 2
        second = store.add(read_ratings(path), "mine")
        assert (second.added, second.unchanged, second.removed) == (0, 4, 0)
        assert len(store) == 4 and store.lists() == {"mine": 4}
    with SourceStore(tmp_path / "s.sqlite") as reopened:  # and it is on disk
        assert len(reopened) == 4


def test_a_new_version_of_a_list_replaces_the_old(tmp_path):
    with store_with(tmp_path, ("v1.csv", PLAIN_CSV, "mine")) as store:
        updated = "domain,rating\nexample-news.test,mixed\ncareful-times.test,high\nnew-site.test,fake\n"
        result = store.add(read_ratings(write(tmp_path, "v2.csv", updated)), "mine")
        assert (result.added, result.unchanged, result.removed) == (2, 1, 2)
        assert store.lookup("example-news.test").level == "mixed"
        assert store.lookup("new-site.test").level == "unreliable"
        assert store.lookup("bait-wire.test") is None  # dropped by the new version
        assert len(store) == 3


def test_repeated_entries_in_one_list_are_merged(tmp_path):
    with SourceStore(":memory:") as store:
        result = store.add(read_ratings(write(tmp_path, "os.csv", OPENSOURCES_CSV)), "os")
        assert result.merged == 1 and len(store) == 3
        echo = store.lookup("echo-chamber.test").ratings[0]
        assert echo.tags == ("conspiracy", "bias") and echo.note == "repeated row"


def test_several_lists_are_combined(tmp_path):
    with store_with(
        tmp_path,
        ("opensources.json", OPENSOURCES_JSON, "opensources"),
        ("corpus.tsv", BALY_TSV, "mbfc"),
        ("mine.csv", PLAIN_CSV, "mine"),
    ) as store:
        assert store.lists() == {"mbfc": 6, "mine": 4, "opensources": 7}
        news = store.lookup("https://www.example-news.test/story")
        assert news.level == "unreliable"  # the most severe of the lists
        assert [(r.list_name, r.level) for r in news.ratings] == [("mbfc", "reliable"), ("mine", "unreliable")]
        assert not news.agreed
        bait = store.lookup("bait-wire.test")
        assert bait.agreed and {r.list_name for r in bait.ratings} == {"opensources", "mine"}
        # Per list, the most specific entry: OpenSources' section and MBFC's whole-site entry both apply.
        humor = store.lookup("https://magazine.test/humor/cartoon")
        assert [(r.list_name, r.key, r.level) for r in humor.ratings] == [
            ("mbfc", "magazine.test", "reliable"),
            ("opensources", "magazine.test/humor", "satire"),
        ]
        assert humor.level == "satire" and humor.matched == "magazine.test/humor"


def test_per_list_parent_entries_still_count_beside_another_lists_subdomain_entry(tmp_path):
    with store_with(
        tmp_path,
        ("a.csv", "domain,rating\nexample-news.test,low\n", "a"),
        ("b.csv", "domain,rating\nlocal.example-news.test,reliable\n", "b"),
    ) as store:
        local = store.lookup("https://local.example-news.test/x")
        assert [(r.list_name, r.domain) for r in local.ratings] == [
            ("a", "example-news.test"),
            ("b", "local.example-news.test"),
        ]
        assert local.level == "unreliable" and local.matched == "local.example-news.test"
        assert [r.list_name for r in store.lookup("example-news.test").ratings] == ["a"]


def test_a_list_with_no_usable_entry_is_refused_and_keeps_the_loaded_one(tmp_path):
    with store_with(tmp_path, ("list.csv", PLAIN_CSV, "mine")) as store:
        broken = write(tmp_path, "broken.csv", "domain,rating\nexample-news.test,trustworthy\n")
        with pytest.raises(InputError, match=r"no usable entry.*1 skipped"):
            store.add(read_ratings(broken), "mine")
        assert len(store) == 4 and store.lookup("example-news.test").level == "unreliable"
        with pytest.raises(InputError, match="needs a name"):
            store.add(read_ratings(write(tmp_path, "ok.csv", PLAIN_CSV)), "  ")


def test_add_sources_and_open_them_once_per_process(tmp_path):
    store_path = tmp_path / "stores" / "sources.sqlite"
    (tmp_path / "emnlp18").mkdir()
    (tmp_path / "acl2020").mkdir()
    first = write(tmp_path / "emnlp18", "corpus.tsv", BALY_TSV)
    second = write(tmp_path / "acl2020", "corpus.tsv", "source_url\tfact\nhttp://other.test\tlow\n")
    assert add_sources(first, store_path).added == 6
    assert add_sources(first, store_path).unchanged == 6  # the same file again, by default name
    with pytest.raises(InputError, match="already has a list named 'corpus'"):
        add_sources(second, store_path)  # another corpus.tsv would silently replace the first
    assert add_sources(second, store_path, list_name="acl2020").added == 1
    store = Stores(sources=str(store_path)).open_sources()
    assert Stores(sources=str(store_path)).open_sources() is store  # one handle per process
    assert store.lists() == {"acl2020": 1, "corpus": 6}
    assert store.lookup("http://other.test/a").level == "unreliable"
    with pytest.raises(SourceStoreError, match="cannot add"):
        store.add([SourceRating("x.test", "mixed")], "read-only")


def test_store_files_that_are_not_source_stores(tmp_path):
    with pytest.raises(SourceStoreError, match="no source store"):
        SourceStore(tmp_path / "absent.sqlite", read_only=True)
    other = tmp_path / "other.sqlite"
    sqlite3.connect(other).execute("CREATE TABLE factchecks (id INTEGER)").connection.commit()
    with pytest.raises(SourceStoreError, match="not a usable source store"):
        SourceStore(other, read_only=True)
    junk = write(tmp_path, "junk.sqlite", b"this is not a database at all" * 100)
    with pytest.raises(SourceStoreError, match="not a usable source store"):
        SourceStore(junk)


def test_rating_levels_are_checked():
    with pytest.raises(ValueError, match="not one of"):
        SourceRating("example-news.test", "trustworthy")


# -- the real lists, when the shared datasets are on this machine ---------------------------------------------

DATA = Path(os.environ.get("NEWSAUDIT_DATA") or REPO.parent / "shared" / "data")


@pytest.mark.skipif(not (DATA / "opensources" / "sources.json").is_file(), reason="shared datasets not found")
def test_real_lists(tmp_path):
    with SourceStore(tmp_path / "real.sqlite") as store:
        opensources = store.add(read_ratings(DATA / "opensources" / "sources.json"), "opensources")
        assert opensources.added >= 800 and len(opensources.skipped) <= 5
        csv_twin = store.add(read_ratings(DATA / "opensources" / "sources.csv"), "opensources-csv")
        assert csv_twin.added >= 800 and len(csv_twin.skipped) <= 5
        for version in ("emnlp18", "acl2020"):
            result = store.add(read_ratings(DATA / "media_factuality_baly" / version / "corpus.tsv"), version)
            assert result.added >= 800 and not result.skipped
        assert store.lists()["emnlp18"] >= 1000

        beforeitsnews = store.lookup("http://beforeitsnews.com/conspiracy-theories/2017/01/x.html")
        assert beforeitsnews.level == "unreliable"
        opensources_rating = next(r for r in beforeitsnews.ratings if r.list_name == "opensources")
        assert {"fake", "conspiracy", "rumor"} <= set(opensources_rating.tags)
        yournewswire = next(r for r in store.lookup("yournewswire.com").ratings if r.list_name == "opensources")
        assert {"clickbait", "junksci"} <= set(yournewswire.tags) and yournewswire.level == "unreliable"
        assert store.lookup("https://www.npr.org/2019/01/01/story").level == "reliable"
        assert store.lookup("https://www.newyorker.com/humor/borowitz-report/x").level in {"satire", "unreliable"}
        assert store.lookup("https://www.newyorker.com/news/x").level == "reliable"
        assert store.lookup("https://www.rt.com/usa/123-story/").level == "unreliable"  # OpenSources "state"
        assert store.lookup("https://unlisted-daily.test/story") is None
