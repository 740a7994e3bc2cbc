package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"cascade/model"
)

func cmdImport(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("import", "import cohorts|hosts|organisers|trainers|catalogue FILE --db FILE [--dry-run]", errOut)
	if len(args) > 0 && args[0] == "catalogue" {
		return cmdImportCatalogue(ctx, args[1:], out, errOut)
	}
	db := dbFlag(fs, "the database file")
	dryRun := fs.Bool("dry-run", false, "check the file and say what would be added, changing nothing")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 2 {
		fs.Usage()
		return errUsage
	}
	kind, file := pos[0], pos[1]
	if kind == "catalogue" {
		// The OCN catalogue has its own reader and writer (catalogue.go).
		return cmdImportCatalogue(ctx, without(args, "catalogue"), out, errOut)
	}
	if _, ok := model.ImportColumns(kind); !ok {
		fmt.Fprintf(errOut, "cascade import: cannot import %q; choose %s or catalogue\n", kind, strings.Join(model.ImportKinds(), ", "))
		return errUsage
	}
	s, by, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	res, err := s.Import(ctx, by, kind, file, model.ImportOptions{DryRun: *dryRun})
	var ie *model.ImportError
	if errors.As(err, &ie) {
		for _, p := range ie.Problems {
			fmt.Fprintln(errOut, p)
		}
		if len(ie.Problems) > 1 {
			fmt.Fprintf(errOut, "cascade import: %d problems in %s; nothing was imported\n", len(ie.Problems), file)
		} else {
			fmt.Fprintf(errOut, "cascade import: nothing was imported\n")
		}
		return errReported
	}
	if err != nil {
		return err
	}
	if res.DryRun {
		fmt.Fprintf(out, "dry run: %s is good; importing it would add %s to %s\n", file, countOf(res.Added, kind), *db)
		return nil
	}
	fmt.Fprintf(out, "added %s from %s to %s\n", countOf(res.Added, kind), file, *db)
	return nil
}

// countOf says "1 host" or "153 hosts" for a plural kind name.
func countOf(n int, kind string) string {
	if n == 1 {
		kind = strings.TrimSuffix(kind, "s")
	}
	return fmt.Sprintf("%d %s", n, kind)
}

// without is args with the first occurrence of word taken out.
func without(args []string, word string) []string {
	for i, a := range args {
		if a == word {
			return append(append([]string(nil), args[:i]...), args[i+1:]...)
		}
	}
	return args
}
