"""Which districts of a school year need recomputing: live input fingerprints against the stored ones.

Shared by the incremental calculation (what to recompute) and the enrichment
sensor (whether to launch a run, and the run key of that change).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import pandas as pd
from psycopg2.extensions import cursor as PgCursor

from lct_pipelines.lct import store


@dataclass(frozen=True)
class PendingChanges:
    year: str
    changed: list[str]  # new districts and districts whose inputs changed
    vanished: list[str]  # districts calculated before that are in none of the NCES tables now
    key: str  # SHA-256 over the changed fingerprints and the vanished ids: the identity of this change

    @property
    def empty(self) -> bool:
        return not self.changed and not self.vanished


def diff_fingerprints(now: pd.DataFrame, stored: pd.DataFrame) -> tuple[list[str], list[str]]:
    """(changed, vanished) leaids between two `leaid, fingerprint` frames."""
    merged = now.merge(
        stored[["leaid", "fingerprint"]], on="leaid", how="outer", suffixes=("_now", "_stored"), indicator=True
    )
    changed = merged[
        (merged["_merge"] == "left_only")
        | ((merged["_merge"] == "both") & (merged["fingerprint_now"] != merged["fingerprint_stored"]))
    ]
    vanished = merged[merged["_merge"] == "right_only"]
    return sorted(changed["leaid"]), sorted(vanished["leaid"])


def change_key(now: pd.DataFrame, stored: pd.DataFrame, changed: list[str], vanished: list[str]) -> str:
    """The change's identity. The newest stored run id is part of it: undoing an edit and making it again
    is a new change (a run key is never reused), while ticks that see the same change agree."""
    fingerprints = now.set_index("leaid")["fingerprint"]
    digest = hashlib.sha256()
    digest.update(f"since={stored['run_id'].max() if len(stored) else ''}\n".encode())
    for leaid in changed:
        digest.update(f"{leaid}={fingerprints[leaid]}\n".encode())
    for leaid in vanished:
        digest.update(f"{leaid}=-\n".encode())
    return digest.hexdigest()


def pending_changes(cur: PgCursor, year: str) -> PendingChanges:
    """The districts of `year` an incremental run would recompute now (one fingerprint query, no calculation)."""
    now = store.current_fingerprints(cur, year)
    stored = store.stored_fingerprints(cur, year)
    changed, vanished = diff_fingerprints(now, stored)
    return PendingChanges(year, changed, vanished, change_key(now, stored, changed, vanished))
