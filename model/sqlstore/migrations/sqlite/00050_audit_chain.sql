-- +goose Up
-- The audit log becomes a hash chain: each row's hash (SHA-256, hex) covers
-- the previous row's hash and the row's own fields, so a row changed,
-- inserted or deleted with the triggers dropped shows in `check`. SQLite has
-- no SHA-256, so the store computes the hash as it writes a row, and once, at
-- the first open after this migration, for the rows already there.
--
-- subject_id names the person an entry is about. Their details in before and
-- after are sealed with their own key in person_keys (AES-256-GCM); erasure
-- destroys the key, so the entry keeps its place in the chain (the hash covers
-- the sealed text) while the details become unreadable.
ALTER TABLE audit_log ADD COLUMN hash TEXT;
ALTER TABLE audit_log ADD COLUMN subject_id INTEGER;
CREATE INDEX audit_subject ON audit_log (subject_id);

CREATE TABLE person_keys (
    person_id  INTEGER PRIMARY KEY,   -- no foreign key: the key outlives nothing, erasure deletes it
    key        BLOB NOT NULL,
    created_at TEXT NOT NULL
);

-- Rows written before the chain have no hash yet; the one-time pass that seals
-- and hashes them is the only update the log allows, and only to those rows.
DROP TRIGGER audit_log_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
WHEN OLD.hash IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER audit_log_no_update;
-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
DROP TABLE person_keys;
DROP INDEX audit_subject;
ALTER TABLE audit_log DROP COLUMN subject_id;
ALTER TABLE audit_log DROP COLUMN hash;
