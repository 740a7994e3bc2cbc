package main

import (
	"context"
	"fmt"
	"io"

	"cascade/model"
)

func cmdInit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("init", "init --db FILE", errOut)
	db := fs.String("db", "", "the database file to create")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	s, err := model.Create(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(out, "created an empty programme in %s\n", s.Path())
	return nil
}
