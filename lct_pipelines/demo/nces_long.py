"""What the two long demo files (052 membership, 059 staff) share: how a chunk of their rows becomes CSV text.

A row is the district's nine common columns, a category part, the count, then TOTAL_INDICATOR and DMS_FLAG.
The writers compute per-row index arrays; these pieces are joined in pyarrow, with no Python loop per row.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.demo.nces_layout import DMS_FLAGS
from lct_pipelines.demo.nces_output import text_buffer
from lct_pipelines.demo.nces_plan import Plan


def tail_table(indicators: Sequence[str], eol: str) -> pa.Array:
    """`,TOTAL_INDICATOR,DMS_FLAG` and the line end, per indicator and flag (at indicator * len(DMS_FLAGS) + flag)."""
    return pa.array([f",{ind},{flag}{eol}" for ind in indicators for flag in DMS_FLAGS])


def rows_text(
    plan: Plan,
    idx: np.ndarray,
    cols: dict[str, np.ndarray],
    category_text: pa.Array,
    count_text: pa.Array,
    tails: pa.Array,
    stats: dict[str, int],
) -> memoryview:
    """The CSV text of rows of districts `idx`; adds the rows, and those with a stripped LEAID, to `stats`.

    `cols` holds per row "d" (the district's position in `idx`), "ind" (the indicator, 0 = detail) and "flag"
    (the DMS_FLAG); `category_text` and `count_text` hold the row's text between the common columns and the tail.
    """
    d = cols["d"]
    prefixes = pa.array([plan.prefix(int(i), strip=bool(plan.stripped[i])) for i in idx])
    lines = pc.binary_join_element_wise(
        prefixes.take(pa.array(d)),
        category_text,
        count_text,
        tails.take(pa.array(cols["ind"] * len(DMS_FLAGS) + cols["flag"])),
        "",
    )
    stats["rows"] += len(d)
    stripped = plan.stripped[idx][d]
    stats["stripped_rows"] += int(stripped.sum())
    stats["stripped_detail_rows"] += int((stripped & (cols["ind"] == 0)).sum())
    return text_buffer(lines)
