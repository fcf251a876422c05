"""Draws the plan of the demo NCES files from one seeded generator, in a fixed order (same seed, same plan).

Every district's state, id, coverage of the three files, kind, grade span, size, names and planted cases.
"""

from __future__ import annotations

import re

import numpy as np

from lct_pipelines.demo.nces_calibration import (
    CHARTER_SHARE,
    ELEMENTARY_ONLY,
    GRADE_WEIGHT,
    NATIONAL_RACES,
    NEW_ENGLAND_UNIONS,
    OPEN_STATUS_CUTS,
    OPEN_STATUSES,
    PLANT,
    SECONDARY_ONLY,
    SMALL_DISTRICTS,
    STATE_RACES,
)
from lct_pipelines.demo.nces_layout import (
    AE,
    CHARTER_TEXTS,
    G13,
    KG,
    NOT_CHARTER,
    PK,
    S_ELEM,
    S_LEA_ADM,
    S_OTHER,
    S_PARA,
    S_SCH_ADM,
    S_SEC,
    S_SUPPORT,
    UG,
)
from lct_pipelines.demo.nces_names import ANASCO, DCPS, SPECIAL_NAMES, STATEWIDE_NAMES, district_name, place_names
from lct_pipelines.demo.nces_plan import (
    CASE_BLANK,
    CASE_CONFLICT,
    CASE_DUP,
    KIND_NORMAL,
    KIND_STAFF_HEAVY,
    KIND_ZERO_BOTH,
    KIND_ZERO_ENROLLMENT,
    KIND_ZERO_STAFF,
    LEVEL_ELEMENTARY,
    LEVEL_NONE,
    LEVEL_SECONDARY,
    LEVEL_UNIFIED,
    ROLE_CLOSED,
    ROLE_CORE,
    ROLE_FUTURE,
    ROLE_INACTIVE,
    ROLE_NO_DATA,
    Plan,
)
from lct_pipelines.nces.geography import STATES


def draw_plan(rng: np.random.Generator, scale: str, long_year: str) -> Plan:
    """Decide every district: state, id, role, kind, grade span, size, names and planted cases."""
    plant = PLANT[scale]
    core = _core_counts(scale)
    n_states = len(STATES)
    weights = core / core.sum()

    # Directory-only extras (closed, inactive, future, open without data), spread like the districts.
    extra = np.zeros((n_states, 5), dtype=np.int64)
    for role, key in ((ROLE_CLOSED, "closed"), (ROLE_INACTIVE, "inactive"), (ROLE_FUTURE, "future")):
        extra[:, role] = np.bincount(rng.choice(n_states, plant[key], p=weights), minlength=n_states)
    extra[:, ROLE_NO_DATA] = np.bincount(rng.choice(n_states, plant["open_no_data"], p=weights), minlength=n_states)
    pr = _state_index(ANASCO[0])
    extra[pr, ROLE_CLOSED] += 1

    states, roles, leaids = [], [], []
    for si, s in enumerate(STATES):
        role_list = [ROLE_CORE] * int(core[si]) + [r for r in range(1, 5) for _ in range(int(extra[si, r]))]
        k = len(role_list)
        ids = np.sort(rng.choice(np.arange(1, max(2000, 6 * k)), size=k, replace=False))
        states += [si] * k
        roles += list(np.asarray(role_list)[rng.permutation(k)])
        leaids += [f"{s.fips}{i:05d}" for i in ids]
    n = len(states)
    state = np.asarray(states, dtype=np.int64)
    role = np.asarray(roles, dtype=np.int64)
    postal = np.asarray([STATES[i].postal for i in state])
    core_mask = role == ROLE_CORE
    state_core = core[state]

    # Coverage across the three files (core districts only; never the only district of a state).
    in_dir, in_mem, in_staff = np.ones(n, bool), core_mask.copy(), core_mask.copy()
    taken = ~core_mask | (state_core < 3)
    for key, d, m, st in (
        ("dir_mem", True, True, False),
        ("dir_staff", True, False, True),
        ("mem_staff", False, True, True),
        ("mem_only", False, True, False),
        ("staff_only", False, False, True),
    ):
        pick = _pick(rng, ~taken, plant[key])
        taken[pick] = True
        in_dir[pick], in_mem[pick], in_staff[pick] = d, m, st

    # District kinds (edge cases) among districts in all three files.
    full_cov = core_mask & in_dir & in_mem & in_staff & (state_core >= 3)
    kind = np.full(n, KIND_NORMAL)
    free = full_cov.copy()
    for key, code in (
        ("zero_enrollment", KIND_ZERO_ENROLLMENT),
        ("zero_both", KIND_ZERO_BOTH),
        ("zero_staff", KIND_ZERO_STAFF),
        ("staff_heavy", KIND_STAFF_HEAVY),
    ):
        pick = _pick(rng, free, plant[key])
        free[pick] = False
        kind[pick] = code

    # Grade level, charter status and LEA type.
    u = rng.random(n)
    elem_share = np.asarray([ELEMENTARY_ONLY.get(p, 0.03) for p in postal])
    sec_share = np.asarray([SECONDARY_ONLY.get(p, 0.01) for p in postal])
    level = np.where(u < elem_share, LEVEL_ELEMENTARY, np.where(u < elem_share + sec_share, LEVEL_SECONDARY, 0))
    charter = rng.random(n) < np.asarray([CHARTER_SHARE.get(p, 0.02) for p in postal])
    charter &= (state_core >= 3) & ~np.isin(postal, ["BI", "PR", "VI", "GU", "AS", "MP"])
    charter_level = rng.choice(3, n, p=[0.35, 0.4, 0.25])
    level = np.where(charter, charter_level, level)
    lea_type = np.where(charter, 7, 1)
    new_england = np.isin(postal, sorted(NEW_ENGLAND_UNIONS))
    lea_type = np.where(new_england & ~charter & (rng.random(n) < 0.35), 2, lea_type)
    lea_type = np.where(postal == "BI", 6, lea_type)
    agency = _pick(rng, free & ~charter, plant["state_agency"])
    free[agency] = False
    lea_type[agency] = rng.choice([5, 8, 9], agency.size, p=[0.5, 0.2, 0.3])
    zero_kinds = np.isin(kind, [KIND_ZERO_ENROLLMENT, KIND_ZERO_BOTH])
    lea_type = np.where(zero_kinds, np.where(new_england, 3, 4), lea_type)
    charter &= ~zero_kinds
    level = np.where(zero_kinds, LEVEL_NONE, level)
    heavy = kind == KIND_STAFF_HEAVY
    level = np.where(heavy, LEVEL_SECONDARY, level)
    lea_type = np.where(heavy, 9, lea_type)
    charter &= ~heavy

    # Sizes: split lognormal around the state median (calibrated on the 2023-24 quantiles), capped at the
    # state's largest district; the largest districts of the biggest states are planted at their real size.
    median = np.asarray([STATES[i].median_enrollment for i in state], dtype=float)
    cap = np.asarray([STATES[i].max_enrollment for i in state], dtype=float)
    z = rng.standard_normal(n)
    size = median * np.exp(np.where(z < 0, 1.2, 1.5) * z)
    single = state_core == 1
    size = np.where(single, median * np.exp(0.03 * z), size)
    size = np.where(charter, size * 0.7, size)
    size = np.where(lea_type == 5, rng.uniform(40, 600, n), size)
    size = np.where(heavy, rng.integers(4, 41, n), size)
    size = np.clip(np.round(size), 8, cap)
    for si, s in enumerate(STATES):
        if s.max_enrollment >= 250_000 and core[si] > 1:
            members = np.flatnonzero((state == si) & full_cov & (kind == KIND_NORMAL) & ~charter & (level == 0))
            if members.size:
                size[members[np.argmax(size[members])]] = s.max_enrollment

    # Grade spans.
    mask = np.zeros((n, 17), dtype=bool)
    mask[:, KG:14] = True
    elem_hi = rng.choice([9, 7, 6], n, p=[0.7, 0.15, 0.15])  # GSHI 08, 06, 05
    sec_lo = rng.choice([10, 8], n, p=[0.7, 0.3])  # GSLO 09, 07
    for i in np.flatnonzero(level == LEVEL_ELEMENTARY):
        mask[i, elem_hi[i] + 1 : 14] = False
    for i in np.flatnonzero(level == LEVEL_SECONDARY):
        mask[i, KG : (10 if heavy[i] else sec_lo[i])] = False
    has_students = ~zero_kinds
    prek_p = np.where(level == LEVEL_UNIFIED, 0.55, np.where(level == LEVEL_ELEMENTARY, 0.5, 0.0))
    prek_p = np.where(charter, prek_p * 0.5, prek_p)
    mask[:, PK] = (rng.random(n) < prek_p) & has_students
    students = has_students & in_mem
    mask[:, UG] = (rng.random(n) < 0.04) & has_students & ~heavy
    g13 = _pick(rng, students & ~charter & (level == LEVEL_UNIFIED) & (kind == KIND_NORMAL), plant["grade13"])
    mask[g13, G13] = True
    ae = _pick(rng, students & ~charter & (level == LEVEL_UNIFIED) & (kind == KIND_NORMAL), plant["adult_ed"])
    mask[ae, AE] = True

    weight = np.where(mask, GRADE_WEIGHT, 0.0)
    lam = weight / np.maximum(weight.sum(axis=1, keepdims=True), 1e-9) * size[:, None]
    lam[:, G13] = np.where(mask[:, G13], rng.uniform(5, 40, n), 0.0)
    lam[:, UG] = np.where(mask[:, UG], size * rng.uniform(0.002, 0.02, n) + 1, 0.0)
    lam[:, AE] = np.where(mask[:, AE], rng.uniform(5, 120, n), 0.0)
    lam[~has_students] = 0.0

    alpha = np.asarray([STATE_RACES.get(p, NATIONAL_RACES) for p in postal], dtype=float) * 8.0 + 1e-3
    race = rng.gamma(alpha)
    race_p = race / race.sum(axis=1, keepdims=True)
    not_specified = np.zeros(n, bool)
    not_specified[_pick(rng, students & (kind == KIND_NORMAL), plant["not_specified"])] = True

    # Status: open-like for districts with data (always Open for a state's only district).
    open_status = np.searchsorted(OPEN_STATUS_CUTS, rng.random(n), side="right")
    open_status[single] = 0
    by_role = {ROLE_CLOSED: "Closed", ROLE_INACTIVE: "Inactive", ROLE_FUTURE: "Future", ROLE_NO_DATA: "Open"}
    status = [OPEN_STATUSES[open_status[i]] if role[i] == ROLE_CORE else by_role[int(role[i])] for i in range(n)]

    # Special names on ordinary open districts of their state (a charter name makes its district a charter).
    giant = size >= 250_000
    clean = full_cov & (kind == KIND_NORMAL) & ~np.isin(lea_type, [5, 8, 9]) & (size >= 100) & ~single & ~giant
    clean &= np.asarray([st == "Open" for st in status])
    nameable = full_cov & (kind == KIND_NORMAL) & np.isin(lea_type, [1, 2, 7]) & ~giant & ~single
    special_names: dict[int, str] = {}
    for postal_code, special in SPECIAL_NAMES:
        is_charter = "Charter" in special
        in_state = nameable & (postal == postal_code)
        preferred = in_state & clean & (charter == is_charter)
        preferred &= level == (LEVEL_ELEMENTARY if is_charter else LEVEL_UNIFIED)
        for candidates in (preferred, in_state & (charter == is_charter), in_state):
            pick = _pick(rng, candidates, 1)
            if pick.size:
                break
        if pick.size == 0:  # never at the built-in scales; keeps odd scales working
            continue
        i = int(pick[0])
        special_names[i] = special
        charter[i], lea_type[i] = is_charter, 7 if is_charter else 1
        clean[i] = nameable[i] = False

    # Names, places, websites, union numbers.
    name, city, website, st_leaid, union, charter_text = [], [], [], [], [], []
    places = place_names(rng, 2 * n)
    web_u = rng.random(n)
    unique_names: set[str] = set()
    for i in range(n):
        s = STATES[int(state[i])]
        place, town = places[2 * i], places[2 * i + 1]
        main = role[i] == ROLE_CORE and lea_type[i] in (1, 2) and not charter[i]
        lea_name = district_name(s, place, int(level[i]), bool(charter[i]), int(lea_type[i]), i, main)
        if lea_name in STATEWIDE_NAMES.values() or lea_name == DCPS:
            lea_name = lea_name if lea_name not in unique_names else f"{place} Public Schools"
            unique_names.add(lea_name)
        name.append(special_names.get(i, lea_name))
        city.append(town if lea_type[i] not in (5, 6) else place)
        slug = re.sub(r"[^a-z0-9]", "", place.lower())
        website.append(
            f"https://www.{slug}.k12.{s.postal.lower()}.us"
            if web_u[i] < 0.65
            else (f"https://www.{slug}schools.org" if web_u[i] < 0.9 else "")
        )
        st_leaid.append(f"{s.postal}-{int(leaids[i][2:]) * 7 % 10 ** (3 + int(s.fips) % 5):0{3 + int(s.fips) % 5}d}")
        union.append(f"{int(leaids[i][2:]) % 97 + 1:03d}" if lea_type[i] in (2, 3) else "")
        if charter[i]:
            charter_text.append(CHARTER_TEXTS[int(web_u[i] * 1000) % 3])
        elif s.postal in CHARTER_SHARE or s.postal not in ("BI", "AS", "GU", "MP", "PR", "VI"):
            charter_text.append(NOT_CHARTER)
        else:
            charter_text.append("Not applicable")
    zip_codes = [f"{STATES[int(state[i])].zip3}{v:02d}" for i, v in enumerate(rng.integers(1, 99, n))]

    # The closed Añasco LEA of PR (directory only).
    closed_pr = np.flatnonzero((state == pr) & (role == ROLE_CLOSED))
    name[int(closed_pr[0])] = ANASCO[1]

    # Planted messiness, each in its own district.
    stripped = np.zeros(n, bool)
    low_fips = np.asarray([int(STATES[i].fips) < 10 for i in state])
    pick = _pick(rng, clean & low_fips, plant["stripped"])
    stripped[pick] = True
    clean[pick] = False

    mem_case, mem_cell, mem_arg = np.zeros(n, np.int64), np.zeros((n, 2), np.int64), np.zeros(n, np.int64)
    for key, case in (("mem_dup", CASE_DUP), ("mem_conflict", CASE_CONFLICT), ("mem_blank", CASE_BLANK)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        mem_case[pick] = case
        for j, i in enumerate(pick):
            grades = np.flatnonzero(mask[i, KG:14]) + KG
            mem_cell[i] = (rng.choice(grades), rng.integers(0, 14))
            mem_arg[i] = rng.integers(1, 6) if case == CASE_CONFLICT else 1 + j % 4
    mem_mismatch = np.zeros(n, np.int64)
    pick = _pick(rng, clean, plant["mem_mismatch"])
    clean[pick] = False
    mem_mismatch[pick] = rng.integers(1, 40, pick.size) * rng.choice([-1, 1], pick.size)

    staff_case, staff_cell, staff_arg = np.zeros(n, np.int64), np.zeros(n, np.int64), np.zeros(n, np.int64)
    for key, case in (("staff_dup", CASE_DUP), ("staff_conflict", CASE_CONFLICT), ("staff_blank", CASE_BLANK)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        staff_case[pick] = case
        for j, i in enumerate(pick):
            cats = [S_PARA, S_SUPPORT, S_SCH_ADM, S_OTHER, S_LEA_ADM]
            cats += [S_SEC] if level[i] != LEVEL_ELEMENTARY else [S_ELEM]
            staff_cell[i] = rng.choice(cats)
            staff_arg[i] = rng.integers(50, 500) if case == CASE_CONFLICT else 1 + j % 4
    staff_mismatch = np.zeros(n, np.int64)
    pick = _pick(rng, clean, plant["staff_mismatch"])
    clean[pick] = False
    staff_mismatch[pick] = rng.integers(50, 300, pick.size) * rng.choice([-1, 1], pick.size)

    dir_case = np.zeros(n, np.int64)
    for key, case in (("dir_dup", CASE_DUP), ("dir_conflict", CASE_CONFLICT)):
        pick = _pick(rng, clean, plant[key])
        clean[pick] = False
        dir_case[pick] = case

    return Plan(
        size=n,
        long_year=long_year,
        state=state,
        leaid=leaids,
        role=role,
        in_dir=in_dir,
        in_mem=in_mem,
        in_staff=in_staff,
        kind=kind,
        level=level,
        charter=charter,
        lea_type=lea_type,
        grade_mask=mask,
        grade_lam=lam,
        race_p=race_p,
        not_specified=not_specified,
        stripped=stripped,
        name=name,
        status=status,
        union=union,
        st_leaid=st_leaid,
        city=city,
        zip=zip_codes,
        website=website,
        charter_text=charter_text,
        mem_case=mem_case,
        mem_cell=mem_cell,
        mem_arg=mem_arg,
        mem_mismatch=mem_mismatch,
        staff_case=staff_case,
        staff_cell=staff_cell,
        staff_arg=staff_arg,
        staff_mismatch=staff_mismatch,
        dir_case=dir_case,
        grade_counts=np.zeros((n, 17), np.int64),
        staff_fte=np.zeros((n, 19), np.int64),
    )


def _core_counts(scale: str) -> np.ndarray:
    """Districts with data per state: the real counts (full) or ~600 in proportion, at least 1 each (small)."""
    real = np.asarray([s.districts for s in STATES], dtype=np.int64)
    if scale == "full":
        return real
    quota = real * SMALL_DISTRICTS / real.sum()
    counts = np.maximum(1, np.floor(quota)).astype(np.int64)
    missing = SMALL_DISTRICTS - int(counts.sum())
    if missing > 0:
        order = np.argsort(-(quota - np.floor(quota)), kind="stable")
        counts[order[:missing]] += 1
    return counts


def _state_index(postal: str) -> int:
    return next(i for i, s in enumerate(STATES) if s.postal == postal)


def _pick(rng: np.random.Generator, eligible: np.ndarray, k: int) -> np.ndarray:
    """k distinct indices where `eligible` (fewer if not enough), sorted."""
    pool = np.flatnonzero(eligible)
    if k <= 0 or pool.size == 0:
        return np.zeros(0, dtype=np.int64)
    return np.sort(rng.choice(pool, size=min(k, pool.size), replace=False))
