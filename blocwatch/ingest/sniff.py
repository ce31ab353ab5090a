"""Byte-level checks before any parsing: what kind of input is this, and how is it encoded?

* :func:`sniff_kind` names the kind of a byte string ("html", "text", "json", "gzip") from its
  first bytes, or reports it as binary (known magic numbers, NUL bytes, control characters).
* :func:`decode_text` turns bytes into ``str``: a declared charset wins, then a BOM, then strict
  UTF-8.  Bytes that are *mostly* valid UTF-8 but hold stray invalid bytes are corrupt, not
  another encoding, and are refused; bytes with no UTF-8 multi-byte sequence at all are a legacy
  8-bit or CJK encoding and go to ``charset_normalizer`` restricted to the charsets the web uses
  (its unrestricted guesses on short text are poor: "café" in cp1252 comes back as cp775).
* :func:`gunzip_capped` decompresses with a hard cap on the output, the defence against gzip
  bombs (a few kilobytes that expand to gigabytes).
"""

from __future__ import annotations

import codecs
import re
import zlib

__all__ = ["DecodeError", "decode_text", "gunzip_capped", "sniff_kind"]

_MAGIC = {
    b"%PDF": "PDF document",
    b"\x89PNG": "PNG image",
    b"\xff\xd8\xff": "JPEG image",
    b"GIF8": "GIF image",
    b"PK\x03\x04": "ZIP archive",
    b"\x7fELF": "ELF executable",
    b"BZh": "bzip2 archive",
    b"\xfd7zXZ": "xz archive",
    b"7z\xbc\xaf": "7z archive",
    b"RIFF": "RIFF media file",
    b"\x00\x00\x01\x00": "icon image",
    b"SQLite format 3": "SQLite database",
    b"WARC/": "WARC archive (not supported yet)",
}
_BOMS = [
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
_HTML_START = re.compile(
    rb"\s*(?:<\?xml[^>]*>\s*)?(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body|meta|title|article|div|p)\b",
    re.I | re.S,
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_CONTROL = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
# The charsets news sites actually serve; detection is limited to them.
_WEB_CHARSETS = [
    "cp1252", "iso8859_15", "cp1250", "iso8859_2", "cp1251", "koi8_r", "cp1253", "cp1254",
    "cp1255", "cp1256", "cp1257", "shift_jis", "euc_jp", "gb18030", "big5", "euc_kr",
]  # fmt: skip


class DecodeError(ValueError):
    """The bytes could not be decoded to text; the message says why."""


def sniff_kind(raw: bytes) -> str:
    """``"gzip"``, ``"html"``, ``"json"``, ``"text"`` or ``"binary: <what>"``."""
    head = raw[:8192]
    if head.startswith(b"\x1f\x8b"):
        return "gzip"
    for magic, what in _MAGIC.items():
        if head.startswith(magic):
            return f"binary: {what}"
    if any(head.startswith(bom) for bom, _ in _BOMS if bom not in (codecs.BOM_UTF8,)):
        return "text"  # UTF-16/32 text is full of NUL bytes; the BOM says it is text
    if b"\x00" in head:
        return "binary: contains NUL bytes"
    if len(_CONTROL.findall(head)) > max(8, len(head) // 100):
        return "binary: many control characters"
    body = head[3:] if head.startswith(codecs.BOM_UTF8) else head
    if _HTML_START.match(body):
        return "html"
    stripped = body.lstrip()
    if stripped[:1] in (b"{", b"["):
        return "json"
    return "text"


def decode_text(raw: bytes, declared: str | None = None) -> str:
    """Decode ``raw``; ``declared`` is a charset from HTTP or a ``<meta>`` tag."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            return raw.decode(encoding, errors="replace")
    if declared:
        try:
            return raw.decode(_normalise_charset(declared))
        except (LookupError, UnicodeDecodeError):
            pass  # a wrong declaration is common; fall through to detection
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        first_bad = exc.start
    if _UTF8_MULTIBYTE.search(raw):
        raise DecodeError(f"invalid UTF-8 (byte 0x{raw[first_bad]:02x} at offset {first_bad})")
    return _detect(raw, first_bad)


def _normalise_charset(name: str) -> str:
    name = name.strip().strip("\"'").lower()
    # WHATWG: pages labelled latin-1 / ascii are decoded as windows-1252.
    return "cp1252" if name in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"} else name


def _detect(raw: bytes, first_bad: int) -> str:
    import charset_normalizer

    matches = list(charset_normalizer.from_bytes(raw, cp_isolation=_WEB_CHARSETS))
    # Ties are common between sibling code pages (cp1250/cp1252 on French text); break them by
    # how common the charset is on the web, which is the order of _WEB_CHARSETS.
    rank = {name: i for i, name in enumerate(_WEB_CHARSETS)}
    best = min(
        matches,
        key=lambda m: (round(m.chaos, 3), -round(m.coherence, 3), rank.get(m.encoding, 99)),
        default=None,
    )
    if best is None or best.chaos > 0.2:
        where = f"byte 0x{raw[first_bad]:02x} at offset {first_bad}"
        raise DecodeError(f"not UTF-8 ({where}) and no charset detected")
    return str(best)


def gunzip_capped(raw: bytes, max_bytes: int) -> bytes:
    """Decompress gzip data (all members), raising :class:`DecodeError` past ``max_bytes``."""
    out = bytearray()
    data = raw
    while data:
        decompressor = zlib.decompressobj(16 + zlib.MAX_WBITS)
        try:
            # Ask for at most one byte more than allowed, so a bomb is never expanded in memory.
            while data and not decompressor.eof:
                out += decompressor.decompress(data, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise DecodeError(f"decompressed size exceeds the limit of {max_bytes} bytes")
                data = decompressor.unconsumed_tail
        except zlib.error as exc:
            raise DecodeError(f"corrupt gzip data ({exc})") from exc
        if not decompressor.eof:
            raise DecodeError("truncated gzip data")
        data = decompressor.unused_data.lstrip(b"\x00")  # concatenated members, tail padding
    return bytes(out)


# A character reference to a lone UTF-16 surrogate (&#xD800; .. &#xDFFF;) names no character:
# XML forbids it, yet recovering parsers keep it and then fail to encode or decode the text.
_SURROGATE_REF = re.compile(
    rb"&#(?:[xX]0*[dD][89a-fA-F][0-9a-fA-F]{2}"
    rb"|0*(?:5529[6-9]|553\d\d|55[4-9]\d\d|56\d{3}|57[0-2]\d\d|573[0-3]\d|5734[0-3]));"
)


def drop_surrogate_references(raw: bytes) -> bytes:
    """Replace references to lone surrogates by U+FFFD, as a browser does."""
    return _SURROGATE_REF.sub(b"&#xFFFD;", raw) if b"&#" in raw else raw
