"""Hypothesis strategies for hostile input: Unicode text, bytes in mixed encodings, HTML trees, corpus files.

Word lists are small and invented so that the NLP stages have something to fire on (cues, quotes, numbers,
names) while the characters around them are as strange as Unicode allows.
"""

from __future__ import annotations

import csv
import gzip
import io
import json

from hypothesis import strategies as st

# Characters that have broken text pipelines elsewhere: combining marks, bidi controls, joiners, emoji
# sequences, line separators Python splits on but spaCy does not, NUL and other controls, a BOM, a lone
# surrogate, noncharacters, astral code points, full-width and decomposed letters.
SPECIAL_CHARACTERS = (
    "\u0301",  # combining acute
    "e\u0308\u0323",  # stacked combining marks
    "\u20dd",  # combining enclosing circle
    "\u202e",  # right-to-left override
    "\u200f",  # right-to-left mark
    "\u2067",  # right-to-left isolate
    "\u0627\u0644\u062e\u0628\u0631",  # Arabic word
    "\u05d7\u05d3\u05e9\u05d5\u05ea",  # Hebrew word
    "\u200d",  # zero-width joiner
    "\u200b",  # zero-width space
    "\U0001f469\u200d\U0001f469\u200d\U0001f467",  # family emoji sequence
    "\U0001f1fa\U0001f1f8",  # flag
    "\U0001f44d\U0001f3fd",  # emoji with skin tone
    "\x00",
    "\x0b",
    "\x0c",
    "\x1c",
    "\x1e",
    "\x85",
    "\u2028",
    "\u2029",
    "\ufeff",
    "\ufffd",
    "\uffff",
    "\ud800",  # lone high surrogate
    "\udfff",  # lone low surrogate
    "\U0010ffff",
    "\U0001d54f",  # mathematical double-struck letter
    "\uff21\uff22",  # full-width letters
    "\u00a0",
    "\u3000",
    "\t",
    "\r",
    "\r\n",
    "\n",
    "\n\n",
    "&amp;",
    "<",
    ">",
    '"',
    "“",
    "”",
    "'",
    "’",
)

WORDS = (
    "The mayor",
    "said",
    "told reporters",
    "according to",
    "officials",
    "a spokesman",
    "denied",
    "reportedly",
    "may",
    "allegedly",
    "Examplefield",
    "Rosa Lindqvist",
    "Ministry of Ferries",
    "on Monday",
    "in March 2024",
    "about 40,000 passengers",
    "12 percent",
    "the bridge",
    "was closed",
    "sources",
    "claimed",
    "that",
    "it",
    "will",
    "Fact-checked ✔",
    "Share on Facebook | Tweet | Email",
    "Leave a Reply",
    "[Read more: the ferry]",
    ".",
    ",",
    ":",
    "?",
    "!",
)

#: Any code point at all, lone surrogates included (Hypothesis leaves category Cs out unless asked).
any_character = st.characters(categories=None, codec=None, exclude_categories=())
#: Characters that JSON, XML and the web can carry (no surrogates): the alphabet of decoded text.
valid_character = st.characters(exclude_categories=("Cs",))

#: Pieces of text: invented news words, special characters and random characters, in any mix.
fragment = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(SPECIAL_CHARACTERS),
    st.text(any_character, max_size=8),
)


@st.composite
def hostile_text(draw, max_pieces: int = 40) -> str:
    """A text of news words and hostile characters, joined by single spaces, nothing or paragraph breaks."""
    pieces = draw(st.lists(fragment, max_size=max_pieces))
    separators = draw(st.lists(st.sampled_from((" ", "", "\n", "\n\n", " \n \n")), min_size=len(pieces)))
    return "".join(piece + separator for piece, separator in zip(pieces, separators, strict=False))


@st.composite
def news_text(draw) -> str:
    """A text that reads roughly like an article (a headline, paragraphs of sentences) with hostile bits in it."""
    headline = draw(st.lists(st.sampled_from(WORDS[:20]), min_size=1, max_size=6))
    paragraphs = []
    for _ in range(draw(st.integers(1, 5))):
        sentence = draw(st.lists(fragment, min_size=3, max_size=14))
        paragraphs.append(" ".join(sentence) + ".")
    return " ".join(headline) + "\n\n" + "\n\n".join(paragraphs)


# -- bytes ----------------------------------------------------------------------------------------------------

ENCODINGS = (
    "utf-8",
    "utf-8-sig",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "cp1252",
    "latin-1",
    "cp1251",
    "koi8-r",
    "shift_jis",
    "euc-jp",
    "iso2022_jp",
    "gb18030",
    "big5",
    "euc-kr",
    "cp437",
    "mac-roman",
    "utf-7",
)

#: Charset labels a page may declare: real ones, misspelt ones, and Python codecs that are not charsets.
DECLARED_CHARSETS = (
    *ENCODINGS,
    "UTF8",
    "iso-8859-1",
    "x-user-defined",
    "unicode",
    "none",
    "undefined",
    "unicode_escape",
    "raw_unicode_escape",
    "idna",
    "punycode",
    "rot13",
    "base64",
    "hex",
    "zlib",
    "uu",
    "cp65001",
    "mbcs",
    "",
)


@st.composite
def encoded_text(draw) -> bytes:
    """Text encoded in one or several encodings in turn (a page pasted together from sources that disagree)."""
    parts = []
    for _ in range(draw(st.integers(1, 4))):
        text = draw(st.one_of(hostile_text(max_pieces=12), news_text()))
        encoding = draw(st.sampled_from(ENCODINGS))
        # "surrogatepass" writes a lone surrogate as the bytes a broken UTF-8 or UTF-16 encoder would.
        errors = "surrogatepass" if encoding.startswith("utf") and draw(st.booleans()) else "replace"
        parts.append(text.encode(encoding, errors=errors))
    return b"".join(parts)


@st.composite
def declared_page(draw) -> bytes:
    """An HTML page whose meta charset may lie about (or not name) the encoding of its body."""
    declared = draw(st.sampled_from(DECLARED_CHARSETS))
    body = draw(encoded_text())
    return f'<html><head><meta charset="{declared}"></head><body><p>'.encode() + body + b"</p></body></html>"


def truncated(data: bytes, cut: int) -> bytes:
    return data[: max(0, len(data) - cut)] if cut else data


@st.composite
def hostile_bytes(draw) -> bytes:
    """Random bytes, encoded text, lying pages; each maybe gzipped, then maybe truncated or with a byte flipped."""
    data = draw(st.one_of(st.binary(max_size=300), encoded_text(), declared_page()))
    if draw(st.booleans()):
        data = gzip.compress(data, mtime=0)
    if draw(st.integers(0, 3)) == 0:
        data = truncated(data, draw(st.integers(1, 40)))
    if data and draw(st.integers(0, 4)) == 0:
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + bytes([data[position] ^ draw(st.integers(1, 255))]) + data[position + 1 :]
    return data


# -- HTML -----------------------------------------------------------------------------------------------------

TAGS = (
    "p", "div", "span", "article", "main", "section", "a", "b", "i", "em", "h1", "h2", "ul", "li", "table", "tr",
    "td", "blockquote", "q", "pre", "code", "nav", "header", "footer", "aside", "figure", "figcaption", "form",
    "script", "style", "noscript", "template", "textarea", "title", "iframe", "svg", "math", "select", "option",
    "xmp", "plaintext", "frameset", "html", "head", "body", "br", "img", "hr", "meta", "link", "input", "x-custom",
    "o:p", "🙂",
)  # fmt: skip
ENTITIES = (
    "&amp;", "&lt;", "&gt;", "&quot;", "&nbsp;", "&nbsp", "&copy", "&#0;", "&#x0;", "&#xD800;", "&#55296;",
    "&#1114112;", "&#x110000;", "&#99999999999;", "&#x41", "&notanentity;", "&", "&#;", "&#x;", "&AElig;",
    "&CounterClockwiseContourIntegral;",
)  # fmt: skip
ATTRIBUTES = (
    "", ' class="comments"', ' id="main"', ' class="article-body"', " hidden", ' style="display:none"',
    " onload=alert(1)", ' href="javascript:alert(1)"', ' lang="ar" dir="rtl"', ' class="share"', " a=", ' b="',
    " c='unclosed", ' data-x="&quot;"', " " + "x" * 300 + "=1",
)  # fmt: skip
MARKUP_NOISE = (
    "<!-- a comment -->", "<!--", "-->", "<!---->", "<!--->", "<![CDATA[ raw ]]>", "<![CDATA[", "<?xml version='1.0'?>",
    "<!DOCTYPE html>", "<!doctype>", "</p>", "</div></div>", "<p", "<", "</", "<>", "< p>", "<br/>", "<img src=x>",
    "<script>var s = '</p>';</script>", "<script>", "<style>p{}</style>", "<meta charset='utf-7'>", "]]>",
    "<![if !IE]>", "<table><td>cell", "<svg><foreignObject><p>in svg</p></foreignObject></svg>",
    "<math><mi>x</mi></math>",
)  # fmt: skip

html_text = st.one_of(
    st.sampled_from(WORDS),
    st.sampled_from(ENTITIES),
    st.sampled_from(SPECIAL_CHARACTERS),
    st.sampled_from(MARKUP_NOISE),
    st.text(any_character, max_size=6),
)


def element(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    @st.composite
    def build(draw) -> str:
        tag = draw(st.sampled_from(TAGS))
        inner = "".join(draw(st.lists(children, max_size=5)))
        closing = draw(st.sampled_from((f"</{tag}>", f"</{tag}>", f"</{tag}>", "", f"</{tag.upper()}>", "</x>")))
        return f"<{tag}{draw(st.sampled_from(ATTRIBUTES))}>{inner}{closing}"

    return build()


html_fragment = st.recursive(html_text, element, max_leaves=40)


@st.composite
def html_page(draw) -> str:
    """A page: maybe a doctype and head, a body of random elements, often an article of real-looking sentences."""
    body = "".join(draw(st.lists(html_fragment, max_size=8)))
    if draw(st.booleans()):
        sentences = draw(st.lists(news_text(), min_size=1, max_size=3))
        article = "".join(f"<p>{sentence}</p>" for sentence in sentences)
        position = draw(st.integers(0, len(body)))
        body = body[:position] + f"<article><h1>Headline</h1>{article}</article>" + body[position:]
    head = draw(st.sampled_from(("", "<head><title>A fictional page</title></head>", "<head><title>")))
    doctype = draw(st.sampled_from(("", "<!DOCTYPE html>", "<?xml version='1.0' encoding='utf-8'?>")))
    return f"{doctype}<html>{head}<body>{body}</body></html>"


@st.composite
def deep_html(draw) -> str:
    """Markup nested thousands deep (parsers and tree walkers recurse), closed, half closed or not at all."""
    depth = draw(st.integers(100, 6000))
    tag = draw(st.sampled_from(("div", "span", "b", "table", "p", "a", "blockquote", "li")))
    closing = draw(st.sampled_from(("all", "half", "none")))
    closes = depth if closing == "all" else depth // 2 if closing == "half" else 0
    text = "The mayor said on Monday that the bridge over the river was safe for everyone."
    return "<html><body>" + f"<{tag}>" * depth + f"<p>{text}</p>" + f"</{tag}>" * closes + "</body></html>"


# -- corpus files ---------------------------------------------------------------------------------------------

FIELD_NAMES = ("text", "content", "body", "title", "headline", "url", "id", "authors", "published", "domain", "x")

json_scalar = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), st.text(any_character, max_size=20)
)
json_value = st.recursive(
    st.one_of(json_scalar, hostile_text(max_pieces=10)),
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.sampled_from(FIELD_NAMES), inner, max_size=4)
    ),
    max_leaves=12,
)
record = st.dictionaries(st.sampled_from(FIELD_NAMES), json_value, max_size=6)


def dump_json(value) -> str:
    # allow_nan writes NaN, which json.loads accepts and a strict reader would not; both are worth feeding.
    return json.dumps(value, ensure_ascii=True, allow_nan=True)


def breakage(line: str, cut: int, quote_at: int) -> str:
    """A line with its tail cut off, or a stray quote in it: the two ways exported corpora break."""
    if cut:
        line = line[: max(0, len(line) - cut)]
    if quote_at:
        position = quote_at % (len(line) + 1)
        line = line[:position] + '"' + line[position:]
    return line


@st.composite
def jsonl_file(draw) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.integers(0, 9))
        if kind == 0:
            lines.append(draw(st.binary(max_size=40)))
            continue
        if kind == 1:
            depth = draw(st.integers(10, 200_000))
            lines.append(("[" * depth + "]" * draw(st.sampled_from((0, depth)))).encode())
            continue
        line = dump_json(draw(record) if kind > 2 else draw(json_value))
        line = breakage(line, draw(st.sampled_from((0, 0, 0, 1, 5))), draw(st.sampled_from((0, 0, 0, 7, 31))))
        lines.append(line.encode("utf-8", "surrogatepass"))
    ending = draw(st.sampled_from((b"\n", b"\r\n", b"\n\n", b"\r")))
    data = ending.join(lines)
    return gzip.compress(data, mtime=0) if draw(st.integers(0, 5)) == 0 else data


@st.composite
def csv_file(draw, delimiter: str = ",") -> bytes:
    header = draw(st.lists(st.sampled_from(FIELD_NAMES), min_size=1, max_size=5))
    rows = draw(
        st.lists(
            st.lists(st.one_of(hostile_text(max_pieces=8), st.text(any_character, max_size=10)), max_size=6), max_size=5
        )
    )
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=draw(st.sampled_from((csv.QUOTE_MINIMAL, csv.QUOTE_ALL))))
    writer.writerow(header)
    for row in rows:
        writer.writerow(row)
    lines = buffer.getvalue().split("\n")
    broken = [
        breakage(line, draw(st.sampled_from((0, 0, 0, 2))), draw(st.sampled_from((0, 0, 0, 3, 11)))) for line in lines
    ]
    data = "\n".join(broken).encode("utf-8", "surrogatepass")
    if draw(st.integers(0, 5)) == 0:
        data = b"\xef\xbb\xbf" + data
    if draw(st.integers(0, 6)) == 0:
        data = data.replace(b"\n", b"\r")
    return data


def warc_record(
    url: str, body: bytes, content_type: str, status: str = "200 OK", date: str = "2026-01-05T10:00:00Z"
) -> bytes:
    """One WARC/1.0 response record, written from the format's specification."""
    http = f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: {date}\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return headers + http + b"\r\n\r\n"


@st.composite
def warc_file(draw) -> bytes:
    """A WARC of a few response records, each maybe gzipped on its own, then truncated or garbled."""
    records = []
    for number in range(draw(st.integers(0, 4))):
        body = draw(st.one_of(declared_page(), encoded_text(), st.binary(max_size=60)))
        content_type = draw(
            st.sampled_from(
                (
                    "text/html; charset=utf-8",
                    "text/html",
                    "text/html; charset=undefined",
                    "text/html; charset=utf-7",
                    "text/html; charset=",
                    "application/xhtml+xml",
                    "image/png",
                    "",
                )
            )
        )
        status = draw(st.sampled_from(("200 OK", "404 Not Found", "200", "abc", "")))
        date = draw(st.sampled_from(("2026-01-05T10:00:00Z", "yesterday", "", "2026-13-45T99:99:99Z")))
        record_bytes = warc_record(f"https://news.example/{number}", body, content_type, status, date)
        records.append(gzip.compress(record_bytes, mtime=0) if draw(st.booleans()) else record_bytes)
    data = b"".join(records)
    if draw(st.booleans()):
        data = truncated(data, draw(st.integers(1, max(1, len(data)))))
    if data and draw(st.integers(0, 3)) == 0:
        position = draw(st.integers(0, len(data) - 1))
        data = data[:position] + draw(st.binary(min_size=1, max_size=8)) + data[position + 1 :]
    return data
