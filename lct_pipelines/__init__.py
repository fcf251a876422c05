"""lct_pipelines: Learning Connection Time and the school-platform analytics warehouse, on Dagster."""
