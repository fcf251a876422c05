-- {password} is a quoted literal composed by psycopg2 (ALTER ROLE takes no bound parameters).
ALTER ROLE {role} WITH LOGIN PASSWORD {password}
