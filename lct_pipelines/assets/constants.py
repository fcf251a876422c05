"""Names several modules share: the asset groups (jobs select by them) and the platform team that owns its tables.

Literals of these names appear nowhere else; the definitions snapshot (tests/test_definitions.py) shows any change.
"""

NCES_SOURCES_GROUP = "nces_sources"  # the landed CCD files (owned by NCES)
NCES_GROUP = "nces"  # the imported CCD tables
ENRICHMENT_GROUP = "enrichment"  # state minutes and bell schedules
LCT_GROUP = "lct"  # the calculations and the QA report
LCT_VIEWS_GROUP = "lct_views"  # materialized views over the calculations
LCT_EXPORTS_GROUP = "lct_exports"  # Parquet exports
DOCS_GROUP = "docs"  # the data dictionary
PLATFORM_SOURCES_GROUP = "platform_sources"  # the school platform's tables (owned by the platform)
WAREHOUSE_GROUP = "warehouse"  # rollups, statistics, the query cache

PLATFORM_OWNER = "team:platform"
