package model

import (
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"unicode"

	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// ukMoney writes sums the UK way: £20,000.00.
var ukMoney = message.NewPrinter(language.BritishEnglish)

// The audit log stores what changed as JSON with ids; people read it as
// sentences with names: "Gareth Llewelyn changed Michał Krawczyk's host
// from Oldham Unity to Salford Tenants". The store reads the names the ids
// stand for (AuditNames); AuditSentence writes the sentence.

// AuditNames are the names behind an audit entry's ids, read by the store.
type AuditNames struct {
	Actor   string            // the actor's display name; empty shows the user name
	Subject string            // what the entry is about: "Michał Krawczyk", "cohort 3", "Oldham Unity"
	Refs    map[string]string // RefKey(field, id) → the name that id stands for
}

// AuditRefKinds names, for each id field audit JSON may hold, the kind of
// record it points at; the store reads those records' names.
var AuditRefKinds = map[string]string{
	"HostID": "host", "CohortID": "cohort", "SupportedByID": "organiser", "OrganiserID": "organiser",
	"TrainedByID": "trainer", "TrainerID": "trainer", "LeadTrainerID": "trainer", "PersonID": "person",
	"CourseID": "course", "ModuleID": "module", "UnitID": "unit", "QualificationID": "qualification",
}

// RefKey is how AuditNames.Refs is keyed: an id field and its value.
func RefKey(field string, id int64) string { return field + "=" + strconv.FormatInt(id, 10) }

// AuditRefs lists the id fields (with their ids) that e's before and after
// hold, for the store to name.
func AuditRefs(e AuditEntry) map[string]int64 {
	out := map[string]int64{}
	for _, raw := range []string{e.Before, e.After} {
		for k, v := range auditFields(raw) {
			if _, ok := AuditRefKinds[k]; !ok {
				continue
			}
			if f, ok := v.(float64); ok && f > 0 {
				out[RefKey(k, int64(f))] = int64(f)
			}
		}
	}
	return out
}

// auditFields reads an audit JSON object; anything else (empty, a list, a
// bare value) gives no fields.
func auditFields(raw string) map[string]any {
	m := map[string]any{}
	if raw == "" || json.Unmarshal([]byte(raw), &m) != nil {
		return nil
	}
	return m
}

// auditVerbs are the past tenses of the log's actions.
var auditVerbs = map[string]string{
	"create": "added", "update": "changed", "withdraw": "withdrew", "retire": "retired", "unretire": "returned",
	"issue": "issued", "reprint": "reprinted", "revoke": "revoked", "deliver": "delivered", "submit": "submitted",
	"discard": "discarded", "claim": "claimed", "decide": "recorded a decision on", "sample": "sampled",
	"verify": "verified", "enrol": "enrolled people on", "register": "took the register of", "complete": "completed",
	"uncomplete": "took back the completion of", "achieve": "recorded the achievement of", "sign_in": "signed in",
	"sign_out": "signed out", "erase": "erased", "restore": "restored", "backup": "backed up",
	"import": "imported",
}

// AuditSentence tells entry e in words, with the names e.Names holds.
func AuditSentence(e AuditEntry, n AuditNames) string {
	who := n.Actor
	if who == "" {
		who = actorWords(e.Actor)
	}
	what := n.Subject
	if e.Entity == "programme" {
		what = "the programme" // there is only one
	} else if what == "" {
		what = strings.TrimSpace(entityWords(e.Entity) + " " + e.EntityID)
	}
	switch {
	case e.Entity == "programme" && e.Action == "demo":
		return who + " built the demo programme"
	case e.Entity == "programme" && e.Action == "create":
		return who + " created the programme"
	}
	switch e.Action {
	case "sign_in", "sign_out":
		return who + " " + auditVerbs[e.Action]
	case "update":
		if changes := changeWords(e, n); len(changes) > 0 {
			return who + " changed " + possessive(what) + " " + joinWords(changes)
		}
		return who + " changed " + what
	case "create":
		if n.Subject != "" {
			return who + " added " + entityWords(e.Entity) + " " + n.Subject
		}
		return who + " added " + what
	}
	verb, ok := auditVerbs[e.Action]
	if !ok {
		verb = strings.ReplaceAll(e.Action, "_", " ")
	}
	s := who + " " + verb + " " + what
	if e.Action == "withdraw" || e.Action == "revoke" || e.Action == "retire" {
		if why := reasonIn(e.After); why != "" {
			s += ": " + why
		}
	}
	return s
}

// changeWords is each changed field of an update as "host from A to B".
func changeWords(e AuditEntry, n AuditNames) []string {
	before, after := auditFields(e.Before), auditFields(e.After)
	// What the after holds is what changed; some entries keep the whole
	// record before, so fields only there, or the same both sides, are not
	// changes.
	var keys []string
	for k := range after {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []string
	for _, k := range keys {
		b, hadBefore := before[k]
		a := after[k]
		if hadBefore && reflect.DeepEqual(a, b) {
			continue
		}
		label := fieldWords(k)
		if hadBefore {
			out = append(out, fmt.Sprintf("%s from %s to %s", label, valueWords(k, b, n), valueWords(k, a, n)))
		} else {
			out = append(out, fmt.Sprintf("%s to %s", label, valueWords(k, a, n)))
		}
	}
	return out
}

// valueWords is one audited value as a person reads it: an id as the name
// it stands for, a date as "3 Sep 2012", nothing as "none".
func valueWords(field string, v any, n AuditNames) string {
	switch x := v.(type) {
	case nil:
		return "none"
	case bool:
		if x {
			return "yes"
		}
		return "no"
	case float64:
		if _, ok := AuditRefKinds[field]; ok {
			if x == 0 {
				return "none"
			}
			if name := n.Refs[RefKey(field, int64(x))]; name != "" {
				return name
			}
			return AuditRefKinds[field] + " " + strconv.FormatInt(int64(x), 10)
		}
		if strings.HasSuffix(field, "Pence") {
			return ukMoney.Sprintf("£%.2f", x/100)
		}
		return strconv.FormatFloat(x, 'f', -1, 64)
	case string:
		if x == "" {
			return "none"
		}
		if _, err := ParseDate("", x); err == nil && len(x) == len("2006-01-02") {
			return DisplayDate(x)
		}
		return x
	}
	b, _ := json.Marshal(v)
	return string(b)
}

// fieldLabels are the fields whose words are not their names split up.
var fieldLabels = map[string]string{
	"StartsOn": "start date", "EndsOn": "end date", "WithdrawnOn": "withdrawal date", "TrainedOn": "date trained",
	"RetiredOn": "retirement date", "BursaryPence": "bursary", "SupportedByID": "supporting senior organiser",
	"HostInductionOn": "host induction date", "TrainingStartsOn": "training start", "TrainingEndsOn": "training end",
}

// fieldWords turns a field name into words: "HostID" → "host".
func fieldWords(field string) string {
	if l, ok := fieldLabels[field]; ok {
		return l
	}
	name := strings.TrimSuffix(field, "ID")
	var b strings.Builder
	for i, r := range name {
		if unicode.IsUpper(r) && i > 0 {
			b.WriteByte(' ')
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.ReplaceAll(b.String(), "_", " ")
}

// entityWords is the kind of record an entry is about, in words.
func entityWords(entity string) string { return strings.ReplaceAll(entity, "_", " ") }

// actorWords names an actor with no display name: a command-line user
// ("os:root") as such.
func actorWords(actor string) string {
	if u, ok := strings.CutPrefix(actor, "os:"); ok {
		return u + " (command line)"
	}
	return actor
}

// possessive is "Michał Krawczyk's", "James's", "cohort 3's".
func possessive(s string) string { return s + "'s" }

// joinWords joins "a", "b" and "c" as "a, b and c".
func joinWords(parts []string) string {
	if len(parts) < 2 {
		return strings.Join(parts, "")
	}
	return strings.Join(parts[:len(parts)-1], ", ") + " and " + parts[len(parts)-1]
}

// reasonIn is the reason an entry's after JSON gives, if any.
func reasonIn(raw string) string {
	for k, v := range auditFields(raw) {
		if s, ok := v.(string); ok && strings.Contains(strings.ToLower(k), "reason") {
			return s
		}
	}
	return ""
}
