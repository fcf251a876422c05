"""What the enrichment tool's failures are called and which exit code each gives."""

EXIT_OK = 0
EXIT_REJECTED_ROWS = 1  # an import found bad rows
EXIT_USER_ERROR = 2  # something to fix before anything can be done (an unusable file, an unknown district)
EXIT_INTERRUPTED = 130
APPLICATION_NAME = "lct_enrich"


class EnrichmentError(Exception):
    """A problem the user can fix (unknown district or state, unreadable file, no data yet): exit code 2."""
