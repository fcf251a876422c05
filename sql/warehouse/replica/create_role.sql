-- The role one replica streams as: it may log in for replication and nothing else. {password} is a quoted
-- literal composed by psycopg2 (CREATE ROLE binds nothing).
CREATE ROLE {role} WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT IN ROLE {group}
    PASSWORD {password};
