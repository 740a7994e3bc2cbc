-- +goose Up
-- The whole programme in one schema. Dates are ISO text (YYYY-MM-DD), timestamps
-- UTC ISO text (YYYY-MM-DDTHH:MM:SSZ), booleans 0/1, so the same SQL reads on
-- PostgreSQL later. Later migrations add columns, not foundations.

CREATE TABLE programme (
    id                INTEGER PRIMARY KEY CHECK (id = 1),
    name              TEXT    NOT NULL,
    senior_target     INTEGER NOT NULL DEFAULT 500,
    volunteer_target  INTEGER NOT NULL DEFAULT 4500,
    cohort_target     INTEGER NOT NULL DEFAULT 14,
    starts_on         TEXT,
    ends_on           TEXT,
    created_at        TEXT    NOT NULL
);

-- Free-form settings: centre name, signatories, logo path and the like.
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

-- The database's own Ed25519 key pair, made when it is created; signs certificates.
CREATE TABLE signing_keys (
    id          INTEGER PRIMARY KEY CHECK (id = 1),
    public_key  BLOB NOT NULL,
    private_key BLOB NOT NULL,
    created_at  TEXT NOT NULL
);

CREATE TABLE cohorts (
    id                 INTEGER PRIMARY KEY,
    number             INTEGER NOT NULL UNIQUE CHECK (number > 0),
    host_induction_on  TEXT,
    training_starts_on TEXT,
    training_ends_on   TEXT,
    created_at         TEXT NOT NULL
);

CREATE TABLE hosts (
    id          INTEGER PRIMARY KEY,
    name        TEXT    NOT NULL UNIQUE,
    region      TEXT    NOT NULL DEFAULT '',
    setting     TEXT    NOT NULL DEFAULT 'urban' CHECK (setting IN ('rural', 'urban')),
    kickstarter INTEGER NOT NULL DEFAULT 0 CHECK (kickstarter IN (0, 1)),
    partner     TEXT    NOT NULL DEFAULT '',   -- referring network partner, '' when found directly
    cohort_id   INTEGER REFERENCES cohorts (id),
    created_at  TEXT    NOT NULL
);
CREATE INDEX hosts_cohort ON hosts (cohort_id);

CREATE TABLE people (
    id          INTEGER PRIMARY KEY,
    given_name  TEXT NOT NULL,
    family_name TEXT NOT NULL,
    email       TEXT NOT NULL,
    phone       TEXT NOT NULL DEFAULT '',
    uln         TEXT NOT NULL DEFAULT '',      -- Unique Learner Number, 10 digits when known
    created_at  TEXT NOT NULL,
    updated_at  TEXT NOT NULL,
    erased_at   TEXT                           -- personal details removed on request
);
CREATE UNIQUE INDEX people_email ON people (lower(email));
CREATE INDEX people_family ON people (family_name, given_name);

-- Self-declared, optional; read by administrators only, reported in aggregate.
CREATE TABLE equality_monitoring (
    person_id  INTEGER PRIMARY KEY REFERENCES people (id) ON DELETE CASCADE,
    gender     TEXT NOT NULL DEFAULT '',
    age_band   TEXT NOT NULL DEFAULT '',
    ethnicity  TEXT NOT NULL DEFAULT '',
    disability TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL
);

CREATE TABLE trainers (
    id            INTEGER PRIMARY KEY,
    person_id     INTEGER NOT NULL UNIQUE REFERENCES people (id),
    organisation  TEXT    NOT NULL DEFAULT '',
    trained_by_id INTEGER REFERENCES trainers (id),   -- NULL: founding trainer (flagged)
    trained_on    TEXT,
    status        TEXT    NOT NULL DEFAULT 'training'
                  CHECK (status IN ('training', 'accredited', 'active', 'lapsed')),
    retired_on    TEXT,
    created_at    TEXT    NOT NULL
);
CREATE INDEX trainers_trained_by ON trainers (trained_by_id);

CREATE TABLE organisers (
    id              INTEGER PRIMARY KEY,
    person_id       INTEGER NOT NULL UNIQUE REFERENCES people (id),
    role            TEXT    NOT NULL CHECK (role IN ('senior', 'volunteer')),
    host_id         INTEGER REFERENCES hosts (id),       -- NULL is flagged, not refused
    cohort_id       INTEGER REFERENCES cohorts (id),     -- NULL is flagged, not refused
    supported_by_id INTEGER REFERENCES organisers (id),  -- the senior organiser supporting a volunteer
    starts_on       TEXT,
    ends_on         TEXT,
    bursary_pence   INTEGER NOT NULL DEFAULT 0,
    status          TEXT    NOT NULL DEFAULT 'active'
                    CHECK (status IN ('active', 'completed', 'withdrawn')),
    withdrawn_on    TEXT,
    withdrawn_reason TEXT   NOT NULL DEFAULT '',
    created_at      TEXT    NOT NULL,
    updated_at      TEXT    NOT NULL
);
CREATE INDEX organisers_host ON organisers (host_id);
CREATE INDEX organisers_cohort ON organisers (cohort_id);
CREATE INDEX organisers_supported_by ON organisers (supported_by_id);

CREATE TABLE modules (
    id          INTEGER PRIMARY KEY,
    code        TEXT    NOT NULL UNIQUE,
    title       TEXT    NOT NULL,
    position    INTEGER NOT NULL DEFAULT 0,
    description TEXT    NOT NULL DEFAULT ''
);

CREATE TABLE courses (
    id              INTEGER PRIMARY KEY,
    kind            TEXT    NOT NULL CHECK (kind IN ('ttt', 'main', 'induction')),
    title           TEXT    NOT NULL,
    cohort_id       INTEGER REFERENCES cohorts (id),
    lead_trainer_id INTEGER REFERENCES trainers (id),
    venue           TEXT    NOT NULL DEFAULT '',
    starts_on       TEXT,
    ends_on         TEXT,
    created_at      TEXT    NOT NULL
);
CREATE INDEX courses_cohort ON courses (cohort_id);
CREATE INDEX courses_lead ON courses (lead_trainer_id);

-- Who is on a course: the register of each session lists them.
CREATE TABLE enrolments (
    course_id INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    person_id INTEGER NOT NULL REFERENCES people (id),
    PRIMARY KEY (course_id, person_id)
);
CREATE INDEX enrolments_person ON enrolments (person_id);

CREATE TABLE sessions (
    id         INTEGER PRIMARY KEY,
    course_id  INTEGER NOT NULL REFERENCES courses (id) ON DELETE CASCADE,
    module_id  INTEGER REFERENCES modules (id),
    trainer_id INTEGER REFERENCES trainers (id),
    held_on    TEXT    NOT NULL,
    venue      TEXT    NOT NULL DEFAULT '',
    title      TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX sessions_course ON sessions (course_id);
CREATE INDEX sessions_trainer ON sessions (trainer_id);

CREATE TABLE attendance (
    session_id  INTEGER NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,
    person_id   INTEGER NOT NULL REFERENCES people (id),
    present     INTEGER NOT NULL CHECK (present IN (0, 1)),
    recorded_at TEXT    NOT NULL,
    recorded_by TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (session_id, person_id)
);
CREATE INDEX attendance_person ON attendance (person_id);

CREATE TABLE module_completions (
    organiser_id INTEGER NOT NULL REFERENCES organisers (id),
    module_id    INTEGER NOT NULL REFERENCES modules (id),
    completed_on TEXT    NOT NULL,
    PRIMARY KEY (organiser_id, module_id)
);

-- OCN catalogue.
CREATE TABLE units (
    id           INTEGER PRIMARY KEY,
    code         TEXT    NOT NULL UNIQUE,
    title        TEXT    NOT NULL,
    level        INTEGER NOT NULL CHECK (level BETWEEN 0 AND 8),  -- 0 is Entry
    credits      INTEGER NOT NULL CHECK (credits > 0),
    guided_hours INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE learning_outcomes (
    id      INTEGER PRIMARY KEY,
    unit_id INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    number  INTEGER NOT NULL,
    text    TEXT    NOT NULL,
    UNIQUE (unit_id, number)
);

CREATE TABLE criteria (
    id         INTEGER PRIMARY KEY,
    unit_id    INTEGER NOT NULL REFERENCES units (id) ON DELETE CASCADE,
    outcome_id INTEGER NOT NULL REFERENCES learning_outcomes (id) ON DELETE CASCADE,
    number     TEXT    NOT NULL,   -- "1.1", "1.2" …
    text       TEXT    NOT NULL,
    UNIQUE (unit_id, number)
);
CREATE INDEX criteria_outcome ON criteria (outcome_id);

CREATE TABLE qualifications (
    id                    INTEGER PRIMARY KEY,
    code                  TEXT    NOT NULL UNIQUE,
    title                 TEXT    NOT NULL,
    level                 INTEGER NOT NULL,
    min_credits           INTEGER NOT NULL DEFAULT 0,
    min_credits_level     INTEGER,            -- with min_credits_at_level: credits at or above this level
    min_credits_at_level  INTEGER NOT NULL DEFAULT 0
);

-- Rules of combination: mandatory groups need all their units; optional groups
-- count credits up to max_credits and need at least min_credits.
CREATE TABLE qualification_groups (
    id               INTEGER PRIMARY KEY,
    qualification_id INTEGER NOT NULL REFERENCES qualifications (id) ON DELETE CASCADE,
    name             TEXT    NOT NULL,
    mandatory        INTEGER NOT NULL DEFAULT 0 CHECK (mandatory IN (0, 1)),
    min_credits      INTEGER NOT NULL DEFAULT 0,
    max_credits      INTEGER,                 -- NULL: no cap
    position         INTEGER NOT NULL DEFAULT 0
);

CREATE TABLE qualification_group_units (
    group_id INTEGER NOT NULL REFERENCES qualification_groups (id) ON DELETE CASCADE,
    unit_id  INTEGER NOT NULL REFERENCES units (id),
    PRIMARY KEY (group_id, unit_id)
);

-- A learner registered with the OCN for a qualification.
CREATE TABLE registrations (
    organiser_id        INTEGER NOT NULL REFERENCES organisers (id),
    qualification_id    INTEGER NOT NULL REFERENCES qualifications (id),
    registration_number TEXT    NOT NULL DEFAULT '',
    registered_on       TEXT    NOT NULL,
    PRIMARY KEY (organiser_id, qualification_id)
);

-- Sign-in users. Roles: admin, lead, assessor, verifier, moderator.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL,
    display_name  TEXT NOT NULL,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'lead', 'assessor', 'verifier', 'moderator')),
    password_hash TEXT NOT NULL DEFAULT '',   -- argon2id, PHC string
    person_id     INTEGER REFERENCES people (id),
    active_since  TEXT NOT NULL,              -- new assessors are sampled more
    disabled_at   TEXT,
    created_at    TEXT NOT NULL
);
CREATE UNIQUE INDEX users_username ON users (lower(username));

-- Evidence in a learner's portfolio. Listening logs hold counts, dates and
-- themes, never a resident's personal details.
CREATE TABLE evidence_items (
    id               INTEGER PRIMARY KEY,
    organiser_id     INTEGER NOT NULL REFERENCES organisers (id),
    kind             TEXT    NOT NULL CHECK (kind IN ('observation', 'reflective_account',
                         'witness_testimony', 'product', 'professional_discussion', 'listening_log')),
    title            TEXT    NOT NULL,
    description      TEXT    NOT NULL DEFAULT '',
    evidence_on      TEXT    NOT NULL,
    listening_count  INTEGER NOT NULL DEFAULT 0,
    listening_themes TEXT    NOT NULL DEFAULT '',
    status           TEXT    NOT NULL DEFAULT 'submitted'
                     CHECK (status IN ('draft', 'submitted', 'assessed', 'referred')),
    submitted_at     TEXT,
    created_at       TEXT    NOT NULL,
    created_by       TEXT    NOT NULL DEFAULT ''
);
CREATE INDEX evidence_organiser ON evidence_items (organiser_id);
CREATE INDEX evidence_queue ON evidence_items (status, submitted_at);

-- Files live in FILE.files/ beside the database, named by SHA-256.
CREATE TABLE evidence_files (
    id          INTEGER PRIMARY KEY,
    evidence_id INTEGER NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    file_name   TEXT    NOT NULL,
    sha256      TEXT    NOT NULL,
    size        INTEGER NOT NULL,
    media_type  TEXT    NOT NULL DEFAULT '',
    added_at    TEXT    NOT NULL
);
CREATE INDEX evidence_files_item ON evidence_files (evidence_id);
CREATE INDEX evidence_files_hash ON evidence_files (sha256);

CREATE TABLE evidence_criteria (
    evidence_id  INTEGER NOT NULL REFERENCES evidence_items (id) ON DELETE CASCADE,
    criterion_id INTEGER NOT NULL REFERENCES criteria (id),
    PRIMARY KEY (evidence_id, criterion_id)
);
CREATE INDEX evidence_criteria_criterion ON evidence_criteria (criterion_id);

-- An assessor's decision on one evidence item; a resubmission is a new decision
-- that supersedes the earlier one, so the history is kept.
CREATE TABLE assessment_decisions (
    id            INTEGER PRIMARY KEY,
    evidence_id   INTEGER NOT NULL REFERENCES evidence_items (id),
    organiser_id  INTEGER NOT NULL REFERENCES organisers (id),
    assessor_id   INTEGER NOT NULL REFERENCES users (id),
    outcome       TEXT    NOT NULL CHECK (outcome IN ('achieved', 'not_yet_achieved')),
    feedback      TEXT    NOT NULL DEFAULT '',
    decided_on    TEXT    NOT NULL,
    attempt       INTEGER NOT NULL DEFAULT 1,
    supersedes_id INTEGER REFERENCES assessment_decisions (id),
    created_at    TEXT    NOT NULL
);
CREATE INDEX decisions_evidence ON assessment_decisions (evidence_id);
CREATE INDEX decisions_organiser ON assessment_decisions (organiser_id);
CREATE INDEX decisions_assessor ON assessment_decisions (assessor_id);

CREATE TABLE decision_criteria (
    decision_id  INTEGER NOT NULL REFERENCES assessment_decisions (id),
    criterion_id INTEGER NOT NULL REFERENCES criteria (id),
    outcome      TEXT    NOT NULL CHECK (outcome IN ('achieved', 'not_yet_achieved')),
    PRIMARY KEY (decision_id, criterion_id)
);

-- A unit a learner has achieved: every criterion covered and achieved. Written
-- when the deciding assessment is recorded so reports need not re-derive it.
CREATE TABLE unit_achievements (
    organiser_id INTEGER NOT NULL REFERENCES organisers (id),
    unit_id      INTEGER NOT NULL REFERENCES units (id),
    decision_id  INTEGER NOT NULL REFERENCES assessment_decisions (id),
    assessor_id  INTEGER NOT NULL REFERENCES users (id),
    achieved_on  TEXT    NOT NULL,
    PRIMARY KEY (organiser_id, unit_id)
);

CREATE TABLE iv_plans (
    id          INTEGER PRIMARY KEY,
    cohort_id   INTEGER NOT NULL REFERENCES cohorts (id),
    base_rate   INTEGER NOT NULL DEFAULT 10,  -- percent of decisions sampled
    new_assessor_rate INTEGER NOT NULL DEFAULT 25,
    created_by  INTEGER REFERENCES users (id),
    created_at  TEXT    NOT NULL
);

CREATE TABLE iv_samples (
    id           INTEGER PRIMARY KEY,
    plan_id      INTEGER REFERENCES iv_plans (id),
    decision_id  INTEGER NOT NULL REFERENCES assessment_decisions (id),
    verifier_id  INTEGER NOT NULL REFERENCES users (id),
    sampled_on   TEXT    NOT NULL,
    outcome      TEXT    NOT NULL DEFAULT 'pending' CHECK (outcome IN ('pending', 'agreed', 'sent_back')),
    actions      TEXT    NOT NULL DEFAULT '',
    verified_on  TEXT,
    created_at   TEXT    NOT NULL
);
CREATE INDEX iv_samples_decision ON iv_samples (decision_id);

-- A claim to the OCN. Once submitted it is locked; a correction is a new claim
-- that names the one it corrects.
CREATE TABLE claims (
    id               INTEGER PRIMARY KEY,
    reference        TEXT    NOT NULL UNIQUE,
    cohort_id        INTEGER REFERENCES cohorts (id),
    qualification_id INTEGER REFERENCES qualifications (id),
    status           TEXT    NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'submitted')),
    corrects_id      INTEGER REFERENCES claims (id),
    created_by       TEXT    NOT NULL,
    created_at       TEXT    NOT NULL,
    submitted_by     TEXT,
    submitted_at     TEXT
);

CREATE TABLE claim_lines (
    claim_id            INTEGER NOT NULL REFERENCES claims (id),
    organiser_id        INTEGER NOT NULL REFERENCES organisers (id),
    unit_id             INTEGER NOT NULL REFERENCES units (id),
    registration_number TEXT    NOT NULL DEFAULT '',
    uln                 TEXT    NOT NULL DEFAULT '',
    credits             INTEGER NOT NULL,
    PRIMARY KEY (claim_id, organiser_id, unit_id)
);

-- +goose StatementBegin
CREATE TRIGGER claims_locked BEFORE UPDATE ON claims
WHEN OLD.status = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'claim is submitted and locked: make a correcting claim');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER claim_lines_locked_insert BEFORE INSERT ON claim_lines
WHEN (SELECT status FROM claims WHERE id = NEW.claim_id) = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'claim is submitted and locked: make a correcting claim');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER claim_lines_locked_change BEFORE UPDATE ON claim_lines
WHEN (SELECT status FROM claims WHERE id = OLD.claim_id) = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'claim is submitted and locked: make a correcting claim');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER claim_lines_locked_delete BEFORE DELETE ON claim_lines
WHEN (SELECT status FROM claims WHERE id = OLD.claim_id) = 'submitted'
BEGIN
    SELECT RAISE(ABORT, 'claim is submitted and locked: make a correcting claim');
END;
-- +goose StatementEnd

-- Issued certificates. The signed fields are kept exactly as signed (payload),
-- so a later template never changes what was issued.
CREATE TABLE certificates (
    id               INTEGER PRIMARY KEY,
    number           TEXT    NOT NULL UNIQUE,      -- e.g. CO-2013-000123
    kind             TEXT    NOT NULL CHECK (kind IN ('completion', 'units', 'trainer')),
    year             INTEGER NOT NULL,
    seq              INTEGER NOT NULL,
    person_id        INTEGER NOT NULL REFERENCES people (id),
    holder_name      TEXT    NOT NULL,
    issued_on        TEXT    NOT NULL,
    template_version TEXT    NOT NULL,
    issued_by        TEXT    NOT NULL,
    payload          TEXT    NOT NULL,             -- canonical signed fields
    signature        TEXT    NOT NULL,             -- Ed25519 over payload, base32
    revoked_at       TEXT,
    revoked_by       TEXT,
    revoked_reason   TEXT,
    created_at       TEXT    NOT NULL,
    UNIQUE (kind, year, seq)
);
CREATE INDEX certificates_person ON certificates (person_id, kind);

-- +goose StatementBegin
CREATE TRIGGER certificates_immutable BEFORE UPDATE ON certificates
WHEN NEW.number IS NOT OLD.number OR NEW.payload IS NOT OLD.payload
  OR NEW.signature IS NOT OLD.signature OR NEW.person_id IS NOT OLD.person_id
  OR NEW.issued_on IS NOT OLD.issued_on OR OLD.revoked_at IS NOT NULL
BEGIN
    SELECT RAISE(ABORT, 'an issued certificate is never changed: revoke it and issue a new one');
END;
-- +goose StatementEnd

-- Append-only record of every change: who, when, what before and after.
CREATE TABLE audit_log (
    id        INTEGER PRIMARY KEY,
    at        TEXT NOT NULL,
    actor     TEXT NOT NULL,        -- user name, or os:NAME for command-line tools
    action    TEXT NOT NULL,        -- create, update, decide, claim, issue, revoke …
    entity    TEXT NOT NULL,        -- table or domain noun
    entity_id TEXT NOT NULL DEFAULT '',
    before    TEXT NOT NULL DEFAULT '',   -- JSON
    after     TEXT NOT NULL DEFAULT ''    -- JSON
);
CREATE INDEX audit_entity ON audit_log (entity, entity_id);
CREATE INDEX audit_at ON audit_log (at);

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'the audit log is append-only');
END;
-- +goose StatementEnd
