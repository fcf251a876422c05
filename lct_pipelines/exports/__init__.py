"""Parquet (zstd) exports of the LCT results, hive-partitioned by school year; CSV copies on request."""
