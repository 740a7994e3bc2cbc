-- +goose Up
-- Evidence whose latest decision an internal verifier sends back returns to
-- the assessor's queue: it is 'submitted' again, from the day it was sent
-- back. A trigger keeps this true whoever writes the sample (the window, the
-- demo, an import), so the queue and the dashboard read one status.

-- +goose StatementBegin
CREATE TRIGGER iv_sent_back_requeues_insert AFTER INSERT ON iv_samples
WHEN NEW.outcome = 'sent_back'
BEGIN
    UPDATE evidence_items SET status = 'submitted',
        submitted_at = coalesce(NEW.verified_on, NEW.sampled_on) || 'T00:00:00Z'
    WHERE id = (SELECT evidence_id FROM assessment_decisions WHERE id = NEW.decision_id)
      AND NEW.decision_id = (SELECT max(d.id) FROM assessment_decisions d
          WHERE d.evidence_id = (SELECT evidence_id FROM assessment_decisions WHERE id = NEW.decision_id));
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER iv_sent_back_requeues_update AFTER UPDATE OF outcome ON iv_samples
WHEN NEW.outcome = 'sent_back' AND OLD.outcome <> 'sent_back'
BEGIN
    UPDATE evidence_items SET status = 'submitted',
        submitted_at = coalesce(NEW.verified_on, NEW.sampled_on) || 'T00:00:00Z'
    WHERE id = (SELECT evidence_id FROM assessment_decisions WHERE id = NEW.decision_id)
      AND NEW.decision_id = (SELECT max(d.id) FROM assessment_decisions d
          WHERE d.evidence_id = (SELECT evidence_id FROM assessment_decisions WHERE id = NEW.decision_id));
END;
-- +goose StatementEnd

-- Programmes made before this migration: requeue what was already sent back.
UPDATE evidence_items SET status = 'submitted',
    submitted_at = (SELECT coalesce(s.verified_on, s.sampled_on) || 'T00:00:00Z' FROM iv_samples s
        JOIN assessment_decisions d ON d.id = s.decision_id
        WHERE d.evidence_id = evidence_items.id AND s.outcome = 'sent_back' ORDER BY s.id DESC LIMIT 1)
WHERE status <> 'submitted' AND id IN (
    SELECT d.evidence_id FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id
    WHERE s.outcome = 'sent_back'
      AND d.id = (SELECT max(d2.id) FROM assessment_decisions d2 WHERE d2.evidence_id = d.evidence_id));

-- +goose Down
DROP TRIGGER iv_sent_back_requeues_insert;
DROP TRIGGER iv_sent_back_requeues_update;
