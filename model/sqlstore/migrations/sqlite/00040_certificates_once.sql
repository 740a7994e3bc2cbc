-- +goose Up
-- One certificate per achievement, and issued means delivered.
--
-- achievement names what a certificate certifies for its holder and kind:
-- '' for completion and trainer certificates (one each), and the achieved
-- unit codes, sorted and joined by ',', for a units certificate (a new one
-- is issued when more units are achieved). A unique index over unrevoked
-- certificates then holds one per achievement whatever runs at once;
-- revoking one frees its achievement for a replacement.
--
-- delivered_at is set once the certificate's PDF is safely in place; until
-- then the next run prints it as an original, not a COPY.
ALTER TABLE certificates ADD COLUMN achievement TEXT;
ALTER TABLE certificates ADD COLUMN delivered_at TEXT;

-- Certificates issued before this migration were printed by the run that
-- issued them. Revoked ones are left as they are (the 00001 trigger keeps
-- a revoked certificate unchanged, and the index ignores them).
UPDATE certificates SET delivered_at = created_at WHERE revoked_at IS NULL;

-- Completion and trainer certificates certify one achievement each. Where
-- an earlier run issued two for one achievement, the first keeps it and
-- the later ones are left without (NULL) so that the index can be made;
-- they stay on record and verifiable.
UPDATE certificates SET achievement = ''
WHERE kind IN ('completion', 'trainer') AND revoked_at IS NULL
  AND id = (SELECT min(c2.id) FROM certificates c2
            WHERE c2.person_id = certificates.person_id AND c2.kind = certificates.kind
              AND c2.revoked_at IS NULL);

-- A units certificate's unit codes, read from its signed payload's
-- "unit: CODE | title | level | credits | date" lines.
CREATE TEMP TABLE unit_keys AS
WITH RECURSIVE lines (id, rest, line) AS (
    SELECT id, payload, '' FROM certificates WHERE kind = 'units' AND revoked_at IS NULL
    UNION ALL
    SELECT id, substr(rest, instr(rest, char(10)) + 1), substr(rest, 1, instr(rest, char(10)) - 1)
    FROM lines WHERE instr(rest, char(10)) > 0
)
SELECT l.id AS id, c.person_id AS person_id,
       coalesce(group_concat(substr(l.line, 7, instr(l.line, ' | ') - 7), ',' ORDER BY substr(l.line, 7, instr(l.line, ' | ') - 7)), '') AS achievement
FROM lines l JOIN certificates c ON c.id = l.id
WHERE l.line LIKE 'unit: % | %'
GROUP BY l.id;

UPDATE certificates SET achievement = (SELECT k.achievement FROM unit_keys k WHERE k.id = certificates.id)
WHERE kind = 'units' AND revoked_at IS NULL
  AND id = (SELECT min(k2.id) FROM unit_keys k2 JOIN unit_keys k ON k.id = certificates.id
            WHERE k2.person_id = k.person_id AND k2.achievement = k.achievement);

DROP TABLE unit_keys;

CREATE UNIQUE INDEX certificates_one_per_achievement
    ON certificates (person_id, kind, achievement) WHERE revoked_at IS NULL;

-- +goose StatementBegin
CREATE TRIGGER certificates_achievement_named BEFORE INSERT ON certificates
WHEN NEW.achievement IS NULL
BEGIN
    SELECT RAISE(ABORT, 'a certificate must name the achievement it certifies');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER certificates_achievement_fixed BEFORE UPDATE ON certificates
WHEN NEW.achievement IS NOT OLD.achievement
  OR (OLD.delivered_at IS NOT NULL AND NEW.delivered_at IS NOT OLD.delivered_at)
BEGIN
    SELECT RAISE(ABORT, 'an issued certificate is never changed: its achievement and delivery are fixed once set');
END;
-- +goose StatementEnd

-- +goose Down
DROP TRIGGER certificates_achievement_fixed;
DROP TRIGGER certificates_achievement_named;
DROP INDEX certificates_one_per_achievement;
ALTER TABLE certificates DROP COLUMN delivered_at;
ALTER TABLE certificates DROP COLUMN achievement;
