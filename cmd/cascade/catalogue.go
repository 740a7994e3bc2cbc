package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"cascade/model"
)

// cmdImportCatalogue is `cascade import catalogue FILE.json --db FILE`: adds
// the file's units and qualifications, all or nothing.
func cmdImportCatalogue(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("import catalogue", "import catalogue FILE.json --db FILE", errOut)
	db := dbFlag(fs, "the database file")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if len(pos) != 1 {
		fmt.Fprintln(errOut, "cascade import catalogue: give one FILE.json")
		return errUsage
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		return err
	}
	c, err := model.ParseCatalogue(data)
	if err != nil {
		return fmt.Errorf("%s: %w (nothing imported)", pos[0], err)
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	units, quals, err := s.ImportCatalogue(ctx, by, c)
	var pe *model.PathError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s: %s (nothing imported)", pos[0], pe)
	}
	if err != nil {
		return err
	}
	fmt.Fprintf(out, "imported %d units and %d qualifications from %s\n", units, quals, filepath.Base(pos[0]))
	return nil
}

// cmdExportCatalogue is `cascade export catalogue --db FILE --out FILE.json`.
func cmdExportCatalogue(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("export catalogue", "export catalogue --db FILE --out FILE.json", errOut)
	db := dbFlag(fs, "the database file")
	to := fs.String("out", "", "the JSON file to write (- for standard output)")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(errOut, "cascade export catalogue: --out FILE.json is required")
		return errUsage
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	c, err := s.LoadCatalogue(ctx)
	if err != nil {
		return err
	}
	if c.Units == nil {
		c.Units = []model.Unit{}
	}
	if c.Qualifications == nil {
		c.Qualifications = []model.Qualification{}
	}
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	data = append(data, '\n')
	if *to == "-" {
		_, err = out.Write(data)
		return err
	}
	if err := os.WriteFile(*to, data, 0o644); err != nil {
		return err
	}
	fmt.Fprintf(out, "wrote %d units and %d qualifications to %s\n", len(c.Units), len(c.Qualifications), *to)
	return nil
}
