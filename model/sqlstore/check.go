package sqlstore

import (
	"cascade/model"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"strings"
)

// Check verifies the database: SQLite's integrity and foreign keys, the
// protecting triggers, the audit log's hash chain, every certificate's
// signature and revocation, the domain rules that must hold, and every
// evidence file against its hash.
func (s *Store) Check(ctx context.Context) (model.CheckReport, error) {
	var r model.CheckReport
	if err := s.checkIntegrity(ctx, &r); err != nil {
		return r, err
	}
	if !r.OK() {
		return r, nil // a damaged file makes every later query suspect
	}
	for _, c := range []func(context.Context, *model.CheckReport) error{
		s.checkForeignKeys, s.checkTriggers, s.checkAuditChain, s.checkCertificates,
		s.checkRules, s.checkFiles, s.countFlags,
	} {
		if err := c(ctx, &r); err != nil {
			if isCorrupt(err) {
				r.Problems = append(r.Problems, model.Problem{Where: s.path, What: "database file is damaged: " + err.Error()})
				return r, nil
			}
			return r, err
		}
	}
	return r, nil
}

func isCorrupt(err error) bool {
	msg := err.Error()
	return strings.Contains(msg, "malformed") || strings.Contains(msg, "not a database") ||
		strings.Contains(msg, "corrupt")
}

// checkIntegrity runs SQLite's integrity_check over the file. A PostgreSQL
// server checks each page's header (and, with data checksums, its contents)
// as it reads it and fails the query, which the later checks' queries then
// report; the file's own layout is the server's to keep.
func (s *Store) checkIntegrity(ctx context.Context, r *model.CheckReport) error {
	if s.pg {
		return nil
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA integrity_check`)
	if err != nil {
		r.Problems = append(r.Problems, model.Problem{Where: s.path, What: "database file is damaged: " + err.Error()})
		return nil
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("integrity check: %w", err)
		}
		if line != "ok" {
			// SQLite may put a heading and the detail on separate lines; a
			// problem is reported on one.
			line = strings.ReplaceAll(strings.TrimPrefix(line, "*** in database main ***\n"), "\n", "; ")
			r.Problems = append(r.Problems, model.Problem{Where: s.path, What: "database file is damaged: " + line})
		}
	}
	if err := rows.Err(); err != nil {
		r.Problems = append(r.Problems, model.Problem{Where: s.path, What: "database file is damaged: " + err.Error()})
	}
	return nil
}

func (s *Store) checkForeignKeys(ctx context.Context, r *model.CheckReport) error {
	if s.pg {
		return s.checkServerForeignKeys(ctx, r)
	}
	rows, err := s.db.QueryContext(ctx, `PRAGMA foreign_key_check`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var table, parent string
		var rowid, fkid any
		if err := rows.Scan(&table, &rowid, &parent, &fkid); err != nil {
			return fmt.Errorf("foreign key check: %w", err)
		}
		r.Problems = append(r.Problems, model.Problem{Where: fmt.Sprintf("%s row %v", table, rowid),
			What: fmt.Sprintf("refers to a missing %s record", parent)})
	}
	return rows.Err()
}

// checkServerForeignKeys looks for rows referring to a missing record on
// PostgreSQL. The server enforces every foreign key as it is written, but a
// superuser can write past them (session_replication_role = replica skips
// the triggers that enforce them), so check looks, as SQLite's
// foreign_key_check does, at what the tables hold.
func (s *Store) checkServerForeignKeys(ctx context.Context, r *model.CheckReport) error {
	rows, err := s.db.QueryContext(ctx, `SELECT c.conrelid::regclass::text, c.confrelid::regclass::text,
			a.attname, pa.attname
		FROM pg_constraint c
		JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
		JOIN pg_attribute pa ON pa.attrelid = c.confrelid AND pa.attnum = c.confkey[1]
		WHERE c.contype = 'f' AND cardinality(c.conkey) = 1
		  AND c.connamespace = current_schema()::regnamespace
		ORDER BY 1, 3`)
	if err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	var keys [][4]string
	for rows.Next() {
		var k [4]string
		if err := rows.Scan(&k[0], &k[1], &k[2], &k[3]); err != nil {
			rows.Close()
			return fmt.Errorf("foreign key check: %w", err)
		}
		keys = append(keys, k)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("foreign key check: %w", err)
	}
	for _, k := range keys {
		q := fmt.Sprintf(`SELECT CAST(c.%[3]s AS TEXT) FROM %[1]s c
			WHERE c.%[3]s IS NOT NULL AND NOT EXISTS (SELECT 1 FROM %[2]s p WHERE p.%[4]s = c.%[3]s)`, k[0], k[1], k[2], k[3])
		bad, err := s.db.QueryContext(ctx, q)
		if err != nil {
			return fmt.Errorf("foreign key check of %s.%s: %w", k[0], k[2], err)
		}
		for bad.Next() {
			var v string
			if err := bad.Scan(&v); err != nil {
				bad.Close()
				return fmt.Errorf("foreign key check of %s.%s: %w", k[0], k[2], err)
			}
			r.Problems = append(r.Problems, model.Problem{Where: fmt.Sprintf("%s row with %s %s", k[0], k[2], v),
				What: fmt.Sprintf("refers to a missing %s record", k[1])})
		}
		err = bad.Err()
		bad.Close()
		if err != nil {
			return fmt.Errorf("foreign key check of %s.%s: %w", k[0], k[2], err)
		}
	}
	return nil
}

// ruleChecks are the brief's rules that must hold; each query returns the
// offending record's id and a sentence saying what is wrong.
var ruleChecks = []struct{ table, q string }{
	{"unit_achievements", `SELECT ua.organiser_id || '/' || u.code, 'unit achieved but criterion ' || c.number || ' has no achieved assessment'
        FROM unit_achievements ua JOIN units u ON u.id = ua.unit_id JOIN criteria c ON c.unit_id = ua.unit_id
        WHERE NOT EXISTS (SELECT 1 FROM decision_criteria dc JOIN assessment_decisions d ON d.id = dc.decision_id
                          WHERE d.organiser_id = ua.organiser_id AND dc.criterion_id = c.id AND dc.outcome = 'achieved')`},
	{"iv_samples", `SELECT s.id, 'verifier also made the decision as assessor'
        FROM iv_samples s JOIN assessment_decisions d ON d.id = s.decision_id WHERE s.verifier_id = d.assessor_id`},
	{"claim_lines", `SELECT l.claim_id || '/' || l.organiser_id || '/' || u.code, 'claimed unit is not achieved'
        FROM claim_lines l JOIN units u ON u.id = l.unit_id
        WHERE NOT EXISTS (SELECT 1 FROM unit_achievements ua WHERE ua.organiser_id = l.organiser_id AND ua.unit_id = l.unit_id)`},
	{"claims", `SELECT id, 'submitted claim has no submitter or date' FROM claims
        WHERE status = 'submitted' AND (submitted_by IS NULL OR submitted_at IS NULL)`},
	{"certificates", `SELECT number, 'revoked without a reason' FROM certificates
        WHERE revoked_at IS NOT NULL AND coalesce(revoked_reason, '') = ''`},
	{"organisers", `SELECT o.id, 'volunteer supported by someone who is not a senior organiser'
        FROM organisers o JOIN organisers s ON s.id = o.supported_by_id WHERE s.role <> 'senior'`},
	{"trainers", `SELECT t.id, 'trainer trained by themselves' FROM trainers t WHERE t.trained_by_id = t.id`},
	// Migration 101's triggers keep an item's unit; a file edited past them
	// would judge the accreditation report's units from a wrong one.
	{"evidence_items", `SELECT x.id, 'recorded as evidence for unit ' || coalesce(ru.code, 'none') ||
            ' but its criteria are of unit ' || coalesce(cu.code, 'none')
        FROM (SELECT e.id, e.unit_id, (SELECT min(c.unit_id) FROM evidence_criteria ec JOIN criteria c ON c.id = ec.criterion_id
                WHERE ec.evidence_id = e.id) AS derived FROM evidence_items e) x
        LEFT JOIN units ru ON ru.id = x.unit_id LEFT JOIN units cu ON cu.id = x.derived
        WHERE NOT (x.unit_id = x.derived OR x.unit_id IS NULL AND x.derived IS NULL)`},
}

func (s *Store) checkRules(ctx context.Context, r *model.CheckReport) error {
	for _, c := range ruleChecks {
		rows, err := s.db.QueryContext(ctx, c.q)
		if err != nil {
			return fmt.Errorf("check %s: %w", c.table, err)
		}
		for rows.Next() {
			var id, what string
			if err := rows.Scan(&id, &what); err != nil {
				rows.Close()
				return fmt.Errorf("check %s: %w", c.table, err)
			}
			r.Problems = append(r.Problems, model.Problem{Where: c.table + " " + id, What: what})
		}
		err = rows.Err()
		rows.Close()
		if err != nil {
			return fmt.Errorf("check %s: %w", c.table, err)
		}
	}
	return nil
}

// checkFiles rehashes every evidence file; a file is checked once however
// many items share it.
func (s *Store) checkFiles(ctx context.Context, r *model.CheckReport) error {
	rows, err := s.db.QueryContext(ctx, `SELECT DISTINCT sha256 FROM evidence_files ORDER BY sha256`)
	if err != nil {
		return fmt.Errorf("check files: %w", err)
	}
	var hashes []string
	for rows.Next() {
		var h string
		if err := rows.Scan(&h); err != nil {
			rows.Close()
			return fmt.Errorf("check files: %w", err)
		}
		hashes = append(hashes, h)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("check files: %w", err)
	}
	for _, h := range hashes {
		if err := ctx.Err(); err != nil {
			return err
		}
		path := s.EvidenceFilePath(h)
		got, err := hashKept(ctx, s.files, h)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			r.Problems = append(r.Problems, model.Problem{Where: path, What: "evidence file is missing"})
		case err != nil:
			r.Problems = append(r.Problems, model.Problem{Where: path, What: "evidence file cannot be read: " + err.Error()})
		case got != h:
			r.Problems = append(r.Problems, model.Problem{Where: path, What: "evidence file is damaged: its SHA-256 is " + got})
		default:
			r.Files++
		}
	}
	return nil
}

func hashFile(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// flagQueries are the brief's "flagged, not refused" conditions, each
// counted by its one rule in the domain: team size and trainers without a
// trainer by model.TeamOutside and model.IsFoundingTrainer, organisers'
// flags as model.OrganiserRow.Flags, the rule the organisers list filters
// by, has them (TestFlagCountsAgree holds the two together).
var flagQueries = []struct {
	name string
	of   string // whose records: model.FlagOfHosts, FlagOfTrainers or FlagOfOrganisers
	flag string // an organiser flag
}{
	{name: "hosts with a team outside 2-5", of: model.FlagOfHosts},
	{name: "trainers without a trainer", of: model.FlagOfTrainers},
	{name: "organisers without a host", of: model.FlagOfOrganisers, flag: model.FlagNoHost},
	{name: "organisers without a cohort", of: model.FlagOfOrganisers, flag: model.FlagNoCohort},
	{name: "volunteers without a senior", of: model.FlagOfOrganisers, flag: model.FlagNoSenior},
}

// countFlags adds the flags' counts to r.
func (s *Store) countFlags(ctx context.Context, r *model.CheckReport) error {
	groups, err := s.organiserGroups(ctx)
	if err != nil {
		return fmt.Errorf("count flags: %w", err)
	}
	hosts, err := s.hostFacts(ctx)
	if err != nil {
		return fmt.Errorf("count flags: %w", err)
	}
	return s.flagsFrom(ctx, groups, hosts, r)
}

// flagsFrom counts the flags from the organisers' groups and the hosts
// already read, and the trainers: counted in the database, where reading
// every organiser's row to count three conditions in Go was most of the
// dashboard's time at 50,000 organisers.
func (s *Store) flagsFrom(ctx context.Context, groups []organiserGroup, hosts []hostFact, r *model.CheckReport) error {
	flagged := map[string]int{}
	team := make(map[int64]int, len(hosts))
	for _, g := range groups {
		if g.hostID == 0 {
			flagged[model.FlagNoHost] += g.all
		}
		if g.cohortID == 0 {
			flagged[model.FlagNoCohort] += g.all
		}
		flagged[model.FlagNoSenior] += g.noSenior
		team[g.hostID] += g.seniors
	}
	for _, h := range hosts {
		if model.TeamOutside(team[h.id]) {
			flagged[model.FlagOfHosts]++
		}
	}
	gaps, err := s.trainerGaps(ctx)
	if err != nil {
		return fmt.Errorf("count flags trainers without a trainer: %w", err)
	}
	flagged[model.FlagOfTrainers] = gaps
	for _, f := range flagQueries {
		key := f.flag
		if key == "" {
			key = f.of
		}
		if n := flagged[key]; n > 0 {
			r.Flags = append(r.Flags, model.Flag{Name: f.name, Count: n, Of: f.of, Organiser: f.flag})
		}
	}
	return nil
}
