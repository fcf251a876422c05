"""Daily instructional minutes per district and school level, and where each came from.

For each district and level (elementary, middle, high), the first that exists:

1. the district's bell schedule for that level, from any school year: the most recent year wins, on a tie the
   higher confidence (high > medium > low) -> `bell_schedule`
2. the state's statutory minutes for that level -> `state_requirement`
3. `DEFAULT_MINUTES` (300) -> `default` (DC and the territories have no statutory row)

Decisions
---------
- School years are compared as strings; the `YYYY-YY` form orders them chronologically. A bell schedule without a
  year loses to any schedule with one.
- A bell schedule from a year later than the one being calculated still counts ("from any school year").
- A bell schedule row whose level is not elementary/middle/high, or whose minutes are missing or not > 0, is not a
  bell schedule for the resolution (the table's constraints already forbid both); the level falls through to the
  state requirement. A confidence outside high/medium/low ranks below low.
- Two schedules with the same district, level, year and confidence (the table's unique key forbids it): the one
  with fewer minutes wins, so the choice never depends on row order and never overstates LCT.
- A statutory value that is missing or not > 0 counts as no requirement for that level (-> default).
- Duplicate districts or duplicate states in the inputs raise ValueError: nothing is guessed.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from lct_pipelines.lct.scopes import LEVELS, positions_in, require_columns

SOURCE_BELL_SCHEDULE = "bell_schedule"
SOURCE_STATE_REQUIREMENT = "state_requirement"
SOURCE_DEFAULT = "default"
SOURCE_MIXED = "mixed"
# The order is the resolution order; `calculate` encodes sources as positions in this tuple.
LEVEL_SOURCES: tuple[str, ...] = (SOURCE_BELL_SCHEDULE, SOURCE_STATE_REQUIREMENT, SOURCE_DEFAULT)
MINUTES_SOURCES: tuple[str, ...] = (*LEVEL_SOURCES, SOURCE_MIXED)

DEFAULT_MINUTES = 300.0
CONFIDENCE_RANK: dict[str, int] = {"high": 2, "medium": 1, "low": 0}

BELL_SCHEDULE_COLUMNS = ("leaid", "year", "grade_level", "instructional_minutes", "confidence")
STATE_REQUIREMENT_COLUMNS = ("state", *(f"{level}_minutes" for level in LEVELS))
MINUTES_COLUMNS: tuple[str, ...] = tuple(f"minutes_{level}" for level in LEVELS)
SOURCE_COLUMNS: tuple[str, ...] = tuple(f"source_{level}" for level in LEVELS)


def best_bell_schedules(bell_schedules: pd.DataFrame) -> pd.DataFrame:
    """The winning bell schedule per district and level, wide: index `leaid`, a minutes column per level (NaN: none)."""
    require_columns(bell_schedules, BELL_SCHEDULE_COLUMNS, "bell_schedules")
    level = positions_in(bell_schedules["grade_level"], LEVELS)
    minutes = pd.to_numeric(bell_schedules["instructional_minutes"], errors="coerce").to_numpy(
        dtype="float64", na_value=np.nan
    )
    leaid_code, leaids = pd.factorize(bell_schedules["leaid"].astype("str"))
    # Sorted codes order the years; a missing year gets -1 and so loses to any year.
    year_code, _ = pd.factorize(bell_schedules["year"].astype("str"), sort=True)
    rank = bell_schedules["confidence"].map(CONFIDENCE_RANK).fillna(-1).to_numpy(dtype="int64")
    usable = np.flatnonzero((level >= 0) & (minutes > 0) & (leaid_code >= 0))

    # Within each (district, level): most recent year, then highest confidence, then fewest minutes first.
    order = usable[np.lexsort((minutes[usable], -rank[usable], -year_code[usable], level[usable], leaid_code[usable]))]
    key = leaid_code[order] * len(LEVELS) + level[order]
    first = order[np.r_[True, key[1:] != key[:-1]]] if len(order) else order

    wide = np.full((len(leaids), len(LEVELS)), np.nan)
    wide[leaid_code[first], level[first]] = minutes[first]
    return pd.DataFrame(wide, index=pd.Index(leaids, dtype="str", name="leaid"), columns=list(LEVELS))


def _state_minutes(state_requirements: pd.DataFrame) -> pd.DataFrame:
    require_columns(state_requirements, STATE_REQUIREMENT_COLUMNS, "state_requirements")
    states = state_requirements["state"].astype("str")
    duplicated = states[states.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"state_requirements has duplicate states {duplicated}")
    table = pd.DataFrame(
        {level: pd.to_numeric(state_requirements[f"{level}_minutes"], errors="coerce") for level in LEVELS}
    ).astype("float64")
    table.index = pd.Index(states, name="state")
    return table.where(table > 0)


def resolve_minutes(
    districts: pd.DataFrame, state_requirements: pd.DataFrame, bell_schedules: pd.DataFrame
) -> pd.DataFrame:
    """Minutes and their source per district and level.

    `districts` needs `leaid` and `state` (the directory, or any frame of unique districts; a missing state means
    no statutory minutes). Returns one row per input row, in input order: `leaid`, `minutes_elementary`,
    `minutes_middle`, `minutes_high` (float64) and `source_elementary`, `source_middle`, `source_high`
    (`bell_schedule`, `state_requirement` or `default`).
    """
    require_columns(districts, ("leaid", "state"), "districts")
    leaids = districts["leaid"].astype("str").reset_index(drop=True)
    duplicated = leaids[leaids.duplicated()].unique().tolist()
    if duplicated:
        raise ValueError(f"districts has duplicate leaids {duplicated[:10]}")
    states = districts["state"].reset_index(drop=True)

    bells = best_bell_schedules(bell_schedules)
    statutory = _state_minutes(state_requirements)
    bell_row = positions_in(leaids, bells.index)
    state_row = positions_in(states, statutory.index)
    sources = pd.array(LEVEL_SOURCES, dtype="str")

    out: dict[str, object] = {"leaid": leaids}
    source_columns: dict[str, object] = {}
    for level in LEVELS:
        bell = _take(bells[level].to_numpy(dtype="float64"), bell_row)
        state = _take(statutory[level].to_numpy(dtype="float64"), state_row)
        has_bell = ~np.isnan(bell)
        has_state = ~np.isnan(state)
        out[f"minutes_{level}"] = np.where(has_bell, bell, np.where(has_state, state, DEFAULT_MINUTES))
        source_columns[f"source_{level}"] = sources.take(np.where(has_bell, 0, np.where(has_state, 1, 2)))
    out.update(source_columns)
    return pd.DataFrame(out)


def _take(values: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """values[rows], NaN where rows is -1."""
    taken = np.full(len(rows), np.nan)
    found = rows >= 0
    taken[found] = values[rows[found]]
    return taken
