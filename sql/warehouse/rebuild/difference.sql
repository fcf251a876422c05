-- Rows (stored columns) in the rollup and not in its full build, and the reverse, with multiplicity.
SELECT (SELECT count(*) FROM (SELECT {columns} FROM {rollup} EXCEPT ALL SELECT {columns} FROM {built}) a),
       (SELECT count(*) FROM (SELECT {columns} FROM {built} EXCEPT ALL SELECT {columns} FROM {rollup}) b)
