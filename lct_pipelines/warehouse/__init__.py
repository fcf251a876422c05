"""The analytics warehouse: platform demo data, rollups, the eight queries and the service that serves them.

Plain Python (no Dagster): the assets and resources wrap these.
"""
