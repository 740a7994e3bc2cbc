// Package model is Cascade's domain: the types, the rules that must hold,
// the role table and the interfaces screens and commands call. It holds no
// SQL and imports no store; model/sqlstore (and later other stores) sit
// behind its interfaces.
package model

import (
	"errors"
	"time"
)

// Sentinel errors callers test with errors.Is.
var (
	ErrNotFound     = errors.New("not found")
	ErrExists       = errors.New("already exists")
	ErrNotSQLite    = errors.New("not a SQLite database")
	ErrNotProgramme = errors.New("not a Cascade programme")
	ErrDamaged      = errors.New("the database is damaged")
	ErrNewerSchema  = errors.New("schema is newer than this cascade")
	ErrReadOnly     = errors.New("read-only")
	ErrNoDatabase   = errors.New("no database")
	ErrPermission   = errors.New("not allowed")
	ErrInvalid      = errors.New("invalid")
	ErrLocked       = errors.New("locked")
)

// DefaultSettings are the settings a new programme starts with.
func DefaultSettings() map[string]string {
	return map[string]string{
		"centre.name":       "Trafford Hall",
		"centre.address":    "National Centre for Community Organising, Chester",
		"ocn.region":        "Open College Network North West Region",
		"signatory1.name":   "Programme Director",
		"signatory1.title":  "Programme Director",
		"signatory2.name":   "Head of Training",
		"signatory2.title":  "Head of Training, Trafford Hall",
		"certificate.logo":  "",
		"verify.url":        "",
		"window.width":      "1280",
		"window.height":     "800",
		"backup.keep":       "10",
		"programme.started": "2011-07-01",
	}
}

// Now is the current UTC time as ISO text, the one format timestamps are kept in.
func Now() string { return time.Now().UTC().Format(time.RFC3339) }
