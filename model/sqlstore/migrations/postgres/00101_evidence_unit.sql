-- +goose Up
-- An item of evidence is for one unit (AddEvidence refuses criteria from
-- two); where older data holds an item meeting criteria of several units,
-- its unit is the lowest, as the reports have always judged. Keeping that
-- unit on the item lets the accreditation report read a learner's items
-- with their units from one index, rather than looking up each item's
-- criteria (16,500 look-ups at scale 10, issue 14). The triggers keep it
-- true whatever writes the criteria: the app, an import, a restore or a
-- migration. They run once a statement, so a migration's batched inserts
-- update each item once.
ALTER TABLE evidence_items ADD COLUMN unit_id BIGINT REFERENCES units (id);
UPDATE evidence_items e SET unit_id = m.unit_id
FROM (SELECT ec.evidence_id, min(c.unit_id) AS unit_id FROM evidence_criteria ec
      JOIN criteria c ON c.id = ec.criterion_id GROUP BY ec.evidence_id) m
WHERE m.evidence_id = e.id;
DROP INDEX evidence_organiser;
CREATE INDEX evidence_organiser ON evidence_items (organiser_id, unit_id);

-- +goose StatementBegin
CREATE FUNCTION cascade_evidence_unit_added() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE evidence_items e SET unit_id = m.unit_id
    FROM (SELECT a.evidence_id, min(c.unit_id) AS unit_id FROM added a
          JOIN criteria c ON c.id = a.criterion_id GROUP BY a.evidence_id) m
    WHERE e.id = m.evidence_id AND (e.unit_id IS NULL OR e.unit_id > m.unit_id);
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION cascade_evidence_unit_removed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    UPDATE evidence_items e SET unit_id = (SELECT min(c.unit_id) FROM evidence_criteria ec
        JOIN criteria c ON c.id = ec.criterion_id WHERE ec.evidence_id = e.id)
    WHERE e.id IN (SELECT evidence_id FROM removed);
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER evidence_criteria_unit_insert AFTER INSERT ON evidence_criteria
    REFERENCING NEW TABLE AS added FOR EACH STATEMENT EXECUTE FUNCTION cascade_evidence_unit_added();
CREATE TRIGGER evidence_criteria_unit_delete AFTER DELETE ON evidence_criteria
    REFERENCING OLD TABLE AS removed FOR EACH STATEMENT EXECUTE FUNCTION cascade_evidence_unit_removed();

-- +goose Down
DROP TRIGGER evidence_criteria_unit_delete ON evidence_criteria;
DROP TRIGGER evidence_criteria_unit_insert ON evidence_criteria;
DROP FUNCTION cascade_evidence_unit_removed();
DROP FUNCTION cascade_evidence_unit_added();
DROP INDEX evidence_organiser;
CREATE INDEX evidence_organiser ON evidence_items (organiser_id);
ALTER TABLE evidence_items DROP COLUMN unit_id;
