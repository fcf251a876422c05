-- Insert or update one bell schedule; `inserted` tells which. Unchanged rows are left alone.
INSERT INTO lct.bell_schedules AS b
    (leaid, district_name, state, year, grade_level, instructional_minutes, start_time, end_time,
     lunch_duration, source, confidence, method, notes)
VALUES
    (%(leaid)s, %(district_name)s, %(state)s, %(year)s, %(grade_level)s, %(instructional_minutes)s,
     %(start_time)s, %(end_time)s, %(lunch_duration)s, %(source)s, %(confidence)s, %(method)s, %(notes)s)
ON CONFLICT (leaid, year, grade_level) DO UPDATE SET
    district_name = EXCLUDED.district_name,
    state = EXCLUDED.state,
    instructional_minutes = EXCLUDED.instructional_minutes,
    start_time = EXCLUDED.start_time,
    end_time = EXCLUDED.end_time,
    lunch_duration = EXCLUDED.lunch_duration,
    source = EXCLUDED.source,
    confidence = EXCLUDED.confidence,
    method = EXCLUDED.method,
    notes = EXCLUDED.notes,
    updated_at = now()
WHERE (b.instructional_minutes, b.confidence, b.source, b.method, b.notes)
      IS DISTINCT FROM
      (EXCLUDED.instructional_minutes, EXCLUDED.confidence, EXCLUDED.source, EXCLUDED.method, EXCLUDED.notes)
RETURNING (xmax = 0) AS inserted;
