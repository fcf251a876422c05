-- First population of a view created WITH NO DATA: CONCURRENTLY needs a populated view.
REFRESH MATERIALIZED VIEW {view}
