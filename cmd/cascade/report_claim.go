package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/reports"
)

// reportClaim writes the claim with this reference for the OCN, as CSV or
// PDF by the out file's extension.
func reportClaim(ctx context.Context, s *sqlstore.Store, reference, out string) error {
	claims, err := s.Claims(ctx)
	if err != nil {
		return err
	}
	var c model.Claim
	for _, k := range claims {
		if strings.EqualFold(k.Reference, reference) {
			c = k
		}
	}
	if c.ID == 0 {
		return fmt.Errorf("claim %s: %w (see the Claims screen for references)", reference, model.ErrNotFound)
	}
	lines, err := s.ClaimLines(ctx, c.ID)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	switch ext := strings.ToLower(filepath.Ext(out)); ext {
	case ".csv":
		err = reports.ClaimCSV(&buf, c, lines)
	case ".pdf":
		centre, cerr := s.ClaimCentre(ctx)
		if cerr != nil {
			return cerr
		}
		err = reports.ClaimPDF(&buf, c, lines, centre, time.Now())
	default:
		return fmt.Errorf("claim report %s: write it as .csv or .pdf", out)
	}
	if err != nil {
		return err
	}
	return reports.WriteFileAtomic(out, func(w io.Writer) error {
		_, err := w.Write(buf.Bytes())
		return err
	})
}
