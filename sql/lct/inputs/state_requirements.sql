SELECT state, elementary_minutes, middle_minutes, high_minutes FROM lct.state_requirements ORDER BY state
