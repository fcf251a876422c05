"""Errors the warehouse raises, so callers (the assets, the CLI) can tell them apart."""

from __future__ import annotations

from lct_pipelines.warehouse.params import PagingLimitError, QueryParameterError


class WarehouseError(RuntimeError):
    """Base of the warehouse's runtime errors."""


class QueryTimeoutError(WarehouseError):
    """A query ran past the statement timeout and was cancelled by the server."""


class RefreshError(WarehouseError):
    """One or more rollups failed to refresh (the others were refreshed and the cache handled)."""


class WarehouseConfigError(WarehouseError):
    """The service lacks what an operation needs (e.g. the owner's URL to refresh rollups)."""


__all__ = [
    "PagingLimitError",
    "QueryParameterError",
    "QueryTimeoutError",
    "RefreshError",
    "WarehouseConfigError",
    "WarehouseError",
]
