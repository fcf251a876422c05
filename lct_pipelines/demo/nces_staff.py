"""The demo 059 staff file: 19 detail categories and 4 total rows per district, FTE in realistic ratios."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from lct_pipelines.demo.nces_calibration import (
    STUDENTS_PER_ELEM_TEACHER,
    STUDENTS_PER_K_TEACHER,
    STUDENTS_PER_SEC_TEACHER,
)
from lct_pipelines.demo.nces_layout import (
    G13,
    K12,
    KG,
    PK,
    S_COORD,
    S_COUNS_E,
    S_COUNS_O,
    S_COUNS_S,
    S_ELEM,
    S_KG,
    S_LEA_ADM,
    S_LEA_SUP,
    S_LIB,
    S_LIBSUP,
    S_OTHER,
    S_PARA,
    S_PK,
    S_PSYCH,
    S_SCH_ADM,
    S_SCH_SUP,
    S_SEC,
    S_SUPPORT,
    S_UNGRADED,
    STAFF_COLUMNS,
    STAFF_TOTALS,
    UG,
)
from lct_pipelines.demo.nces_long import rows_text, tail_table
from lct_pipelines.demo.nces_output import FileResult, Sink, partial_path
from lct_pipelines.demo.nces_plan import (
    CASE_BLANK,
    CASE_CONFLICT,
    CASE_NONE,
    KIND_STAFF_HEAVY,
    KIND_ZERO_BOTH,
    KIND_ZERO_ENROLLMENT,
    KIND_ZERO_STAFF,
    LEVEL_ELEMENTARY,
    Plan,
)
from lct_pipelines.nces.categories import STAFF_CATEGORIES, STAFF_DETAIL_INDICATOR

STAFF_CHUNK = 4000


def write_staff(plan: Plan, path: Path, *, seed: int, encoding: str, eol: str) -> FileResult:
    """The 059 staff file: 19 detail categories and 4 total rows per district."""
    rng = np.random.default_rng([seed, 59])
    fte = _staff_fte(plan, rng)
    mid_tab = pa.array([f"{name}," for name in (*STAFF_CATEGORIES, *(t[0] for t in STAFF_TOTALS))])
    indicators = (STAFF_DETAIL_INDICATOR, *(t[1] for t in STAFF_TOTALS))
    tail_tab = tail_table(indicators, eol)
    districts = np.flatnonzero(plan.in_staff)
    stats = {"rows": 0, "stripped_rows": 0, "stripped_detail_rows": 0}
    tmp = partial_path(path)
    with tmp.open("wb") as fh:
        sink = Sink(fh, encoding)
        sink.write_text(",".join(STAFF_COLUMNS) + eol, first=True)
        for start in range(0, districts.size, STAFF_CHUNK):
            idx = districts[start : start + STAFF_CHUNK]
            sink.write_utf8(_staff_chunk(plan, idx, fte[idx], mid_tab, tail_tab, stats))
        written = sink.bytes
    return FileResult.moved_into_place(
        path, csv_bytes=written, stats=stats, columns=STAFF_COLUMNS, encoding=encoding, eol=eol
    )


def _staff_fte(plan: Plan, rng: np.random.Generator) -> np.ndarray:
    """FTE per district and detail category, in hundredths, from the students each category serves."""
    n = plan.size
    counts = plan.grade_counts.astype(float)
    # Districts without membership rows still have students behind their staff: use the expected counts.
    counts[~plan.in_mem] = np.round(plan.grade_lam[~plan.in_mem])
    kg = counts[:, KG]
    g15 = counts[:, 2:7].sum(axis=1)
    mid = counts[:, 7:10].sum(axis=1)
    high = counts[:, 10:14].sum(axis=1)
    k12 = counts[:, K12].sum(axis=1)
    students = k12 + counts[:, G13] + counts[:, UG]
    level = plan.level

    # Small districts have smaller classes; each district and category gets its own noise.
    size_factor = 1 - 0.5 * np.exp(-students / 150)
    noise = rng.lognormal(0, 0.12, n) * size_factor

    def jitter(scale: float = 0.08) -> np.ndarray:
        return rng.lognormal(0, scale, n)

    def per(divisor_lo: float, divisor_hi: float, base: np.ndarray) -> np.ndarray:
        return base / rng.uniform(divisor_lo, divisor_hi, n)

    f = np.zeros((n, 19))
    elementary_only = level == LEVEL_ELEMENTARY
    f[:, S_KG] = kg / (STUDENTS_PER_K_TEACHER * noise * jitter())
    elementary_students = np.where(elementary_only, g15 + mid, g15)
    f[:, S_ELEM] = elementary_students / (STUDENTS_PER_ELEM_TEACHER * noise * jitter())
    secondary_students = np.where(elementary_only, 0.0, mid + high)
    f[:, S_SEC] = secondary_students / (STUDENTS_PER_SEC_TEACHER * noise * jitter())
    k_in_elem = rng.random(n) < 0.15  # some states report kindergarten teachers as elementary teachers
    f[k_in_elem, S_ELEM] += f[k_in_elem, S_KG]
    f[k_in_elem, S_KG] = 0
    f[:, S_PK] = np.where(rng.random(n) < 0.85, counts[:, PK] / rng.uniform(12, 18, n), 0.0)
    teachers = f[:, S_KG] + f[:, S_ELEM] + f[:, S_SEC]
    # Ungraded teachers (special education, alternative programs) in many districts: teachers_core > teachers_only.
    f[:, S_UNGRADED] = counts[:, UG] / 10 + np.where(rng.random(n) < 0.45, teachers * rng.uniform(0.02, 0.14, n), 0)
    f[:, S_PARA] = per(45, 95, k12) + counts[:, PK] / 25
    f[:, S_COORD] = np.where((students < 400) & (rng.random(n) < 0.5), 0, per(500, 1500, students))
    f[:, S_LIB] = np.where((students < 500) & (rng.random(n) < 0.35), 0, per(700, 1500, students))
    f[:, S_LIBSUP] = np.where((students < 800) & (rng.random(n) < 0.5), 0, per(1000, 3000, students))
    f[:, S_COUNS_E] = per(450, 900, kg + g15)
    f[:, S_COUNS_S] = per(250, 450, mid + high)
    f[:, S_COUNS_O] = np.where(rng.random(n) < 0.5, 0, per(2500, 8000, students))
    f[:, S_PSYCH] = np.where((students < 600) & (rng.random(n) < 0.3), 0, per(1000, 2500, students))
    f[:, S_SUPPORT] = per(120, 260, students)
    f[:, S_LEA_ADM] = np.where(students > 0, 1 + per(2000, 5000, students), 0)
    f[:, S_LEA_SUP] = np.where(students > 0, 0.5 + per(500, 1200, students), 0)
    f[:, S_SCH_ADM] = per(250, 450, students)
    f[:, S_SCH_SUP] = per(150, 320, students)
    f[:, S_OTHER] = per(17, 35, students)

    kind = plan.kind
    agency = kind == KIND_ZERO_ENROLLMENT  # service agencies and supervisory unions: staff, no students
    for cat, lo, hi in (
        (S_LEA_ADM, 1, 5), (S_LEA_SUP, 1, 8), (S_COORD, 0, 6), (S_SUPPORT, 0, 25), (S_OTHER, 0, 20),
        (S_PSYCH, 0, 5), (S_PARA, 0, 12), (S_UNGRADED, 0, 10),
    ):  # fmt: skip
        f[agency, cat] = rng.uniform(lo, hi, int(agency.sum()))
    f[np.isin(kind, [KIND_ZERO_BOTH, KIND_ZERO_STAFF])] = 0
    heavy = kind == KIND_STAFF_HEAVY
    target = students * rng.uniform(1.3, 3.0, n)
    f[heavy] *= (target[heavy] / np.maximum(f[heavy].sum(axis=1), 1e-9))[:, None]
    # ... with more teachers than students, so every scope of theirs is clearly invalid (not near the 360 edge)
    f[heavy, S_SEC] = np.maximum(f[heavy, S_SEC], students[heavy] * rng.uniform(1.2, 1.6, int(heavy.sum())))

    hundredths = np.round(f * 100)
    whole = rng.random(n) < 0.4  # many states report whole FTE
    hundredths[whole] = np.round(hundredths[whole] / 100) * 100
    return hundredths.astype(np.int64)


def _staff_chunk(
    plan: Plan, idx: np.ndarray, fte: np.ndarray, mid_tab: pa.Array, tail_tab: pa.Array, stats: dict[str, int]
) -> memoryview:
    c = idx.size
    d = np.repeat(np.arange(c), 19)
    cat = np.tile(np.arange(19), c)
    value = fte.reshape(-1).copy()
    blank = np.zeros(value.size, bool)
    flag = np.zeros(value.size, np.int64)
    extra_rows, extra_values = [], []
    for j in np.flatnonzero(plan.staff_case[idx] != CASE_NONE):
        i = idx[j]
        row = j * 19 + plan.staff_cell[i]
        case = plan.staff_case[i]
        if case == CASE_BLANK:
            blank[row], flag[row] = True, plan.staff_arg[i]
        else:
            extra_rows.append(row)
            extra_values.append(value[row] + (plan.staff_arg[i] if case == CASE_CONFLICT else 0))
    effective = np.where(blank, 0, value).reshape(c, 19)
    plan.staff_fte[idx] = effective
    totals = np.stack([effective[:, list(members)].sum(axis=1) for _, _, members in STAFF_TOTALS], axis=1)
    totals[:, 0] += plan.staff_mismatch[idx]
    ex = np.asarray(extra_rows, dtype=np.int64)
    n_tot = len(STAFF_TOTALS)
    td = np.repeat(np.arange(c), n_tot)
    tcat = np.tile(np.arange(n_tot), c)
    cols = {
        "d": np.concatenate([d, d[ex], td]),
        "mid": np.concatenate([cat, cat[ex], 19 + tcat]),
        "value": np.concatenate([value, np.asarray(extra_values, np.int64), totals.reshape(-1)]),
        "blank": np.concatenate([blank, np.zeros(ex.size + td.size, bool)]),
        "flag": np.concatenate([flag, np.zeros(ex.size + td.size, np.int64)]),
        "ind": np.concatenate([np.zeros(d.size + ex.size, np.int64), 1 + tcat]),
        "key": np.concatenate(
            [(d << 40) | (np.arange(d.size) << 1), (d[ex] << 40) | (ex << 1) | 1, (td << 40) | (1 << 36) | tcat]
        ),
    }
    order = np.argsort(cols["key"], kind="stable")
    cols = {k: v[order] for k, v in cols.items()}
    whole = pc.cast(pa.array(cols["value"] // 100), pa.string())
    cents = pc.utf8_lpad(pc.cast(pa.array(cols["value"] % 100), pa.string()), width=2, padding="0")
    value_text = pc.binary_join_element_wise(whole, ".", cents, "")
    value_text = pc.if_else(pa.array(cols["blank"]), "", value_text)
    return rows_text(plan, idx, cols, mid_tab.take(pa.array(cols["mid"])), value_text, tail_tab, stats)
