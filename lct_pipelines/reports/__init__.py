"""Report files people open: the LCT QA report (JSON, latest copy) and its chart."""
