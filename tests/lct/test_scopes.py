"""The scope, band and flag definitions as data: names, order, enrollment types, category sets."""

from __future__ import annotations

import itertools

from lct_pipelines.lct import scopes


def test_seven_scopes_in_the_methodology_order_with_their_enrollment_types() -> None:
    assert [(s.name, s.enrollment_type) for s in scopes.SCOPES] == [
        ("teachers_only", "k12"),
        ("teachers_core", "k12"),
        ("instructional", "k12"),
        ("instructional_plus_support", "k12"),
        ("all", "k12"),
        ("teachers_elementary", "elementary"),
        ("teachers_secondary", "secondary"),
    ]
    assert scopes.SCOPE_NAMES[:5] == scopes.BASE_SCOPE_NAMES


def test_base_scopes_are_nested() -> None:
    base = [set(scopes.SCOPES_BY_NAME[name].categories) for name in scopes.BASE_SCOPE_NAMES]
    assert all(smaller < larger for smaller, larger in itertools.pairwise(base))


def test_no_scope_counts_prek_teachers() -> None:
    assert all(scopes.PREK_TEACHERS not in s.categories for s in scopes.SCOPES)
    assert len(scopes.SCOPES_BY_NAME["all"].categories) == 18


def test_scope_categories_are_in_the_canonical_order() -> None:
    order = {c: i for i, c in enumerate(scopes.STAFF_CATEGORIES)}
    for scope in scopes.SCOPES:
        assert [order[c] for c in scope.categories] == sorted(order[c] for c in scope.categories)


def test_bands_never_include_prek_g13_ungraded_or_adult_ed() -> None:
    excluded = {"prek", "g13", "ungraded", "adult_ed"}
    assert all(not excluded & set(grades) for grades in scopes.BANDS.values())
    assert (
        scopes.BANDS["enrollment_k12"] == scopes.BANDS["enrollment_elementary"] + scopes.BANDS["enrollment_secondary"]
    )


def test_each_enrollment_type_names_its_band_column() -> None:
    assert {s.enrollment_column for s in scopes.SCOPES} == {
        "enrollment_k12",
        "enrollment_elementary",
        "enrollment_secondary",
    }


def test_flags_and_reasons_vocabulary() -> None:
    assert scopes.FLAGS == (
        "ERR_FLAT_STAFF",
        "ERR_IMPOSSIBLE_SSR",
        "ERR_VOLATILE",
        "WARN_LCT_LOW",
        "WARN_LCT_HIGH",
        "LEVEL_MISMATCH",
    )
    assert scopes.NOT_CALCULABLE_REASONS == (
        "not_in_directory",
        "no_membership",
        "no_staff",
        "zero_enrollment",
        "zero_staff",
    )
