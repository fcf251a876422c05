"""Thin Dagster assets and checks per domain, calling the plain core (`nces/`, `lct/`, `warehouse/`)."""
