-- Statutory minutes of the given states, in the shape `resolve_minutes` reads.
SELECT state, elementary_minutes, middle_minutes, high_minutes
FROM lct.state_requirements
WHERE state = ANY(%(states)s::text[])
