-- The role every desk signs in to PostgreSQL with: it reads and writes the
-- programme's rows but changes no table, index or trigger (no DDL), and it
-- may not change or delete a row of the audit log or an issued certificate,
-- only mark one revoked or delivered. The owner (the role that ran
-- `cascade init` or `cascade migrate`, and that runs the next version's
-- migrations) runs this once in the programme's database, naming the role:
--
--   createuser --pwprompt cascade_app
--   psql -v app=cascade_app -f docs/postgres-app-role.sql 'postgres://OWNER@HOST:5432/cascade'
--
-- Run it again after an upgrade that adds tables.

GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";

-- Append-only: the audit log and issued certificates are read and added to.
REVOKE UPDATE, DELETE, TRUNCATE ON audit_log, certificates FROM :"app";
-- Revoking a certificate and recording its delivery set these, once (the
-- triggers refuse anything else).
GRANT UPDATE (revoked_at, revoked_by, revoked_reason, delivered_at) ON certificates TO :"app";
-- The schema version and the signing key are the owner's.
REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON goose_db_version, signing_keys FROM :"app";
