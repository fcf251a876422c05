UPDATE lct.calculation_runs
SET status = %(status)s,
    districts_processed = %(districts_processed)s,
    calculations_created = %(calculations_created)s,
    input_hash = %(input_hash)s,
    output_files = %(output_files)s,
    qa_summary = %(qa_summary)s,
    completed_at = %(completed_at)s,
    duration_seconds = %(duration_seconds)s
WHERE run_id = %(run_id)s;
