import gzip

import pytest

from newsaudit.errors import BinaryInputError, EmptyInputError, InputTooLargeError
from newsaudit.ingest.readers.decode import decode

TEXT = "Der Bürgermeister von Fiktivstadt sagte am Montag, die Brücke über den Fluss sei sicher – „ganz sicher“."


def test_decode_utf8_passes_through():
    assert decode(TEXT.encode("utf-8")) == TEXT


def test_decode_legacy_encoding_is_detected():
    text = "Le maire de Villefictive a déclaré que le pont était sûr et que les travaux étaient terminés. " * 3
    assert decode(text.encode("cp1252")) == text


def test_decode_html_meta_charset_is_honoured():
    html = '<html><head><meta charset="iso-8859-1"></head><body><p>Caf\xe9 na pra\xe7a</p></body></html>'
    assert "Café na praça" in decode(html.encode("latin-1"))


def test_decode_utf16_with_bom():
    assert decode(TEXT.encode("utf-16")) == TEXT


def test_decode_gzip_is_undone():
    assert decode(gzip.compress(TEXT.encode("utf-8"))) == TEXT


def test_decode_empty_and_blank_inputs_are_refused():
    with pytest.raises(EmptyInputError):
        decode(b"")
    with pytest.raises(EmptyInputError):
        decode(b" \n\t \r\n")


def test_decode_binary_inputs_are_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    with pytest.raises(BinaryInputError):
        decode(png)
    noise = bytes((i * 7919 + 13) % 256 for i in range(1, 5000) if (i * 7919 + 13) % 256)
    with pytest.raises(BinaryInputError):
        decode(noise)


def test_decode_size_limit_names_the_limit():
    with pytest.raises(InputTooLargeError, match=r"over the 1\.0 kB limit"):
        decode(b"a" * 2000, max_bytes=1000)


def test_decode_gzip_bomb_stops_at_the_limit():
    bomb = gzip.compress(b"a" * 5_000_000)
    with pytest.raises(InputTooLargeError):
        decode(bomb, max_bytes=100_000)


@pytest.mark.parametrize("declared", ["undefined", "unicode_escape", "raw_unicode_escape", "utf-7", "idna"])
def test_decode_a_python_codec_declared_as_charset_is_ignored(declared):
    # Found by the fuzz suite: "undefined" raised UnicodeError and the escape codecs made lone surrogates. None of
    # these is a character set (nor UTF-7, nor IDNA): the bytes are decoded as if no charset was named.
    data = b"Caf\xe9 au lait +2AA- \\ud800 " + b"a" * 70
    for text in (decode(data, declared=declared), decode(f'<meta charset="{declared}">'.encode() + data)):
        text.encode("utf-8")
        assert "\\ud800" in text and "+2AA-" in text
