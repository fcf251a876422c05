"""Lifecycle of the embedded servers behind `lct up | down | status`: PostgreSQL (primary and replica) and Redis."""
