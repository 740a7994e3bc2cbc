package main

import (
	"context"
	"crypto/ed25519"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"cascade/model"
	"cascade/reports"
)

func cmdVerify(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("verify", `verify --db FILE PDF|BADGE.json|BADGE.jwt|NUMBER:CODE
       cascade verify --key KEY.pub FILE.pdf|BADGE.json|BADGE.jwt

Prints the certificate's (or Open Badge's) fields and ends with status:
valid, revoked or invalid; exits 0 only when valid. With --key a PDF or
badge is checked against the public key alone (cascade keys export), which
cannot know of revocation.`, errOut)
	db := dbFlag(fs, "the database file")
	keyPath := fs.String("key", "", "a public key from cascade keys export, instead of --db")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(errOut, "cascade verify: give one PDF file or NUMBER:CODE")
		return errUsage
	}
	if (*db == "") == (*keyPath == "") {
		fmt.Fprintln(errOut, "cascade verify: give --db FILE or --key KEY.pub")
		return errUsage
	}
	arg := pos[0]
	// Everything printed comes from the document or the database, which an
	// adversary may have filled with terminal escapes or bidi overrides.
	out = &safeWriter{w: out}
	var entries []reports.CertificateEntry
	var number, code string
	if data, err := os.ReadFile(arg); err == nil && isBadgeFile(arg, data) {
		return verifyBadge(ctx, fs, *db, *keyPath, arg, data, out)
	} else if err == nil {
		entries, err = reports.ReadCertificatePDF(data)
		if err != nil {
			fmt.Fprintf(out, "file: %s\nproblem: %v\nstatus: invalid\n", arg, err)
			return errReported
		}
	} else if n, c, ok := strings.Cut(arg, ":"); ok && !strings.HasSuffix(strings.ToLower(arg), ".pdf") {
		number, code = strings.ToUpper(strings.TrimSpace(n)), c
	} else {
		return fmt.Errorf("%s: %w", arg, err)
	}

	var results []model.Verification
	if *keyPath != "" {
		if entries == nil {
			fmt.Fprintln(errOut, "cascade verify: NUMBER:CODE needs --db; with --key give the PDF")
			return errUsage
		}
		pub, err := readKey(*keyPath)
		if err != nil {
			return err
		}
		for _, e := range entries {
			if v, bad := pageProblem(e); bad {
				results = append(results, v)
				continue
			}
			results = append(results, model.VerifyOffline(pub, e.Payload, e.Code))
		}
	} else {
		s, _, err := openStore(ctx, fs, *db)
		if err != nil {
			return err
		}
		defer s.Close()
		if entries == nil {
			v, err := s.VerifyCertificate(ctx, number, code, "")
			if err != nil {
				return err
			}
			results = append(results, v)
		}
		for _, e := range entries {
			if v, bad := pageProblem(e); bad {
				results = append(results, v)
				continue
			}
			f, perr := model.ParsePayload(e.Payload)
			if perr != nil {
				results = append(results, model.Verification{Status: model.StatusInvalid, Reason: perr.Error(), Code: e.Code})
				continue
			}
			v, err := s.VerifyCertificate(ctx, f.Number, e.Code, e.Payload)
			if err != nil {
				return err
			}
			results = append(results, v)
		}
	}
	status := printVerifications(out, results)
	if status != model.StatusValid {
		return errReported
	}
	return nil
}

// pageProblem turns an entry whose page does not show its signed fields
// into an invalid verification: the signature may be good, but the paper
// says something else.
func pageProblem(e reports.CertificateEntry) (model.Verification, bool) {
	if e.Problem == "" {
		return model.Verification{}, false
	}
	f, _ := model.ParsePayload(e.Payload)
	return model.Verification{Fields: f, Code: model.NormaliseCode(e.Code), Status: model.StatusInvalid,
		Reason: e.Problem, Checked: "the document itself"}, true
}

func readKey(path string) (ed25519.PublicKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key %s: %w", path, err)
	}
	pub, err := model.DecodePublicKey(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return pub, nil
}

// printVerifications prints each certificate's fields and returns the one
// overall status it ends with: valid only when every certificate is.
func printVerifications(out io.Writer, vs []model.Verification) string {
	overall := model.StatusValid
	for i, v := range vs {
		if i > 0 {
			fmt.Fprintln(out)
		}
		if v.Fields.Number != "" {
			for _, l := range v.Fields.Lines() {
				fmt.Fprintln(out, l)
			}
		}
		fmt.Fprintln(out, "code: "+v.Code)
		fmt.Fprintln(out, "checked against: "+v.Checked)
		switch v.Status {
		case model.StatusRevoked:
			fmt.Fprintf(out, "revoked: %s\nreason: %s\n", v.Revoked, v.Reason)
		case model.StatusInvalid:
			fmt.Fprintln(out, "problem: "+v.Reason)
		}
		if len(vs) > 1 {
			fmt.Fprintf(out, "certificate status: %s\n", v.Status)
		}
		overall = worse(overall, v.Status)
	}
	if len(vs) > 1 {
		fmt.Fprintln(out)
		fmt.Fprintf(out, "certificates: %d\n", len(vs))
	}
	fmt.Fprintln(out, "status: "+overall)
	return overall
}

func worse(a, b string) string {
	rank := map[string]int{model.StatusValid: 0, model.StatusRevoked: 1, model.StatusInvalid: 2}
	if rank[b] > rank[a] {
		return b
	}
	return a
}

// isBadgeFile tells an Open Badge (.json or .jwt, or text that is one) from
// a certificate PDF.
func isBadgeFile(path string, data []byte) bool {
	ext := strings.ToLower(filepath.Ext(path))
	if ext == ".json" || ext == ".jwt" {
		return true
	}
	t := strings.TrimSpace(string(data[:min(len(data), 16)]))
	return strings.HasPrefix(t, "{") || strings.HasPrefix(t, "eyJ")
}

// verifyBadge checks an Open Badge against the database (key and
// revocation) or a public key alone, and prints what it found.
func verifyBadge(ctx context.Context, fs *flag.FlagSet, db, keyPath, path string, data []byte, out io.Writer) error {
	jwt, err := model.BadgeJWT(data)
	if err != nil {
		fmt.Fprintf(out, "file: %s\nproblem: %v\nstatus: invalid\n", path, err)
		return errReported
	}
	var v model.BadgeVerification
	if keyPath != "" {
		pub, err := readKey(keyPath)
		if err != nil {
			return err
		}
		v, err = model.VerifyBadge(jwt, pub, nil)
		if err != nil {
			return err
		}
	} else {
		s, _, err := openStore(ctx, fs, db)
		if err != nil {
			return err
		}
		defer s.Close()
		pub, err := s.PublicKey(ctx)
		if err != nil {
			return err
		}
		v, err = model.VerifyBadge(jwt, pub, func(n string) (model.Certificate, error) { return s.CertificateByNumber(ctx, n) })
		if err != nil {
			return err
		}
	}
	fmt.Fprintln(out, "file: "+path)
	if v.Credential.ID != "" {
		for _, l := range v.Credential.Lines() {
			fmt.Fprintln(out, l)
		}
	}
	fmt.Fprintln(out, "checked against: "+v.Checked)
	switch v.Status {
	case model.StatusRevoked:
		fmt.Fprintf(out, "revoked: %s\nreason: %s\n", v.Revoked, v.Reason)
	case model.StatusInvalid:
		fmt.Fprintln(out, "problem: "+v.Reason)
	}
	fmt.Fprintln(out, "status: "+v.Status)
	if v.Status != model.StatusValid {
		return errReported
	}
	return nil
}
