"""The LCT methodology as plain Python: scopes and bands, minutes, calculation, validity, flags and the QA report."""
