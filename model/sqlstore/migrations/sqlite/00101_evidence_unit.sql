-- +goose Up
-- An item of evidence is for one unit (AddEvidence refuses criteria from
-- two); where older data holds an item meeting criteria of several units,
-- its unit is the lowest, as the reports have always judged. Keeping that
-- unit on the item lets the accreditation report read a learner's items
-- with their units from one index, rather than looking up each item's
-- criteria (16,500 look-ups at scale 10, issue 14). The triggers keep it
-- true whatever writes the criteria: the app, an import, a restore or a
-- migration.
ALTER TABLE evidence_items ADD COLUMN unit_id INTEGER REFERENCES units (id);
UPDATE evidence_items SET unit_id = (SELECT min(c.unit_id) FROM evidence_criteria ec
    JOIN criteria c ON c.id = ec.criterion_id WHERE ec.evidence_id = evidence_items.id);
DROP INDEX evidence_organiser;
CREATE INDEX evidence_organiser ON evidence_items (organiser_id, unit_id);

-- +goose StatementBegin
CREATE TRIGGER evidence_criteria_unit_insert AFTER INSERT ON evidence_criteria
BEGIN
    UPDATE evidence_items SET unit_id = (SELECT unit_id FROM criteria WHERE id = NEW.criterion_id)
    WHERE id = NEW.evidence_id
      AND (unit_id IS NULL OR unit_id > (SELECT unit_id FROM criteria WHERE id = NEW.criterion_id));
END;
-- +goose StatementEnd
-- +goose StatementBegin
CREATE TRIGGER evidence_criteria_unit_delete AFTER DELETE ON evidence_criteria
BEGIN
    UPDATE evidence_items SET unit_id = (SELECT min(c.unit_id) FROM evidence_criteria ec
        JOIN criteria c ON c.id = ec.criterion_id WHERE ec.evidence_id = OLD.evidence_id)
    WHERE id = OLD.evidence_id;
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER evidence_criteria_unit_delete;
DROP TRIGGER evidence_criteria_unit_insert;
DROP INDEX evidence_organiser;
CREATE INDEX evidence_organiser ON evidence_items (organiser_id);
ALTER TABLE evidence_items DROP COLUMN unit_id;
