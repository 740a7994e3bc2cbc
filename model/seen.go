package model

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// ErrChangedSince is what a save is refused with when someone else (or the
// same user in another window) changed the record after the form read it.
// The error carrying it is a *ChangedError naming who and when.
var ErrChangedSince = errors.New("changed since the form was opened")

// Seen is what a form saw when it read a record. A save that carries it is
// refused with a *ChangedError if the record's editable fields are no longer
// what the form was filled with, so nobody's newer change is silently
// overwritten. The zero Seen asks for no check: a caller that reads and
// writes at once (a command, an import) has nothing stale to guard.
type Seen struct {
	Mark int64  // the newest audit entry's id when the record was read
	Sum  string // the record's editable fields as read, hashed by Fingerprint
}

// IsZero reports a Seen that asks for no check.
func (s Seen) IsZero() bool { return s.Sum == "" }

// Fingerprint hashes v's JSON form (fields tagged json:"-" left out): two
// values with the same fields give the same fingerprint.
func Fingerprint(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		// Every type fingerprinted is plain data; should one ever fail, a
		// fingerprint nothing else matches refuses the save rather than
		// letting it overwrite unchecked.
		b = []byte(fmt.Sprintf("unmarshalable %T: %v", v, err))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// ChangedError says who last changed a record after a form read it, and
// when. It matches ErrChangedSince.
type ChangedError struct {
	By  string    // the user name the audit log names; "" when no entry says
	At  time.Time // when they changed it; zero when unknown
	Now time.Time // when the save was refused, so the time reads "today" rightly
}

// Error reads like "changed by lead2 at 14:05 — reload", with the day too
// when it was not today (UK local time).
func (e *ChangedError) Error() string {
	if e.By == "" || e.At.IsZero() {
		return "changed by someone else since you opened it — reload"
	}
	return fmt.Sprintf("changed by %s at %s — reload", e.By, changedWhen(e.At, e.Now, time.Local))
}

// Unwrap lets errors.Is(err, ErrChangedSince) find it.
func (e *ChangedError) Unwrap() error { return ErrChangedSince }

// changedWhen is the time alone for today, with the day otherwise, and the
// year too when it is not this year.
func changedWhen(at, now time.Time, loc *time.Location) string {
	at = at.In(loc)
	if now.IsZero() {
		now = time.Now()
	}
	now = now.In(loc)
	switch {
	case at.Year() == now.Year() && at.YearDay() == now.YearDay():
		return at.Format("15:04")
	case at.Year() == now.Year():
		return at.Format("15:04 on 2 Jan")
	}
	return at.Format("15:04 on 2 Jan 2006")
}
