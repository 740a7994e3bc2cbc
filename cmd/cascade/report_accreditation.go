package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cascade/model"
	"cascade/reports"
)

// reportAccreditation writes the accreditation report (CSV, by the out
// file's extension) for one cohort, or all when cohort is 0.
func reportAccreditation(ctx context.Context, s *model.Store, cohort int, out string) error {
	if ext := strings.ToLower(filepath.Ext(out)); ext != ".csv" {
		return fmt.Errorf("accreditation report %s: write it as .csv", out)
	}
	rows, err := s.AccreditationReport(ctx, cohort)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := reports.AccreditationCSV(&buf, rows); err != nil {
		return err
	}
	// Write beside the target then rename, so a failure never leaves half a file.
	tmp := out + ".part"
	if err := os.WriteFile(tmp, buf.Bytes(), 0o644); err != nil {
		return fmt.Errorf("accreditation report: %w", err)
	}
	return os.Rename(tmp, out)
}
