"""Bytes to UTF-8 for pyarrow: checked as they stream by, or transcoded from Windows-1252 when they are not UTF-8.

On the first invalid UTF-8 sequence the reader raises `DecodeFailed`; the stream then restarts as Windows-1252
(see `streaming.stream`), so only a cp1252 file is read twice.
"""

from __future__ import annotations

import codecs
import io
from typing import BinaryIO


class DecodeFailed(Exception):
    """Bytes not valid in `encoding`, at byte `offset` of the raw (decompressed) stream."""

    def __init__(self, encoding: str, offset: int, byte: int) -> None:
        super().__init__(f"invalid {encoding} at byte {offset}")
        self.encoding = encoding
        self.offset = offset
        self.byte = byte


class DecodingReader(io.RawIOBase):
    """Hands pyarrow UTF-8: checks it as is ('utf-8'), or transcodes Windows-1252 ('cp1252').

    Checking costs one `bytes.isascii` per block for ASCII data; only a block with other bytes is decoded.
    """

    def __init__(self, raw: BinaryIO, encoding: str) -> None:
        super().__init__()
        self._raw = raw
        self._encoding = encoding
        self._offset = 0  # raw bytes consumed
        self._utf8 = codecs.getincrementaldecoder("utf-8")()
        self._pending = b""  # transcoded bytes not yet handed out
        self._eof = False

    def readable(self) -> bool:
        return True

    def read(self, size: int | None = -1) -> bytes:
        size = -1 if size is None else size
        if size == 0:
            return b""
        if self._encoding == "utf-8":
            chunk = self._raw.read(size)
            self._check_utf8(chunk)
            return chunk
        return self._read_transcoded(size)

    def _check_utf8(self, chunk: bytes) -> None:
        buffered = self._utf8.getstate()[0]
        if not buffered and chunk.isascii():
            self._offset += len(chunk)
            return
        try:
            self._utf8.decode(chunk, final=not chunk)
        except UnicodeDecodeError as err:
            data = buffered + chunk
            raise DecodeFailed("utf-8", self._offset - len(buffered) + err.start, data[err.start]) from None
        self._offset += len(chunk)

    def _read_transcoded(self, size: int) -> bytes:
        while (size < 0 or len(self._pending) < size) and not self._eof:
            chunk = self._raw.read(max(size, 1 << 16))
            if not chunk:
                self._eof = True
                break
            try:
                text = chunk.decode("cp1252")
            except UnicodeDecodeError as err:
                raise DecodeFailed("cp1252", self._offset + err.start, chunk[err.start]) from None
            self._offset += len(chunk)
            self._pending += text.encode("utf-8")
        if size < 0:
            out, self._pending = self._pending, b""
        else:
            out, self._pending = self._pending[:size], self._pending[size:]
        return out
