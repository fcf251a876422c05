"""Demo data generators, seeded and deterministic (same seed, same bytes); no Dagster.

- `nces_files`: synthetic NCES CCD files in the landing folder (`lct demo-data`).
- `platform`: rows for the platform's source tables (`lct warehouse demo-data`).
"""
