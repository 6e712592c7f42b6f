"""Decode a text file's bytes: the encoding given, else UTF-8, UTF-16 (with or without a
byte-order mark) or latin-1, without ever holding the whole file as one string.

The parser gets the file's own bytes whenever their encoding keeps ASCII as it is (UTF-8,
latin-1, ...), and the text re-encoded as UTF-8 otherwise (UTF-16), so that delimiters, line
breaks and the limits in ``recsys.data.readers`` work on bytes.
"""

from __future__ import annotations

import codecs

from recsys.errors import DataError, Msg

__all__ = ["decode"]

_CHUNK = 1 << 24


def _first_decode_error(data: bytes, encoding: str) -> UnicodeDecodeError | None:
    """Validate ``data`` piece by piece (cut at line ends), never holding all of it as text."""
    view, pos = memoryview(data), 0
    while pos < len(data):
        end = min(len(data), pos + _CHUNK)
        if end < len(data):
            cut = data.find(b"\n", end)
            end = len(data) if cut < 0 else cut + 1
        try:
            str(view[pos:end], encoding)
        except UnicodeDecodeError as err:
            return UnicodeDecodeError(err.encoding, data[pos + err.start:pos + err.end], pos + err.start,
                                      pos + err.end, err.reason)
        pos = end
    return None


def _ascii_compatible(encoding: str) -> bool:
    name = codecs.lookup(encoding).name
    sample = ",;|\t:\n\x1fa1"
    return not name.startswith(("utf-16", "utf-32")) and sample.encode(encoding, "replace") == sample.encode()


def _utf16_without_bom(data: bytes) -> str | None:
    """``"utf-16-le"``/``"-be"`` when the zero bytes of mostly-ASCII UTF-16 sit on one side.

    The other side may hold some zeros too (CJK and emoji code units such as ``U+DC00`` end in a
    zero byte), so the test is lopsidedness, confirmed by a strict decode of the sample."""
    head = data[:4096 - 4096 % 2]
    half = len(head) // 2
    if half < 2:
        return None
    even, odd = head[0::2].count(0), head[1::2].count(0)
    for zeros, others, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if zeros >= 0.6 * half and others <= 0.25 * zeros and _decodes(head, codec):
            return codec
    return None


def _decodes(head: bytes, codec: str) -> bool:
    # the sample may end inside a surrogate pair: drop its last code unit before a strict decode
    try:
        head.decode(codec)
    except UnicodeDecodeError:
        try:
            head[:-2].decode(codec)
        except UnicodeDecodeError:
            return False
    return True


def _unreadable(name: str, detail: str) -> DataError:
    return DataError(Msg.UNREADABLE.format(name=name, detail=detail))


def decode(data: bytes, name: str, encoding: str | None) -> tuple[bytes, str, str, list[str]]:
    """``(bytes for the parser, its encoding, the encoding to report, notes)``; the parser gets
    the file's own bytes when their encoding keeps ASCII as is, else the text as UTF-8."""
    if encoding:
        try:
            compatible = _ascii_compatible(encoding)
        except LookupError as err:
            raise _unreadable(name, f"not {encoding}: {err}") from err
        if compatible:
            if (err := _first_decode_error(data, encoding)) is not None:
                raise _unreadable(name, f"not {encoding}: {err}") from err
            return data, encoding, encoding, []
        try:
            return data.decode(encoding).encode(), "utf-8", encoding, []
        except UnicodeDecodeError as err:
            raise _unreadable(name, f"not {encoding}: {err}") from err
    utf16 = "utf-16" if data[:2] in (b"\xff\xfe", b"\xfe\xff") else _utf16_without_bom(data)
    if utf16:
        try:
            text = data.decode(utf16)
        except UnicodeDecodeError as err:
            what = "a UTF-16 byte-order mark" if utf16 == "utf-16" else "the zero bytes of UTF-16 text"
            raise _unreadable(name, f"it starts with {what} but is not valid UTF-16 ({err})") from err
        how = "byte-order mark found" if utf16 == "utf-16" else f"{utf16[-2:].upper()}, no byte-order mark"
        return text.encode(), "utf-8", "utf-16", [f"decoded as UTF-16 ({how})"]
    if b"\x00" in data[:4096]:
        raise DataError(Msg.BINARY_FILE.format(name=name))
    err = _first_decode_error(data, "utf-8")
    if err is None:
        return data, "utf-8-sig", "utf-8", []
    line = data[: err.start].count(b"\n") + 1
    note = (f"not valid UTF-8 (first bad byte on line {line}); decoded as latin-1 instead. "
            "If accented letters look wrong, set the encoding explicitly.")
    return data, "latin-1", "latin-1", [note]
