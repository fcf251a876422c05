"""resolve_minutes: bell schedule (most recent year, then confidence) > state requirement > 300 default, per level."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from lct_pipelines.lct.minutes import resolve_minutes

STATE_REQUIREMENTS = pd.DataFrame(
    {
        "state": ["CA", "ZZ"],
        "elementary_minutes": [280.0, 0.0],
        "middle_minutes": [300.0, np.nan],
        "high_minutes": [360.0, 250.0],
    }
)


def _bells(*rows: tuple[str, str, str, float, str]) -> pd.DataFrame:
    return pd.DataFrame(
        list(rows), columns=["leaid", "year", "grade_level", "instructional_minutes", "confidence"]
    ).astype({"instructional_minutes": "float64"})


def _resolve(state: str = "CA", *bells: tuple[str, str, str, float, str]) -> pd.Series:
    districts = pd.DataFrame({"leaid": ["0100001"], "state": [state]})
    return resolve_minutes(districts, STATE_REQUIREMENTS, _bells(*bells)).iloc[0]


def _level(resolved: pd.Series, level: str) -> tuple[float, str]:
    return resolved[f"minutes_{level}"], resolved[f"source_{level}"]


def test_state_requirement_when_there_is_no_bell_schedule() -> None:
    resolved = _resolve("CA")
    assert [_level(resolved, lv) for lv in ("elementary", "middle", "high")] == [
        (280.0, "state_requirement"),
        (300.0, "state_requirement"),
        (360.0, "state_requirement"),
    ]


def test_default_300_for_a_state_without_requirements() -> None:
    resolved = _resolve("DC")
    assert [_level(resolved, lv) for lv in ("elementary", "middle", "high")] == [(300.0, "default")] * 3


def test_missing_or_zero_statutory_minutes_fall_back_to_the_default() -> None:
    resolved = _resolve("ZZ")
    assert _level(resolved, "elementary") == (300.0, "default")
    assert _level(resolved, "middle") == (300.0, "default")
    assert _level(resolved, "high") == (250.0, "state_requirement")


def test_bell_schedule_wins_over_the_state_requirement_for_its_level_only() -> None:
    resolved = _resolve("CA", ("0100001", "2024-25", "middle", 333.0, "low"))
    assert _level(resolved, "middle") == (333.0, "bell_schedule")
    assert _level(resolved, "elementary") == (280.0, "state_requirement")
    assert _level(resolved, "high") == (360.0, "state_requirement")


def test_bell_schedule_wins_over_the_default() -> None:
    assert _level(_resolve("DC", ("0100001", "2019-20", "high", 340.0, "low")), "high") == (340.0, "bell_schedule")


def test_most_recent_year_wins_whatever_the_confidence() -> None:
    resolved = _resolve(
        "CA",
        ("0100001", "2022-23", "elementary", 390.0, "high"),
        ("0100001", "2024-25", "elementary", 370.0, "low"),
        ("0100001", "2023-24", "elementary", 380.0, "high"),
    )
    assert _level(resolved, "elementary") == (370.0, "bell_schedule")


def test_same_year_higher_confidence_wins() -> None:
    resolved = _resolve(
        "CA",
        ("0100001", "2024-25", "high", 350.0, "medium"),
        ("0100001", "2024-25", "high", 365.0, "high"),
        ("0100001", "2024-25", "high", 355.0, "low"),
    )
    assert _level(resolved, "high") == (365.0, "bell_schedule")


def test_medium_confidence_beats_low() -> None:
    resolved = _resolve(
        "CA", ("0100001", "2024-25", "high", 355.0, "low"), ("0100001", "2024-25", "high", 350.0, "medium")
    )
    assert _level(resolved, "high") == (350.0, "bell_schedule")


def test_full_tie_takes_the_fewer_minutes_whatever_the_row_order() -> None:
    rows = [("0100001", "2024-25", "high", 355.0, "high"), ("0100001", "2024-25", "high", 350.0, "high")]
    assert _level(_resolve("CA", *rows), "high") == (350.0, "bell_schedule")
    assert _level(_resolve("CA", *reversed(rows)), "high") == (350.0, "bell_schedule")


def test_another_districts_bell_schedule_is_ignored() -> None:
    assert _level(_resolve("CA", ("0100002", "2024-25", "high", 400.0, "high")), "high") == (
        360.0,
        "state_requirement",
    )


def test_unusable_bell_schedule_rows_are_ignored() -> None:
    resolved = _resolve(
        "CA",
        ("0100001", "2025-26", "high", 0.0, "high"),
        ("0100001", "2025-26", "kindergarten", 390.0, "high"),
        ("0100001", "2020-21", "high", 345.0, "low"),
    )
    assert _level(resolved, "high") == (345.0, "bell_schedule")
    assert _level(resolved, "elementary") == (280.0, "state_requirement")


def test_one_row_per_district_in_input_order() -> None:
    districts = pd.DataFrame({"leaid": ["0300003", "0100001", "0200002"], "state": ["DC", "CA", None]})
    resolved = resolve_minutes(districts, STATE_REQUIREMENTS, _bells(("0100001", "2024-25", "middle", 333.0, "low")))
    assert list(resolved.columns) == [
        "leaid",
        "minutes_elementary",
        "minutes_middle",
        "minutes_high",
        "source_elementary",
        "source_middle",
        "source_high",
    ]
    assert list(resolved.leaid) == ["0300003", "0100001", "0200002"]
    assert list(resolved.minutes_middle) == [300.0, 333.0, 300.0]
    assert list(resolved.source_middle) == ["default", "bell_schedule", "default"]


def test_duplicate_states_raise() -> None:
    doubled = pd.concat([STATE_REQUIREMENTS, STATE_REQUIREMENTS.iloc[:1]], ignore_index=True)
    with pytest.raises(ValueError, match="duplicate states"):
        resolve_minutes(pd.DataFrame({"leaid": ["0100001"], "state": ["CA"]}), doubled, _bells())
