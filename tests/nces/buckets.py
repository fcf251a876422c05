"""The import report's invariant, as the tests check it: every data row lands in exactly one bucket."""

from lct_pipelines.nces.report import ImportReport

BUCKETS = (
    "rows_used",
    "total_rows",
    "blank_counts",
    "duplicates",
    "conflicts",
    "invalid_ids",
    "unknown_categories",
    "rows_without_grade",
)


def bucket_sum(report: ImportReport) -> int:
    """The sum of the disjoint buckets; equals `rows_read` (see lct_pipelines/nces/report.py)."""
    return sum(getattr(report, name) for name in BUCKETS)
