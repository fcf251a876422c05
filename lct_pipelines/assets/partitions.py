"""School years are discovered from the landing folders, so the partitions are dynamic."""

import dagster as dg

SCHOOL_YEAR_PARTITIONS_NAME = "school_year"
school_years = dg.DynamicPartitionsDefinition(name=SCHOOL_YEAR_PARTITIONS_NAME)
