"""Enrichment inputs: statutory minutes per state (a seed) and bell schedules (a CSV or the enrichment tool)."""
