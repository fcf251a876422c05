"""LCT in Dagster: the calculation step and its QA report, the checks that gate the views and the exports."""

from lct_pipelines.assets.lct.calculations import CALCULATIONS_KEY, QA_REPORT_KEY, lct_calculations
from lct_pipelines.assets.lct.checks import LCT_CHECKS
from lct_pipelines.assets.lct.exports import lct_exports
from lct_pipelines.assets.lct.views import VIEW_ASSETS

LCT_ASSETS = [lct_calculations, *VIEW_ASSETS, lct_exports]

__all__ = ["CALCULATIONS_KEY", "LCT_ASSETS", "LCT_CHECKS", "QA_REPORT_KEY"]
