"""PostgreSQL WAL positions ('16/B374D848') as integers, and as fixed-width strings Redis can compare."""

from __future__ import annotations


def parse_lsn(text: str | None) -> int | None:
    """'16/B374D848' -> 0x16B374D848; None stays None (no replay yet, or not a standby)."""
    if text is None:
        return None
    high, low = text.split("/")
    return (int(high, 16) << 32) | int(low, 16)


def format_lsn(value: int) -> str:
    """The PostgreSQL spelling, for logs and reports."""
    return f"{value >> 32:X}/{value & 0xFFFFFFFF:X}"


def sortable_lsn(value: int) -> str:
    """16 hex digits: string order equals LSN order (what the cache's Lua script compares)."""
    return f"{value:016X}"
