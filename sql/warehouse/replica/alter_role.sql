-- A replica made again with the same slot: a new password, the same narrow rights.
ALTER ROLE {role} WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE NOINHERIT PASSWORD {password};
GRANT {group} TO {role};
