-- The group of the roles replicas stream as (pg_hba.conf admits replication connections of its members only).
CREATE ROLE {group} NOLOGIN;
