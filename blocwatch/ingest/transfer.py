"""Content-Encoding decoding with a hard output cap: the decompression-bomb guard.

httpx would expand ``gzip``/``deflate``/``br`` bodies itself, with no limit on how far a few
kilobytes may grow.  :class:`CappedDecoder` does it instead, chunk by chunk as the raw bytes
stream in, and asks every decompressor for at most "cap + 1" bytes so a bomb is refused before it
is ever held in memory.  Stacked encodings (``Content-Encoding: gzip, br``) are undone in reverse
order, each stage capped.  ``identity`` (or no header) passes bytes through.
"""

from __future__ import annotations

import zlib
from typing import Any

__all__ = ["ACCEPT_ENCODING", "BodyTooLarge", "CappedDecoder", "DecodingError"]

try:  # brotli is optional: without it we simply do not advertise "br"
    import brotli as _brotli
except ImportError:  # pragma: no cover - brotli is a declared dependency
    _brotli = None

ACCEPT_ENCODING = "gzip, deflate, br" if _brotli is not None else "gzip, deflate"


class DecodingError(ValueError):
    """The body's Content-Encoding is unknown or its compressed data is corrupt."""


class BodyTooLarge(ValueError):
    """The decoded body grew past the cap."""


class _Zlib:
    """gzip (``wbits=16+15``) or deflate; "deflate" is zlib-wrapped per RFC but often raw."""

    def __init__(self, gzip: bool) -> None:
        self.gzip = gzip
        self.obj: Any = zlib.decompressobj(16 + zlib.MAX_WBITS if gzip else zlib.MAX_WBITS)
        self.started = False

    def feed(self, data: bytes, limit: int) -> bytes:
        if data and not self.started:
            self.started = True
            zlib_header = len(data) >= 2 and data[0] & 0x0F == 8 and ((data[0] << 8) | data[1]) % 31 == 0
            if not self.gzip and not zlib_header:  # raw deflate without the zlib wrapper, as IIS sent
                self.obj = zlib.decompressobj(-zlib.MAX_WBITS)
        out = bytearray()
        while data:
            if self.obj.eof:  # a previous member ended: gzip may concatenate members
                data = data.lstrip(b"\x00") if self.gzip else b""  # deflate: ignore trailing bytes
                if not data:
                    break
                self.obj = zlib.decompressobj(16 + zlib.MAX_WBITS)
            out += self.obj.decompress(data, limit + 1 - len(out))
            if len(out) > limit:
                raise BodyTooLarge
            data = self.obj.unused_data if self.obj.eof else self.obj.unconsumed_tail
        return bytes(out)

    def finish(self) -> None:
        if self.started and not self.obj.eof:
            raise DecodingError("truncated compressed body")


class _Brotli:
    def __init__(self) -> None:
        assert _brotli is not None
        self.obj = _brotli.Decompressor()

    def feed(self, data: bytes, limit: int) -> bytes:
        out = bytearray(self.obj.process(data, output_buffer_limit=limit + 1))
        while len(out) <= limit and not self.obj.can_accept_more_data():
            out += self.obj.process(b"", output_buffer_limit=limit + 1 - len(out))
        if len(out) > limit:
            raise BodyTooLarge
        return bytes(out)

    def finish(self) -> None:
        if not self.obj.is_finished():
            raise DecodingError("truncated brotli body")


def _stage(name: str) -> _Zlib | _Brotli | None:
    if name in ("", "identity"):
        return None
    if name in ("gzip", "x-gzip"):
        return _Zlib(gzip=True)
    if name == "deflate":
        return _Zlib(gzip=False)
    if name == "br" and _brotli is not None:
        return _Brotli()
    raise DecodingError(f"unsupported Content-Encoding {name!r}")


class CappedDecoder:
    """Undo a Content-Encoding header value incrementally; raises past ``cap`` decoded bytes."""

    def __init__(self, content_encoding: str | None, cap: int) -> None:
        names = [n.strip().lower() for n in (content_encoding or "").split(",") if n.strip()]
        self.cap = cap
        self.size = 0
        stages = [_stage(n) for n in reversed(names)]  # the last encoding applied is undone first
        self.stages = [s for s in stages if s is not None]

    @property
    def encoded(self) -> bool:
        return bool(self.stages)

    def feed(self, chunk: bytes) -> bytes:
        data = chunk
        try:
            for stage in self.stages:
                data = stage.feed(data, self.cap - self.size)
        except zlib.error as exc:
            raise DecodingError(f"corrupt compressed body ({exc})") from exc
        except Exception as exc:
            if _brotli is not None and isinstance(exc, _brotli.error):
                raise DecodingError(f"corrupt brotli body ({exc})") from exc
            raise
        self.size += len(data)
        if self.size > self.cap:
            raise BodyTooLarge
        return data

    def finish(self) -> None:
        for stage in self.stages:
            stage.finish()
