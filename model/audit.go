package model

import (
	"os/user"
)

// OSActor names the operating-system user, as command-line tools are recorded
// in the audit log.
func OSActor() string {
	if u, err := user.Current(); err == nil && u.Username != "" {
		return "os:" + u.Username
	}
	return "os:unknown"
}

// AuditEntry is one line of the audit log.
type AuditEntry struct {
	ID       int64
	At       string
	Actor    string
	Action   string
	Entity   string
	EntityID string
	Before   string
	After    string
	Names    AuditNames // what its ids stand for, read by the store
}

// Sentence is the entry in words, with names for ids.
func (e AuditEntry) Sentence() string { return AuditSentence(e, e.Names) }

// AuditFilter narrows the audit log; empty fields match everything.
type AuditFilter struct {
	Actor  string
	Action string
	Entity string
	Text   string // matched against entity id, before and after
	Limit  int
}

// AuditChoices are the values the audit screen's filters offer: the
// actions, kinds of thing and actors the log holds (a fixed list would miss
// what new code records).
type AuditChoices struct {
	Actions, Entities, Actors []string
}
