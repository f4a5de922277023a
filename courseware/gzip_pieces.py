"""A gzip body put together from pieces compressed ahead of time.

A page that is rendered once and then filled in per request (a lesson: the same text for
everyone, with one learner's links, questions and CSRF token set into it) would otherwise be
compressed whole on every request by GZipMiddleware, the largest single cost a lesson adds to a
request (docs/benchmarks.md). Here each piece that stays the same is compressed once, into deflate
data that ends on a byte boundary (a sync flush), so such stretches can follow one another in any
order inside one gzip member. What differs per request goes in as stored, uncompressed blocks:
it is short, a CSRF token would not compress anyway, and what is never compressed cannot leak
through the size of a compressed response.

The body keeps what Django's GZipMiddleware adds against BREACH: a random-length file name in the
gzip header, so the size of a response varies from one request to the next. Responses built
here carry their own Content-Encoding, which makes the middleware leave them alone.
"""

from __future__ import annotations

import secrets
import struct
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

from django.http import HttpResponse
from django.middleware.gzip import GZipMiddleware, re_accepts_gzip
from django.utils.cache import patch_vary_headers

_FNAME = 0x08
_OS_UNKNOWN = 0xFF
# A stored block's length is a 16-bit field.
_STORED_MAX = 0xFFFF
# An empty stored block marked final closes the deflate data.
_LAST_BLOCK = b"\x01\x00\x00\xff\xff"


@dataclass(frozen=True, slots=True)
class Piece:
    """Text compressed once: its UTF-8 bytes and the deflate data that spells them."""

    text: str
    data: bytes
    deflated: bytes


def piece(text: str) -> Piece:
    data = text.encode()
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    deflated = compressor.compress(data) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return Piece(text, data, deflated)


def _stored(data: bytes) -> Iterable[bytes]:
    """Deflate's stored (not compressed) blocks holding `data`, none marked final."""
    for start in range(0, len(data), _STORED_MAX):
        chunk = data[start : start + _STORED_MAX]
        yield struct.pack("<BHH", 0, len(chunk), len(chunk) ^ 0xFFFF)
        yield chunk


def gzip_body(pieces: Iterable[Piece | str]) -> bytes:
    """One gzip member whose contents are the pieces' texts, one after the other, as UTF-8."""
    most = GZipMiddleware.max_random_bytes
    padding = b"a" * secrets.randbelow(most) if most else b""
    out = [struct.pack("<BBBBIBB", 0x1F, 0x8B, zlib.DEFLATED, _FNAME, 0, 0, _OS_UNKNOWN)]
    out.append(padding + b"\x00")
    crc = size = 0
    for each in pieces:
        if isinstance(each, Piece):
            data = each.data
            out.append(each.deflated)
        else:
            data = each.encode()
            out.extend(_stored(data))
        crc = zlib.crc32(data, crc)
        size += len(data)
    out.append(_LAST_BLOCK)
    out.append(struct.pack("<II", crc, size & 0xFFFFFFFF))
    return b"".join(out)


def accepts_gzip(request) -> bool:
    return bool(re_accepts_gzip.search(request.META.get("HTTP_ACCEPT_ENCODING", "")))


def pieces_response(request, pieces: list[Piece | str], status: int = 200) -> HttpResponse:
    """The page as gzip if the browser takes it, as plain HTML otherwise."""
    if accepts_gzip(request):
        response = HttpResponse(gzip_body(pieces), status=status)
        response.headers["Content-Encoding"] = "gzip"
    else:
        text = "".join(each.text if isinstance(each, Piece) else each for each in pieces)
        response = HttpResponse(text, status=status)
    patch_vary_headers(response, ("Accept-Encoding",))
    return response
