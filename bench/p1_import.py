"""P1: the membership file (~550 MB CSV, zipped, at full scale) to district x grade counts.

Three sides, each run in a fresh spawned process so its peak RSS is its own, in turn (ours, pandas, bare,
ours, ...), on the full file and on its first half (is our memory flat as the file grows?):

- ours: `read_membership` (streaming pyarrow, integer keys, one sort; the import report included).
- pandas: `read_csv(chunksize=100_000, usecols=...)` on the same zip; per chunk the same rules as ours
  (LEAIDs stripped and re-padded, category names matched after folding case and spaces, unknown
  categories and `No Category Codes` grades dropped, blank counts NaN), detail rows kept as compact integer
  columns, then one drop_duplicates (first row of a key wins, as in ours) and a groupby. It has to: a
  per-chunk groupby that summed duplicates would be faster and wrong.
- bare: `pyarrow.csv.open_csv` over the zip with the same 7 projected columns and types and the same block
  size, doing nothing with the batches: the parse alone, the practical limit.

Answers: ours and pandas must agree on every district, grade count (NaN where nothing was reported) and
total row; the bare parse must see as many data rows as ours read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.harness import Figure, in_child

if TYPE_CHECKING:
    from bench.context import Bench

PANDAS_CHUNK_ROWS = 100_000
BLOCK_SIZE = 1 << 20  # the reader's DEFAULT_BLOCK_SIZE
GOAL_VS_PANDAS = 2.0
GOAL_VS_BARE = 1.2  # ours may take at most this many times the bare parse
GOAL_RSS_MB = 300.0
FLAT_GROWTH = 0.15  # "flat": peak RSS on the full file at most 15 % above that on half of it
_MEMBERSHIP_COLUMNS = ("SCHOOL_YEAR", "LEAID", "GRADE", "RACE_ETHNICITY", "SEX", "STUDENT_COUNT", "TOTAL_INDICATOR")
MB = 1e6

# --- the three sides (run in child processes; imports inside, so each side's memory is only its own) -----------


def ours(path: str) -> dict[str, Any]:
    from lct_pipelines.nces.categories import GRADE_COLUMNS
    from lct_pipelines.nces.reader import read_membership

    frame, report = read_membership(path)
    return {
        "leaid": frame["leaid"].tolist(),
        "grades": frame[list(GRADE_COLUMNS)].to_numpy(dtype="float64"),
        "total": frame["total_reported"].to_numpy(dtype="float64"),
        "rows_read": report.rows_read,
    }


def _fold(value: str) -> str:
    return " ".join(value.split()).casefold()


def pandas_chunked(path: str) -> dict[str, Any]:
    import numpy as np
    import pandas as pd

    from lct_pipelines.nces.categories import (
        EDUCATION_UNIT_TOTAL,
        GRADES,
        MEMBERSHIP_DETAIL_INDICATOR,
        NO_CATEGORY_CODES,
        RACES,
        SEXES,
    )

    def coder(vocabulary: tuple[str, ...]) -> dict[str, int]:
        return {_fold(v): i for i, v in enumerate(vocabulary)}

    grade_code = coder(GRADES)  # `No Category Codes` is not a grade: dropped like an unknown value
    race_code = coder(RACES)
    sex_code = coder(SEXES)
    detail, total = _fold(MEMBERSHIP_DETAIL_INDICATOR), _fold(EDUCATION_UNIT_TOTAL)
    assert _fold(NO_CATEGORY_CODES) not in grade_code

    def codes(column: pd.Series, table: dict[str, int]) -> np.ndarray:
        mapping = {value: table.get(_fold(value), -1) for value in column.unique()}
        return column.map(mapping).to_numpy(dtype="int16")

    parts: list[pd.DataFrame] = []
    totals: list[pd.DataFrame] = []
    present: list[np.ndarray] = []
    rows_read = 0
    chunks = pd.read_csv(
        path,
        usecols=list(_MEMBERSHIP_COLUMNS),
        dtype=str,
        keep_default_na=False,
        chunksize=PANDAS_CHUNK_ROWS,
    )
    for chunk in chunks:
        rows_read += len(chunk)
        leaid = chunk["LEAID"].str.strip()
        valid = leaid.str.fullmatch(r"[0-9]{1,7}").to_numpy(dtype=bool)
        number = pd.to_numeric(leaid.where(valid, "0")).to_numpy(dtype="int64")
        count = pd.to_numeric(chunk["STUDENT_COUNT"].str.strip().replace("", None)).to_numpy(dtype="float64")
        indicator = chunk["TOTAL_INDICATOR"].map(lambda v: _fold(v)).to_numpy()
        is_total = valid & (indicator == total)
        totals.append(pd.DataFrame({"leaid": number[is_total], "count": count[is_total]}))
        is_detail = valid & (indicator == detail)
        present.append(np.unique(number[is_detail]))
        rows = chunk[is_detail]
        g = codes(rows["GRADE"], grade_code)
        r = codes(rows["RACE_ETHNICITY"], race_code)
        s = codes(rows["SEX"], sex_code)
        usable = (g >= 0) & (r >= 0) & (s >= 0)
        parts.append(
            pd.DataFrame(
                {
                    "leaid": number[is_detail][usable].astype("int32"),
                    "grade": g[usable].astype("int8"),
                    "race": r[usable].astype("int8"),
                    "sex": s[usable].astype("int8"),
                    "count": count[is_detail][usable].astype("float32"),
                }
            )
        )
    kept = pd.concat(parts, ignore_index=True).drop_duplicates(["leaid", "grade", "race", "sex"], keep="first")
    sums = kept.groupby(["leaid", "grade"])["count"].sum(min_count=1).astype("float64").unstack("grade")
    districts = np.unique(np.concatenate(present))
    grades = sums.reindex(index=districts, columns=range(len(GRADES))).to_numpy(dtype="float64")
    first_totals = pd.concat(totals, ignore_index=True).drop_duplicates("leaid", keep="first").set_index("leaid")
    total_reported = first_totals["count"].reindex(districts).to_numpy(dtype="float64")
    return {
        "leaid": [f"{d:07d}" for d in districts],
        "grades": grades,
        "total": total_reported,
        "rows_read": rows_read,
    }


def bare_parse(path: str) -> dict[str, Any]:
    import zipfile

    import pyarrow as pa
    import pyarrow.csv as pcsv

    coded = pa.dictionary(pa.int32(), pa.string())
    types = {name: (pa.float64() if name == "STUDENT_COUNT" else coded) for name in _MEMBERSHIP_COLUMNS}
    rows = 0
    with zipfile.ZipFile(path) as archive, archive.open(archive.infolist()[0]) as raw:
        reader = pcsv.open_csv(
            raw,
            read_options=pcsv.ReadOptions(block_size=BLOCK_SIZE),
            convert_options=pcsv.ConvertOptions(include_columns=list(_MEMBERSHIP_COLUMNS), column_types=types),
        )
        for batch in reader:
            rows += batch.num_rows
    return {"rows_read": rows}


def memory_breakdown(path: str) -> dict[str, float]:
    """Where our peak RSS goes (one extra, untimed run): after imports, numpy and Python (tracemalloc peak),
    Arrow's memory pool (peak), and the process's peak; the rest is allocator slack, thread stacks, zlib."""
    import tracemalloc

    import pyarrow as pa

    from bench.harness import peak_rss_bytes
    from lct_pipelines.nces.reader import read_membership

    after_imports = peak_rss_bytes()
    tracemalloc.start()
    read_membership(path)
    _current, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {
        "after_imports_mb": after_imports / MB,
        "numpy_and_python_peak_mb": traced_peak / MB,
        "arrow_pool_peak_mb": pa.default_memory_pool().max_memory() / MB,
        "process_peak_mb": peak_rss_bytes() / MB,
    }


SIDES = {
    "ours": (ours, ("lct_pipelines.nces.reader",)),
    "pandas": (pandas_chunked, ("pandas", "lct_pipelines.nces.categories")),
    "bare": (bare_parse, ("pyarrow.csv",)),
}


# --- answers ------------------------------------------------------------------------------------------------


class AnswerMismatch(AssertionError):
    """The two sides of a benchmark disagree: a faster wrong answer is a failure."""


def check_same(ours_answer: dict[str, Any], other: dict[str, Any], label: str) -> None:
    import numpy as np

    if ours_answer["rows_read"] != other["rows_read"]:
        raise AnswerMismatch(f"P1 {label}: {other['rows_read']:,} data rows read, ours {ours_answer['rows_read']:,}")
    if "leaid" not in other:
        return
    if ours_answer["leaid"] != other["leaid"]:
        theirs, mine = set(other["leaid"]), set(ours_answer["leaid"])
        raise AnswerMismatch(
            f"P1 {label}: districts differ ({len(mine - theirs)} only ours, {len(theirs - mine)} only theirs)"
        )
    for key in ("grades", "total"):
        if not np.array_equal(ours_answer[key], other[key], equal_nan=True):
            bad = np.flatnonzero(
                ~np.isclose(ours_answer[key], other[key], equal_nan=True).reshape(len(other[key]), -1).all(axis=1)
            )
            raise AnswerMismatch(
                f"P1 {label}: {key} differ for {bad.size} districts, e.g. {[other['leaid'][i] for i in bad[:5]]}"
            )


# --- the benchmark --------------------------------------------------------------------------------------------


def _measure(bench: Bench, path: Path, label: str) -> dict[str, dict[str, list[float]]]:
    """Alternating runs of the three sides on one file: seconds and peak RSS bytes per side."""
    samples: dict[str, dict[str, list[float]]] = {side: {"seconds": [], "rss": [], "cpu": []} for side in SIDES}
    for run in range(bench.runs):
        answers: dict[str, dict[str, Any]] = {}
        for side, (target, preload) in SIDES.items():
            child = in_child(target, str(path), preload=preload)
            samples[side]["seconds"].append(child.seconds)
            samples[side]["rss"].append(child.peak_rss)
            samples[side]["cpu"].append(child.cpu_seconds)
            answers[side] = child.result
            bench.say(
                f"P1 {label} run {run + 1}/{bench.runs}: {side} {child.seconds:.2f}s (CPU {child.cpu_seconds:.2f}s), "
                f"peak RSS {child.peak_rss / MB:,.0f} MB"
            )
        check_same(answers["ours"], answers["pandas"], f"pandas-chunked ({label})")
        check_same(answers["ours"], answers["bare"], f"bare parse ({label})")
    return samples


def run(bench: Bench) -> list[Figure]:
    import statistics

    full_path = bench.nces().paths["membership"]
    half_path = bench.membership_half()
    full = _measure(bench, full_path, "full file")
    half = _measure(bench, half_path, "half file")
    breakdown = {
        size: {
            k: round(v, 1) for k, v in in_child(memory_breakdown, str(path), preload=SIDES["ours"][1]).result.items()
        }
        for size, path in (("half", half_path), ("full", full_path))
    }
    bench.say(f"P1 memory of ours (tracemalloc run): {breakdown}")
    sizes = {
        "full": bench.datasets["nces"]["csv_bytes"]["membership"],
        "half": bench.datasets["membership_half"]["csv_bytes"],
    }

    def mb(values: list[float]) -> list[float]:
        return [v / MB for v in values]

    ratio_pandas = statistics.median(full["pandas"]["seconds"]) / statistics.median(full["ours"]["seconds"])
    ours_vs_bare = statistics.median(full["ours"]["seconds"]) / statistics.median(full["bare"]["seconds"])
    rss = {
        size: {side: statistics.median(data[side]["rss"]) / MB for side in SIDES}
        for size, data in (("half", half), ("full", full))
    }
    growth = {side: rss["full"][side] / rss["half"][side] - 1 for side in SIDES}
    rss_extra = {
        "csv_mb": {k: round(v / MB, 1) for k, v in sizes.items()},
        "median_peak_rss_mb": {size: {s: round(v, 1) for s, v in d.items()} for size, d in rss.items()},
        "growth_half_to_full_percent": {s: round(100 * g, 1) for s, g in growth.items()},
        "bare_rss_mb_full": mb(full["bare"]["rss"]),
        "bare_rss_mb_half": mb(half["bare"]["rss"]),
        "ours_memory_breakdown": breakdown,
    }
    growth_text = ", ".join(f"{s} {100 * g:+.0f}%" for s, g in growth.items())
    cpu = {side: statistics.median(full[side]["cpu"]) for side in SIDES}
    cpu_text = (
        f"CPU seconds (median, all threads of the process): ours {cpu['ours']:.2f}, pandas {cpu['pandas']:.2f}, "
        f"bare {cpu['bare']:.2f}"
    )
    return [
        Figure(
            id="P1a",
            title="membership file -> district x grade counts, vs pandas read_csv(chunksize=100_000)",
            ours=full["ours"]["seconds"],
            baseline=full["pandas"]["seconds"],
            baseline_name="pandas chunked + filter + dedupe + groupby",
            goal=f">= {GOAL_VS_PANDAS:g}x faster than pandas-chunked",
            met=ratio_pandas >= GOAL_VS_PANDAS,
            notes=cpu_text,
            extra={
                "half_file_seconds": {s: half[s]["seconds"] for s in SIDES},
                "cpu_seconds": {s: full[s]["cpu"] for s in SIDES},
            },
        ),
        Figure(
            id="P1b",
            title="membership file -> counts, vs a bare streaming pyarrow parse (same 7 columns)",
            ours=full["ours"]["seconds"],
            baseline=full["bare"]["seconds"],
            baseline_name="pyarrow.csv.open_csv, projected, batches discarded",
            goal=f"within {GOAL_VS_BARE:g}x of the bare parse (ratio >= {1 / GOAL_VS_BARE:.2f})",
            met=ours_vs_bare <= GOAL_VS_BARE,
            notes=f"ours takes {ours_vs_bare:.2f}x the bare parse; {cpu_text}",
        ),
        Figure(
            id="P1c",
            title="peak RSS of the import, full file (each side in its own process)",
            ours=mb(full["ours"]["rss"]),
            baseline=mb(full["pandas"]["rss"]),
            baseline_name="pandas chunked",
            unit="MB",
            goal=f"<= {GOAL_RSS_MB:g} MB",
            met=rss["full"]["ours"] <= GOAL_RSS_MB,
            notes=f"bare parse {rss['full']['bare']:,.0f} MB; ratio = pandas / ours. Ours: "
            f"{breakdown['full']['after_imports_mb']:.0f} MB after imports (pandas, pyarrow), numpy and Python peak "
            f"{breakdown['full']['numpy_and_python_peak_mb']:.0f} MB (tracemalloc), Arrow pool peak "
            f"{breakdown['full']['arrow_pool_peak_mb']:.0f} MB",
            extra=rss_extra,
        ),
        Figure(
            id="P1d",
            title=f"peak RSS, half file ({sizes['half'] / MB:,.0f} MB CSV) vs full ({sizes['full'] / MB:,.0f} MB)",
            ours=mb(half["ours"]["rss"]),
            baseline=mb(half["pandas"]["rss"]),
            baseline_name="pandas chunked",
            unit="MB",
            goal=f"flat: full-file peak <= half-file peak + {100 * FLAT_GROWTH:.0f}%",
            met=growth["ours"] <= FLAT_GROWTH,
            notes=f"growth half -> full: {growth_text}",
            extra=rss_extra,
        ),
    ]


def profile_target(bench: Bench) -> Callable[[], Any]:
    path = str(bench.nces().paths["membership"])
    return lambda: ours(path)
