"""The two summary exports, from one year's calculation rows (the stored, rounded lct_value)."""

from __future__ import annotations

import pandas as pd

from lct_pipelines.lct.scopes import SCOPE_NAMES

# The summaries' own columns (the others are those of lct.lct_calculations).
SUMMARY_COLUMN_MEANINGS = {
    "calculations": "calculations of the group (valid or not)",
    "valid": "valid calculations of the group",
    "pass_rate": "valid / calculations (a fraction)",
    "mean_lct": "mean of the valid lct_value",
    "median_lct": "median of the valid lct_value",
    "std_lct": "sample standard deviation of the valid lct_value",
    "min_lct": "smallest valid lct_value",
    "max_lct": "largest valid lct_value",
}


def _stats(frame: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    counts = frame.groupby(keys, observed=True).agg(calculations=("lct_value", "size"), valid=("is_valid", "sum"))
    valid = frame[frame["is_valid"]]
    stats = valid.groupby(keys, observed=True)["lct_value"].agg(
        mean_lct="mean", median_lct="median", std_lct="std", min_lct="min", max_lct="max"
    )
    out = counts.join(stats, how="left").reset_index()
    out["valid"] = out["valid"].astype("int64")
    out["calculations"] = out["calculations"].astype("int64")
    out["pass_rate"] = out["valid"] / out["calculations"]
    return out


def _scope_order(frame: pd.DataFrame) -> pd.DataFrame:
    order = {scope: i for i, scope in enumerate(SCOPE_NAMES)}
    return (
        frame.assign(_order=frame["staff_scope"].map(order))
        .sort_values([c for c in ("year", "state") if c in frame.columns] + ["_order"])
        .drop(columns="_order")
        .reset_index(drop=True)
    )


def summary_by_scope(calculations: pd.DataFrame) -> pd.DataFrame:
    """Per year and scope: calculations, valid, pass rate and the valid LCT statistics."""
    return _scope_order(_stats(calculations, ["year", "staff_scope"]))


def summary_by_state(calculations: pd.DataFrame) -> pd.DataFrame:
    """Per year, state and scope: the same figures."""
    return _scope_order(_stats(calculations, ["year", "state", "staff_scope"]))
