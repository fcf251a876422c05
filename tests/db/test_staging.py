"""Load into staging, swap in one transaction: a failure leaves the previous rows untouched and visible."""

from __future__ import annotations

import pandas as pd
import pytest
from sqlalchemy import text

from lct_pipelines.db.engine import build_engine
from lct_pipelines.db.staging import replace_partition, transaction


def _staff(year: str, fte: float, leaid: str = "0100005") -> pd.DataFrame:
    return pd.DataFrame(
        {
            "school_year": [year],
            "leaid": [leaid],
            "category": ["Elementary Teachers"],
            "tier": ["teacher"],
            "fte": [fte],
        }
    )


def _rows(engine) -> list[tuple]:
    with engine.connect() as conn:
        return conn.execute(text("SELECT school_year, leaid, fte FROM nces.lea_staff ORDER BY 1, 2")).all()


def test_replace_partition_swaps_only_its_year(database_url: str) -> None:
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", _staff("2022-23", 1.0), "2022-23")
        replace_partition(cur, "nces.lea_staff", _staff("2023-24", 2.0), "2023-24")
    with transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", _staff("2023-24", 3.5, "0100006"), "2023-24")
    assert _rows(engine) == [("2022-23", "0100005", 1.0), ("2023-24", "0100006", 3.5)]
    engine.dispose()


def test_failure_inside_the_swap_keeps_previous_rows(database_url: str) -> None:
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", _staff("2023-24", 2.0), "2023-24")
    bad = _staff("2023-24", 9.0, leaid="12345")  # violates the 7-character check after the DELETE ran
    with pytest.raises(Exception, match="leaid_7_chars"), transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", bad, "2023-24")
    assert _rows(engine) == [("2023-24", "0100005", 2.0)]
    engine.dispose()


def test_readers_see_old_rows_until_the_swap_commits(database_url: str) -> None:
    engine = build_engine(database_url)
    with transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", _staff("2023-24", 2.0), "2023-24")
    with transaction(engine) as cur:
        replace_partition(cur, "nces.lea_staff", _staff("2023-24", 7.0), "2023-24")
        assert _rows(engine) == [("2023-24", "0100005", 2.0)]  # another connection, mid-swap
    assert _rows(engine) == [("2023-24", "0100005", 7.0)]
    engine.dispose()
