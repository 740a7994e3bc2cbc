-- +goose Up
-- The assessor queue finds decisions a verifier sent back without scanning
-- every sample, and reports find a learner's decisions per evidence quickly.
CREATE INDEX iv_samples_sent_back ON iv_samples (decision_id) WHERE outcome = 'sent_back';
CREATE INDEX audit_actor ON audit_log (actor, id);

-- +goose Down
DROP INDEX iv_samples_sent_back;
DROP INDEX audit_actor;
