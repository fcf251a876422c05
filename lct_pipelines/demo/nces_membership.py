"""The demo 052 membership file, zipped: detail rows per grade, race and sex, then the subtotal and total rows.

Built without a per-row Python loop: per chunk of districts, row attributes are numpy index arrays, the text
columns come from small lookup tables with `pyarrow.compute.take`, and each line is joined by
`binary_join_element_wise`. The joined array's data buffer *is* the CSV text, so it is streamed straight into
the zip member.
"""

from __future__ import annotations

import zipfile
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.demo.nces_calibration import MALE_SHARE
from lct_pipelines.demo.nces_layout import AE, MEMBERSHIP_COLUMNS, MEMBERSHIP_INDICATORS
from lct_pipelines.demo.nces_long import rows_text, tail_table
from lct_pipelines.demo.nces_output import FileResult, Sink, mb, partial_path
from lct_pipelines.demo.nces_plan import (
    CASE_BLANK,
    CASE_CONFLICT,
    CASE_NONE,
    KIND_ZERO_BOTH,
    KIND_ZERO_ENROLLMENT,
    Plan,
)
from lct_pipelines.nces.categories import GRADES, NO_CATEGORY_CODES, RACES, SEXES

MEMBERSHIP_CHUNK = 400  # districts per vectorised batch (~75,000 rows): bounds memory, keeps bytes stable


def write_membership(
    plan: Plan,
    path: Path,
    *,
    member: str,
    date_time: tuple[int, int, int, int, int, int],
    seed: int,
    encoding: str,
    eol: str,
    zip_level: int,
    say: Callable[[str], None],
) -> FileResult:
    """The 052 membership zip, streamed chunk by chunk into the deflated member (memory stays flat)."""
    info = zipfile.ZipInfo(member, date_time=date_time)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o644 << 16
    _set_compress_level(info, zip_level)
    # Every GRADE,RACE_ETHNICITY,SEX text; RACES and SEXES already end with NO_CATEGORY_CODES (the total rows').
    grade_tab = pa.array([f"{g},{r},{x}," for g in (*GRADES, NO_CATEGORY_CODES) for r in RACES for x in SEXES])
    tail_tab = tail_table(MEMBERSHIP_INDICATORS, eol)
    districts = np.flatnonzero(plan.in_mem)
    chunks = [districts[i : i + MEMBERSHIP_CHUNK] for i in range(0, districts.size, MEMBERSHIP_CHUNK)]
    stats = {"rows": 0, "stripped_rows": 0, "stripped_detail_rows": 0, "not_specified_rows": 0}
    tmp = partial_path(path)
    written = 0
    # Zip64 headers only when the CSV may pass 2 GiB (it never does at full scale: ~0.6 GB).
    zip64 = int(plan.grade_mask[districts].sum()) * 15 * 220 > 2**31
    with zipfile.ZipFile(tmp, "w", allowZip64=True) as zf, zf.open(info, "w", force_zip64=zip64) as out:
        sink = Sink(out, encoding)
        sink.write_text(",".join(MEMBERSHIP_COLUMNS) + eol, first=True)
        next_report = 0.25
        for n_chunk, idx in enumerate(chunks):
            rng = np.random.default_rng([seed, 52, n_chunk])
            sink.write_utf8(_membership_chunk(plan, idx, rng, grade_tab, tail_tab, stats))
            done = (n_chunk + 1) / len(chunks)
            if len(chunks) > 20 and done >= next_report and done < 1:
                say(f"membership: {done:.0%} ({stats['rows']:,} rows, {mb(sink.bytes)})")
                next_report += 0.25
        written = sink.bytes
    return FileResult.moved_into_place(
        path, csv_bytes=written, stats=stats, columns=MEMBERSHIP_COLUMNS, encoding=encoding, eol=eol, member=member
    )


def _membership_chunk(
    plan: Plan,
    idx: np.ndarray,
    rng: np.random.Generator,
    grade_tab: pa.Array,
    tail_tab: pa.Array,
    stats: dict[str, int],
) -> memoryview:
    """CSV text of the membership rows of districts `idx`; records their effective grade counts in the plan."""
    c = idx.size
    mask = plan.grade_mask[idx]
    pair_d, pair_g = np.nonzero(mask)  # one (district, grade) pair per offered grade, district-major
    n_pairs = pair_d.size
    pair_id = np.full((c, 17), -1, dtype=np.int64)
    pair_id[pair_d, pair_g] = np.arange(n_pairs)
    n_cell = np.where(plan.not_specified[idx][pair_d], 15, 14)
    pair_start = np.concatenate(([0], np.cumsum(n_cell)[:-1]))
    cell_pair = np.repeat(np.arange(n_pairs), n_cell)
    local = np.arange(cell_pair.size) - pair_start[cell_pair]
    race = np.where(local < 14, local // 2, 7)
    sex = np.where(local < 14, local % 2, 2)
    cd, cg = pair_d[cell_pair], pair_g[cell_pair]
    race_p = np.concatenate([plan.race_p[idx], np.full((c, 1), 0.004)], axis=1)
    sex_p = np.array([1 - MALE_SHARE, MALE_SHARE, 1.0])
    counts = rng.poisson(plan.grade_lam[idx][cd, cg] * race_p[cd, race] * sex_p[sex]).astype(np.int64)
    # Every offered grade of a district with students gets at least one, so GSLO/GSHI match the students.
    grade_total = np.bincount(cell_pair, weights=counts, minlength=n_pairs)
    has_students = ~np.isin(plan.kind[idx], [KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH])
    need = np.flatnonzero((grade_total == 0) & has_students[pair_d])
    counts[pair_start[need] + rng.integers(0, 14, need.size)] += 1

    # Planted cells: blanks in place; duplicates and conflicting copies as extra rows right after.
    blank = np.zeros(counts.size, dtype=bool)
    flag = np.zeros(counts.size, dtype=np.int64)
    extra_rows, extra_counts = [], []
    for j in np.flatnonzero(plan.mem_case[idx] != CASE_NONE):
        i = idx[j]
        g, cell = plan.mem_cell[i]
        row = pair_start[pair_id[j, g]] + cell
        case = plan.mem_case[i]
        if case == CASE_BLANK:
            blank[row], flag[row] = True, plan.mem_arg[i]
        else:
            extra_rows.append(row)
            extra_counts.append(counts[row] + (plan.mem_arg[i] if case == CASE_CONFLICT else 0))
    ok = ~blank
    grade_total = np.bincount(cell_pair[ok], weights=counts[ok], minlength=n_pairs).astype(np.int64)
    effective = np.zeros((c, 17), dtype=np.int64)
    effective[pair_d, pair_g] = grade_total
    plan.grade_counts[idx] = effective
    district_total = effective.sum(axis=1)
    reported_total = district_total + plan.mem_mismatch[idx]

    ex = np.asarray(extra_rows, dtype=np.int64)
    no_race, no_sex, no_grade = RACES.index(NO_CATEGORY_CODES), SEXES.index(NO_CATEGORY_CODES), len(GRADES)
    ar = np.arange(c)
    parts = {
        "d": (cd, cd[ex], pair_d, ar, ar),
        "g": (cg, cg[ex], pair_g, np.full(c, no_grade), np.full(c, no_grade)),
        "race": (race, race[ex], np.full(n_pairs, no_race), np.full(c, no_race), np.full(c, no_race)),
        "sex": (sex, sex[ex], np.full(n_pairs, no_sex), np.full(c, no_sex), np.full(c, no_sex)),
        "count": (
            counts,
            np.asarray(extra_counts, dtype=np.int64),
            grade_total,
            reported_total - effective[:, AE],
            reported_total,
        ),
        "blank": (blank, np.zeros(ex.size, bool), np.zeros(n_pairs, bool), np.zeros(c, bool), np.zeros(c, bool)),
        "flag": (flag, np.zeros(ex.size, np.int64), np.zeros(n_pairs, np.int64), np.zeros(c, np.int64), ar * 0),
        "ind": (cd * 0, ex * 0, pair_d * 0 + 1, np.full(c, 2), np.full(c, 3)),
        # order: district, then section (detail, subtotals, derived, total), then position (copies after originals)
        "key": (
            (cd << 40) | (np.arange(cd.size) << 1),
            (cd[ex] << 40) | (ex << 1) | 1,
            (pair_d << 40) | (1 << 36) | np.arange(n_pairs),
            (ar << 40) | (2 << 36),
            (ar << 40) | (3 << 36),
        ),
    }
    cols = {k: np.concatenate(v) for k, v in parts.items()}
    order = np.argsort(cols["key"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}

    category_text = grade_tab.take(pa.array((cols["g"] * len(RACES) + cols["race"]) * len(SEXES) + cols["sex"]))
    count_text = pc.fill_null(pc.cast(pa.array(cols["count"], mask=cols["blank"]), pa.string()), "")
    stats["not_specified_rows"] += int((cols["race"] == 7).sum())
    return rows_text(plan, idx, cols, category_text, count_text, tail_tab, stats)


def _set_compress_level(info: zipfile.ZipInfo, level: int) -> None:
    """ZipInfo keeps the level in `_compresslevel` (3.11/3.12) or `compress_level` (3.13+)."""
    if hasattr(info, "compress_level"):
        info.compress_level = level
    else:
        info._compresslevel = level  # type: ignore[attr-defined]
