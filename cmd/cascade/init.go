package main

import (
	"context"
	"fmt"
	"io"

	"cascade/model"
	"cascade/model/sqlstore"
)

func cmdInit(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("init", "init --db FILE [--user NAME]\n\nWith --user, NAME becomes the programme's first administrator, with the\npassword from CASCADE_PASSWORD (or asked for).", errOut)
	db := dbFlag(fs, "the database file to create")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	var pw string
	if name := userName(fs); name != "" {
		var err error
		if pw, err = password(name); err != nil {
			return err
		}
	}
	s, err := sqlstore.Create(ctx, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	fmt.Fprintf(out, "created an empty programme in %s\n", s.Path())
	if name := userName(fs); name != "" {
		if _, err := s.CreateFirstAdmin(ctx, model.NewUser{Username: name, DisplayName: name, Password: pw}); err != nil {
			return err
		}
		fmt.Fprintf(out, "%s is its first administrator\n", name)
	}
	return nil
}
