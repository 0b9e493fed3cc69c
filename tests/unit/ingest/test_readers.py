import csv
import gzip
import io
import json
import os

import pytest

from newsaudit.errors import UnsupportedFormatError
from newsaudit.ingest.readers import FieldMap, RawDocument, ReadFailure, count_documents, detect_format, read
from tests.conftest import SCRAPED_STORY, fictional_html


def warc_record(url: str, body: bytes, content_type: str = "text/html; charset=utf-8") -> bytes:
    """One WARC/1.0 response record, written by hand from the format's specification."""
    http = (f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {len(body)}\r\n\r\n").encode() + body
    headers = (
        "WARC/1.0\r\nWARC-Type: response\r\n"
        f"WARC-Target-URI: {url}\r\nWARC-Date: 2026-01-05T10:00:00Z\r\n"
        "WARC-Record-ID: <urn:uuid:00000000-0000-0000-0000-000000000000>\r\n"
        f"Content-Type: application/http; msgtype=response\r\nContent-Length: {len(http)}\r\n\r\n"
    ).encode()
    return headers + http + b"\r\n\r\n"


def test_readers_detect_format_from_extension_then_content():
    assert detect_format("page.HTML", b"") == "html"
    assert detect_format("crawl.warc.gz", b"") == "warc"
    assert detect_format("story.txt", b"<html>") == "text"
    assert detect_format("noext", b"<!DOCTYPE html><html>") == "html"
    assert detect_format("noext", b'{"content": "x"}\n{"content": "y"}') == "jsonl"
    assert detect_format("noext", b"WARC/1.0\r\n") == "warc"
    assert detect_format("noext", b"id,title,content\n1,a,b") == "csv"
    assert detect_format("noext", b"Just a headline\n\nAnd a body.") == "text"
    assert detect_format("noext", b'[{"text": "a"}, {"text": "b"}]') == "json"
    assert detect_format("noext", b"[Updated] A bracketed headline\n\nBody.") == "text"
    assert detect_format("noext", b"{Exclusive} Braced headline\n\nBody.") == "text"


def test_readers_text_file_is_titled(tmp_path):
    (tmp_path / "story.txt").write_text(SCRAPED_STORY, encoding="utf-8")
    [document] = read([tmp_path / "story.txt"])
    assert isinstance(document, RawDocument)
    assert document.kind == "text" and document.titled and document.format == "text"


def test_readers_directory_is_walked_recursively_reporting_what_it_leaves_out(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "one.html").write_text(fictional_html(), encoding="utf-8")
    (tmp_path / "two.txt").write_text(SCRAPED_STORY, encoding="utf-8")
    (tmp_path / "three.html.gz").write_bytes(gzip.compress(fictional_html().encode()))
    (tmp_path / ".hidden.txt").write_text("secret", encoding="utf-8")
    (tmp_path / "image.png").write_bytes(b"\x89PNG")
    left_out = []
    sources = [document.source for document in read([tmp_path], on_skip=lambda *skip: left_out.append(skip))]
    assert [s.split("/")[-1] for s in sources] == ["one.html", "three.html.gz", "two.txt"]
    assert [(path.split("/")[-1], reason) for path, reason in left_out] == [
        (".hidden.txt", "hidden"),
        ("image.png", "not an article format"),
    ]


def test_readers_every_file_in_a_folder_is_a_document_or_a_failure_as_it_is_alone(tmp_path):
    folder = tmp_path / "dump"
    folder.mkdir()
    (folder / "story").write_text("A fictional headline\n\nThe ferry to Lowmarsh ran late on Friday.\n")
    (folder / "blob").write_bytes(bytes(range(256)) * 8)
    (folder / "gone.html").symlink_to(folder / "deleted.html")
    os.mkfifo(folder / "pipe.txt")
    (folder / "loop").symlink_to(folder)
    left_out = []
    walked = {item.source.split("/")[-1]: item for item in read([folder], on_skip=lambda *s: left_out.append(s))}
    assert sorted(walked) == ["blob", "gone.html", "pipe.txt", "story"]
    assert isinstance(walked["story"], RawDocument) and walked["story"].kind == "text"
    assert walked["blob"].error.code == "binary_input"
    assert "broken symbolic link" in str(walked["gone.html"].error)
    assert "not a regular file" in str(walked["pipe.txt"].error)
    assert [reason for _, reason in left_out] == ["a folder already read (a symbolic link loop)"]
    for name in ("story", "blob", "gone.html"):  # alone, the same file gives the same kind of record
        [alone] = read([folder / name])
        assert type(alone) is type(walked[name])
        assert type(getattr(alone, "error", None)) is type(getattr(walked[name], "error", None))


def test_readers_count_documents_when_the_names_tell(tmp_path):
    (tmp_path / "a.html").write_text(fictional_html())
    (tmp_path / "b.txt.gz").write_bytes(gzip.compress(SCRAPED_STORY.encode()))
    (tmp_path / "notes.md").write_text("left out")
    assert count_documents([tmp_path]) == 2
    assert count_documents([tmp_path / "a.html", tmp_path]) == 3
    (tmp_path / "more.jsonl").write_text('{"text": "x"}\n')
    assert count_documents([tmp_path]) is None  # a JSONL file may hold any number
    assert count_documents(["-"]) is None


def test_readers_jsonl_maps_default_fields_and_keeps_going_after_a_bad_line(tmp_path):
    lines = [
        json.dumps(
            {
                "id": 7,
                "title": "Fictional title",
                "content": "Body text of a fictional story.",
                "url": "https://www.example-news.test/a",
                "authors": "Ana Ruiz, Li Wen",
            }
        ),
        "{not json",
        json.dumps({"id": 8, "title": "No body here"}),
        json.dumps(["not", "an", "object"]),
        json.dumps({"text": "Second <p>fictional</p> body <div>with tags</div>."}),
    ]
    path = tmp_path / "corpus.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    items = list(read([path]))
    assert [type(item).__name__ for item in items] == [
        "RawDocument",
        "ReadFailure",
        "ReadFailure",
        "ReadFailure",
        "RawDocument",
    ]
    first = items[0]
    assert first.fields["id"] == "7" and first.fields["title"] == "Fictional title"
    assert first.fields["authors"] == ("Ana Ruiz", "Li Wen")
    assert first.source.endswith("corpus.jsonl:1") and first.kind == "text"
    assert items[1].source.endswith(":2") and "not valid JSON" in str(items[1].error)
    assert items[2].id == "8" and items[2].error.code == "empty_input"
    assert items[4].kind == "html"


def test_readers_jsonl_field_overrides(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(json.dumps({"key": "k1", "headline": "H", "story": "S is a body.", "text": "wrong"}) + "\n")
    [document] = read([path], fields=FieldMap(text="story", title="headline", id="key"))
    assert document.content == "S is a body." and document.fields["title"] == "H" and document.fields["id"] == "k1"


def _write_csv(path, header, rows):
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


def test_readers_csv_with_fakenewscorpus_columns(tmp_path):
    path = tmp_path / "news.csv"
    body = 'First paragraph of a fictional story.\n\nSecond paragraph, with a comma, and "quotes".'
    _write_csv(
        path,
        ["", "id", "domain", "type", "url", "content", "title", "authors"],
        [["0", "123", "fiction.test", "fake", "https://fiction.test/x", body, "Made-up headline", "Jo Bloggs"]],
    )
    [document] = read([path])
    assert document.content == body
    assert document.fields == {
        "id": "123",
        "title": "Made-up headline",
        "url": "https://fiction.test/x",
        "authors": ("Jo Bloggs",),
        "domain": "fiction.test",
    }


def test_readers_csv_with_fnc_body_columns(tmp_path):
    path = tmp_path / "bodies.csv"
    _write_csv(path, ["Body ID", "articleBody"], [["0", "A fictional body."], ["4", "Another fictional body."]])
    ids = [document.fields["id"] for document in read([path])]
    assert ids == ["0", "4"]


def test_readers_csv_without_text_column_fails_once_with_advice(tmp_path):
    path = tmp_path / "x.csv"
    _write_csv(path, ["a", "b"], [["1", "2"], ["3", "4"]])
    [failure] = read([path])
    assert isinstance(failure, ReadFailure) and "--text-field" in str(failure.error)


def test_readers_tsv_and_json_array(tmp_path):
    (tmp_path / "x.tsv").write_text("title\ttext\nT1\tBody one.\nT2\tBody two.\n", encoding="utf-8")
    (tmp_path / "y.json").write_text(json.dumps([{"text": "Body three."}, {"text": "Body four."}]), encoding="utf-8")
    contents = [document.content for document in read([tmp_path / "x.tsv", tmp_path / "y.json"])]
    assert contents == ["Body one.", "Body two.", "Body three.", "Body four."]


@pytest.mark.parametrize("compress", [False, True])
def test_readers_warc_yields_html_responses_only(tmp_path, compress):
    records = [
        warc_record("https://news.test/a", fictional_html(title="First").encode()),
        warc_record("https://news.test/logo.png", b"\x89PNG....", content_type="image/png"),
        warc_record("https://news.test/b", fictional_html(title="Second").encode()),
    ]
    data = b"".join(gzip.compress(record) for record in records) if compress else b"".join(records)
    path = tmp_path / ("crawl.warc.gz" if compress else "crawl.warc")
    path.write_bytes(data)
    documents = list(read([path]))
    assert [document.fields["url"] for document in documents] == ["https://news.test/a", "https://news.test/b"]
    assert all(document.kind == "html" and "First" in documents[0].content for document in documents)


def test_readers_warc_without_html_is_one_failure(tmp_path):
    path = tmp_path / "empty.warc"
    path.write_bytes(warc_record("https://news.test/x.png", b"\x89PNG", content_type="image/png"))
    [failure] = read([path])
    assert isinstance(failure, ReadFailure) and "no HTML" in str(failure.error)


def test_readers_stdin_is_sniffed():
    stream = io.BufferedReader(io.BytesIO(b'{"content": "From standard input."}\n'))
    [document] = read(["-"], stdin=stream)
    assert document.content == "From standard input." and document.source.startswith("<stdin>")


def test_readers_too_large_file_is_a_failure_not_a_crash(tmp_path):
    path = tmp_path / "big.txt"
    path.write_bytes(b"word " * 3000)
    [failure] = read([path], max_bytes=1000)
    assert isinstance(failure, ReadFailure) and failure.error.code == "input_too_large"
    assert "15.0 kB" in str(failure.error) and "--max-bytes" in str(failure.error)


def test_readers_bad_records_in_a_corpus_are_counted_per_record(tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join(json.dumps({"content": "x" * size}) for size in (10, 5000, 20)) + "\n")
    items = list(read([path], max_bytes=1000))
    assert [type(item).__name__ for item in items] == ["RawDocument", "ReadFailure", "RawDocument"]


def test_readers_missing_path_and_unknown_format_raise():
    with pytest.raises(FileNotFoundError):
        list(read(["/no/such/file.html"]))
    with pytest.raises(UnsupportedFormatError):
        list(read(["-"], format="pdf"))


def test_readers_a_missing_path_raises_before_anything_is_read(tmp_path):
    (tmp_path / "first.txt").write_text(SCRAPED_STORY, encoding="utf-8")
    with pytest.raises(FileNotFoundError, match=r"missing\.txt"):
        read([tmp_path / "first.txt", tmp_path / "missing.txt"])  # at the call, not at the second document


def test_readers_json_nested_deeper_than_recursion_is_a_failure_not_a_crash():
    # Found by the fuzz suite: json.loads raised RecursionError out of the reader.
    lines = b"[" * 100_000 + b'\n{"text": "The mayor said so on Monday."}\n'
    items = list(read(["-"], format="jsonl", stdin=io.BytesIO(lines)))
    assert [type(item).__name__ for item in items] == ["ReadFailure", "RawDocument"]
    assert "nested too deeply" in str(items[0].error)
    [failure] = list(read(["-"], format="json", stdin=io.BytesIO(b"[" * 100_000)))
    assert isinstance(failure, ReadFailure)


def test_readers_json_lone_surrogate_escapes_become_replacement_characters():
    # Found by the fuzz suite: "\ud800" in a JSON string went through as a lone surrogate, which no file, page or
    # store can hold.
    line = b'{"text": "The mayor \\ud800 said so.", "title": "A \\udfff title", "authors": ["Ana \\ud83d"]}'
    [document] = list(read(["-"], format="jsonl", stdin=io.BytesIO(line)))
    assert document.content == "The mayor \ufffd said so."
    assert document.fields["title"] == "A \ufffd title" and document.fields["authors"] == ("Ana \ufffd",)


def test_readers_csv_line_separators_inside_an_unquoted_field_stay_in_it():
    # Found by the fuzz suite: the codecs reader ended lines at U+2028, NEL and form feed too, splitting the row.
    data = "id,text\n1,The mayor\u2028said so on Monday.\n2,The council\x0cagreed.\n".encode()
    documents = list(read(["-"], format="csv", stdin=io.BytesIO(data)))
    contents = [document.content for document in documents]
    assert contents == ["The mayor\u2028said so on Monday.", "The council\x0cagreed."]


@pytest.mark.parametrize("format", ["jsonl", "csv"])
def test_readers_gzipped_corpus_is_decompressed_and_a_truncated_one_fails_once(tmp_path, format):
    # Found by the fuzz suite: corpus.jsonl.gz and corpus.csv.gz were read as their compressed bytes.
    if format == "jsonl":
        data = "".join(json.dumps({"id": n, "text": f"The mayor said so on day {n}."}) + "\n" for n in range(200))
    else:
        data = "id,text\n" + "".join(f"{n},The mayor said so on day {n}.\n" for n in range(200))
    packed = gzip.compress(data.encode())
    (tmp_path / f"corpus.{format}.gz").write_bytes(packed)
    (tmp_path / f"cut.{format}.gz").write_bytes(packed[: len(packed) // 2])
    whole = list(read([tmp_path / f"corpus.{format}.gz"]))
    assert [document.content for document in whole] == [f"The mayor said so on day {n}." for n in range(200)]
    cut = list(read([tmp_path / f"cut.{format}.gz"]))
    assert all(isinstance(item, RawDocument) for item in cut[:-1]) and isinstance(cut[-1], ReadFailure)
    assert "gzip data is truncated" in str(cut[-1].error)


def test_readers_parquet_rows_stream_as_documents_with_fields_and_row_sources(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    rows = [{"uid": f"fiction-{n}", "body": f"The fictional town of Brindlemoor opened bridge {n}.", "headline": "x"}
            for n in range(600)]  # fmt: skip
    rows[5]["body"] = ""
    path = tmp_path / "crawl.parquet"
    pq.write_table(pa.Table.from_pylist(rows), path, row_group_size=100)
    assert detect_format(str(path), b"") == "parquet"
    items = list(read([path], fields=FieldMap(text="body", id="uid", title="headline")))
    assert len(items) == 600
    assert items[0].fields["id"] == "fiction-0" and items[0].fields["title"] == "x"
    assert items[0].source == f"{path}#0"
    assert items[599].source == f"{path}#599" and "bridge 599" in items[599].content
    assert isinstance(items[5], ReadFailure) or not items[5].content.strip()


def test_readers_parquet_sniffed_without_extension_and_corrupt_file_is_one_failure(tmp_path):
    pa = pytest.importorskip("pyarrow")
    pq = pytest.importorskip("pyarrow.parquet")
    path = tmp_path / "export"
    pq.write_table(pa.Table.from_pylist([{"text": "A fictional ferry sailed from Corvel Bay on Monday."}]), path)
    assert detect_format(str(path), path.read_bytes()[:64]) == "parquet"
    assert [item.content for item in read([path], format="parquet")] == [
        "A fictional ferry sailed from Corvel Bay on Monday."
    ]
    broken = tmp_path / "broken.parquet"
    broken.write_bytes(path.read_bytes()[:40] + b"PAR1")
    (failure,) = list(read([broken]))
    assert isinstance(failure, ReadFailure) and failure.error.code == "bad_input"
    no_text = tmp_path / "numbers.parquet"
    pq.write_table(pa.Table.from_pylist([{"n": 1}]), no_text)
    (failure,) = list(read([no_text]))
    assert isinstance(failure, ReadFailure) and "--text-field" in str(failure.error)
