"""Bytes to text: byte-order marks, UTF-8/UTF-16, other encodings detected by charset-normalizer (cp1252 and
latin-1 as the last resort), newline normalisation, binary detection.

A file that starts with a byte-order mark but does not decode in that encoding is refused (it is not
guessed at: what it decodes to in another encoding is garbage).
"""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

from ..errors import BadInput

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
_MAX_CONTROL_SHARE = 0.002
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x7fELF", b"MZ", b"\x1f\x8b")


def normalise_newlines(text: str) -> str:
    """`\\r\\n` and `\\r` read as `\\n` (the offsets every stage uses index this text)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def decode_bytes(data: bytes | bytearray, name: str = "file") -> str:
    """Decode a text file's bytes; BadInput when it is empty, binary or undecodable."""
    if not data or data.isspace():
        raise BadInput(f"{name} is empty", "give a book with some text in it")
    text = _decode_with_bom(data, name)
    if text is None:
        if data.startswith(_BINARY_MAGIC) or b"\x00" in data[:4096]:
            text = _decode_utf16_without_bom(data)
            if text is None:
                raise BadInput(f"{name} is a binary file, not text", "give a .txt, .md or .epub book")
        else:
            text = _decode_8bit(data, name)
    text = normalise_newlines(text)
    _check_text(text, name)
    return text


def _decode_with_bom(data: bytes, name: str) -> str | None:
    """The text after a byte-order mark; None without one; BadInput when the rest is not in its encoding."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                label = encoding.upper().replace("-LE", " LE").replace("-BE", " BE")
                raise BadInput(f"{name} starts with a {label} byte-order mark but is not valid {label} "
                               f"(byte {exc.start + len(bom)}: {exc.reason})",
                               "save it again as UTF-8 text and import it again") from None
    return None


def _decode_utf16_without_bom(data: bytes) -> str | None:
    """UTF-16 text saved without a byte-order mark: every other byte of ASCII text is NUL."""
    sample = data[:4096]
    even_nuls, odd_nuls = sample[0::2].count(0), sample[1::2].count(0)
    half = len(sample) // 2
    encoding = "utf-16-be" if even_nuls > 0.4 * half else "utf-16-le" if odd_nuls > 0.4 * half else None
    if encoding is None:
        return None
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError:
        return None
    return text if len(_CONTROL.findall(text[:20000])) <= _MAX_CONTROL_SHARE * min(len(text), 20000) else None


def _decode_8bit(data: bytes, name: str) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    detected = _detected(data)
    for encoding in (*detected, "cp1252", "latin-1"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _control_share(text) <= _MAX_CONTROL_SHARE:
            return text
    raise BadInput(
        f"{name} cannot be decoded as text (not UTF-8, UTF-16, cp1252 or latin-1)",
        "save it as UTF-8 text and import it again",
    )


_SAMPLE = 1 << 18  # enough text to tell the encoding, without scanning a whole long book


_WESTERN_MARGIN = 0.15  # cp1252 is kept unless another encoding reads much less chaotically


def _detected(data: bytes) -> tuple[str, ...]:
    """The encoding charset-normalizer finds most plausible (of a sample), if any; UTF-16 is handled apart.

    On short Western text the detector hesitates between a dozen code pages that differ in a few letters;
    cp1252, by far the most common, wins when it reads about as well as the best.
    """
    matches = list(from_bytes(bytes(data[:_SAMPLE])))
    if not matches:
        return ()
    best = min(matches, key=lambda m: m.chaos)
    western = [m for m in matches if "cp1252" in m.could_be_from_charset]
    if western and western[0].chaos <= best.chaos + _WESTERN_MARGIN:
        return ("cp1252",)
    return () if best.encoding.startswith(("utf_16", "utf_32")) else (best.encoding,)


def _control_share(text: str) -> float:
    return len(_CONTROL.findall(text)) / max(len(text), 1)


def _check_text(text: str, name: str) -> None:
    if not text or text.isspace():
        raise BadInput(f"{name} is empty", "give a book with some text in it")
    if _control_share(text) > _MAX_CONTROL_SHARE:
        raise BadInput(f"{name} looks binary, not text", "give a .txt, .md or .epub book")
