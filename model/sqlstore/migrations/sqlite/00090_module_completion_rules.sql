-- +goose Up
-- A module is completed by its rule the moment a register is saved, or by a
-- lead by hand with a reason. Each completion says which, so unticking a
-- register takes back only what a register gave.

ALTER TABLE modules ADD COLUMN completion_rule TEXT NOT NULL DEFAULT 'every_session'
    CHECK (completion_rule IN ('every_session', 'any_session', 'by_lead'));

ALTER TABLE module_completions ADD COLUMN how TEXT NOT NULL DEFAULT 'lead'
    CHECK (how IN ('attendance', 'lead'));
ALTER TABLE module_completions ADD COLUMN reason TEXT NOT NULL DEFAULT '';
ALTER TABLE module_completions ADD COLUMN recorded_by TEXT NOT NULL DEFAULT '';
ALTER TABLE module_completions ADD COLUMN recorded_at TEXT NOT NULL DEFAULT '';

CREATE INDEX sessions_module ON sessions (module_id);

-- Completions recorded before this version: those the registers bear out
-- (present at every session of the module on one of the learner's courses)
-- are derived from attendance; the rest keep standing as a lead's, saying why.
UPDATE module_completions SET how = 'attendance'
WHERE EXISTS (
    SELECT 1 FROM organisers o JOIN sessions s ON s.module_id = module_completions.module_id
    WHERE o.id = module_completions.organiser_id
      AND (s.course_id IN (SELECT course_id FROM enrolments WHERE person_id = o.person_id)
           OR EXISTS (SELECT 1 FROM attendance a WHERE a.session_id = s.id AND a.person_id = o.person_id))
    GROUP BY s.course_id
    HAVING count(*) = (SELECT count(*) FROM sessions s2 JOIN attendance a2 ON a2.session_id = s2.id
                       WHERE s2.course_id = s.course_id AND s2.module_id = s.module_id
                         AND a2.person_id = o.person_id AND a2.present = 1));
UPDATE module_completions SET reason = 'recorded before completion rules, without a register to show it'
WHERE how = 'lead' AND reason = '';

-- +goose Down
DROP INDEX sessions_module;
ALTER TABLE module_completions DROP COLUMN recorded_at;
ALTER TABLE module_completions DROP COLUMN recorded_by;
ALTER TABLE module_completions DROP COLUMN reason;
ALTER TABLE module_completions DROP COLUMN how;
ALTER TABLE modules DROP COLUMN completion_rule;
