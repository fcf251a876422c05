"""Waiting for a running Dagster UI to be usable: its code location loaded (then the daemon ticks too)."""

from __future__ import annotations

import time

import requests

LOCATIONS = (
    "{ workspaceOrError { ... on Workspace { locationEntries { name loadStatus "
    "locationOrLoadError { __typename } } } } }"
)


def wait_until_loaded(url: str, limit: float) -> None:
    """Until the webserver at `url` serves a loaded code location (not a loading or error state)."""
    deadline = time.monotonic() + limit
    entries: list = []
    while time.monotonic() < deadline:
        try:
            body = requests.post(f"{url}/graphql", json={"query": LOCATIONS}, timeout=30).json()
            entries = body["data"]["workspaceOrError"]["locationEntries"]
        except (requests.RequestException, KeyError, TypeError):
            entries = []
        if entries and all((e["locationOrLoadError"] or {}).get("__typename") == "RepositoryLocation" for e in entries):
            return
        time.sleep(1)
    raise AssertionError(f"the code location did not load within {limit:.0f} s: {entries}")
