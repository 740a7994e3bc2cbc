-- +goose Up
-- 00001 guards the number, payload and signature of an issued certificate.
-- These close the rest: every other field is fixed too, revocation is set
-- once and needs a reason, and an issued certificate is never deleted.

-- +goose StatementBegin
CREATE TRIGGER certificates_fields_fixed BEFORE UPDATE ON certificates
WHEN NEW.kind IS NOT OLD.kind OR NEW.year IS NOT OLD.year OR NEW.seq IS NOT OLD.seq
  OR NEW.holder_name IS NOT OLD.holder_name OR NEW.template_version IS NOT OLD.template_version
  OR NEW.issued_by IS NOT OLD.issued_by OR NEW.created_at IS NOT OLD.created_at
BEGIN
    SELECT RAISE(ABORT, 'an issued certificate is never changed: revoke it and issue a new one');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER certificates_revoke_reason BEFORE UPDATE ON certificates
WHEN NEW.revoked_at IS NOT NULL AND (NEW.revoked_reason IS NULL OR trim(NEW.revoked_reason) = ''
  OR NEW.revoked_by IS NULL OR trim(NEW.revoked_by) = '')
BEGIN
    SELECT RAISE(ABORT, 'revoking a certificate needs a reason and who revoked it');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER certificates_no_delete BEFORE DELETE ON certificates
BEGIN
    SELECT RAISE(ABORT, 'an issued certificate is never deleted: revoke it');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER certificates_no_delete;
DROP TRIGGER certificates_revoke_reason;
DROP TRIGGER certificates_fields_fixed;
