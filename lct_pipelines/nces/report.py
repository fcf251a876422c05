"""The import report: what the reader found in one CCD file, for people and for run metadata.

Every data row of a file lands in exactly one bucket, so

    rows_read == invalid_ids + total_rows + unknown_categories + rows_without_grade
                 + duplicates + conflicts + blank_counts + rows_used

which makes a report easy to check by eye.
"""

from __future__ import annotations

from dataclasses import dataclass, field

MAX_EXAMPLES = 5
MAX_UNKNOWN_VALUES = 20

# The integer fields, in the order reports show them.
COUNT_FIELDS: tuple[str, ...] = (
    "rows_read",
    "rows_used",
    "total_rows",
    "blank_counts",
    "duplicates",
    "conflicts",
    "ids_repadded",
    "invalid_ids",
    "unknown_categories",
    "rows_without_grade",
    "total_mismatches",
)


@dataclass
class ImportReport:
    """Counts and examples of one file's import.

    `ids_repadded` counts rows (not distinct LEAIDs) whose LEAID had lost leading
    zeros. `examples` maps a problem kind (a count field's name) to up to five
    LEAIDs to look at; for `invalid_ids` they are the raw values as found.
    """

    file: str
    kind: str
    encoding: str = "utf-8"
    rows_read: int = 0
    rows_used: int = 0
    total_rows: int = 0
    blank_counts: int = 0
    duplicates: int = 0
    conflicts: int = 0
    ids_repadded: int = 0
    unknown_categories: int = 0
    unknown_category_values: list[str] = field(default_factory=list)
    total_mismatches: int = 0
    examples: dict[str, list[str]] = field(default_factory=dict)
    invalid_ids: int = 0
    rows_without_grade: int = 0

    def add_example(self, kind: str, values: list[str]) -> None:
        """Keeps the first few distinct examples of a problem kind."""
        kept = self.examples.setdefault(kind, [])
        for value in values:
            if len(kept) >= MAX_EXAMPLES:
                break
            if value not in kept:
                kept.append(value)

    def to_metadata(self) -> dict[str, int | str]:
        """Flat and JSON-able: counts as ints, lists joined with `; `, examples as `examples/<kind>`."""
        meta: dict[str, int | str] = {"file": self.file, "kind": self.kind, "encoding": self.encoding}
        meta.update({name: int(getattr(self, name)) for name in COUNT_FIELDS})
        meta["unknown_category_values"] = "; ".join(self.unknown_category_values)
        for kind, values in sorted(self.examples.items()):
            if values:
                meta[f"examples/{kind}"] = ", ".join(values)
        return meta

    def to_markdown(self) -> str:
        """A small two-column table, with the examples beside their counts."""
        lines = [
            f"**{self.kind}** `{self.file}` ({self.encoding})",
            "",
            "| | count | examples |",
            "|---|---:|---|",
        ]
        for name in COUNT_FIELDS:
            examples = ", ".join(self.examples.get(name, []))
            lines.append(f"| {name} | {getattr(self, name):,} | {_escape(examples)} |")
        if self.unknown_category_values:
            values = "; ".join(self.unknown_category_values)
            lines.append(f"| unknown category values | | {_escape(values)} |")
        return "\n".join(lines)


def _escape(text: str) -> str:
    return text.replace("|", "\\|")
