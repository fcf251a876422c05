-- Whether a (populated) rollup holds any row: an empty one is refreshed plainly (see views.refresh_view).
SELECT EXISTS (SELECT 1 FROM {view})
