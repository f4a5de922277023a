"""A gzip body put together from pieces compressed ahead of time reads back as the whole text."""

import gzip
import zlib

from django.test import RequestFactory
from hypothesis import given
from hypothesis import strategies as st

from courseware.gzip_pieces import Piece, gzip_body, piece, pieces_response

texts = st.text(max_size=300)
parts = st.lists(st.one_of(texts.map(piece), texts), max_size=12)


def joined(pieces) -> str:
    return "".join(each.text if isinstance(each, Piece) else each for each in pieces)


@given(parts)
def test_any_mix_of_pieces_reads_back_as_their_text(pieces):
    body = gzip_body(pieces)
    assert gzip.decompress(body).decode() == joined(pieces)
    # zlib checks the header's flags, the length and the CRC in the trailer as well.
    assert zlib.decompress(body, 16 + zlib.MAX_WBITS).decode() == joined(pieces)


def test_text_longer_than_one_stored_block_is_split_across_blocks():
    long = "é" * 70_000  # 140,000 bytes: three stored blocks
    body = gzip_body([piece("<p>"), long, piece("</p>")])
    assert gzip.decompress(body).decode() == f"<p>{long}</p>"


def test_the_header_carries_a_file_name_of_random_length_against_breach():
    sizes = {len(gzip_body([piece("same text every time")])) for _ in range(60)}
    assert len(sizes) > 5


def test_pieces_compressed_once_keep_the_body_small():
    paragraph = "<p>An event says what happened; a command asks for something.</p>\n" * 200
    body = gzip_body([piece(paragraph), "token", piece(paragraph)])
    assert len(body) < len(paragraph) / 10


def test_a_browser_taking_gzip_gets_it_and_the_others_plain_html():
    pieces = [piece("<!doctype html><p>"), "per request", piece("</p>")]
    factory = RequestFactory()
    zipped = pieces_response(factory.get("/", HTTP_ACCEPT_ENCODING="br, gzip"), pieces)
    assert zipped["Content-Encoding"] == "gzip"
    assert zipped["Vary"] == "Accept-Encoding"
    assert gzip.decompress(zipped.content) == b"<!doctype html><p>per request</p>"
    plain = pieces_response(factory.get("/", HTTP_ACCEPT_ENCODING="br"), pieces, status=400)
    assert not plain.has_header("Content-Encoding")
    assert plain["Vary"] == "Accept-Encoding"
    assert plain.status_code == 400
    assert plain.content == b"<!doctype html><p>per request</p>"
