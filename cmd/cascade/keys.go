package main

import (
	"context"
	"fmt"
	"io"
	"os"

	"cascade/model"
)

func cmdKeys(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("keys", `keys export --db FILE --out KEY.pub

Writes the database's certificate-signing public key (PEM), so anyone can
check a certificate PDF with cascade verify --key KEY.pub FILE.pdf.`, errOut)
	db := fs.String("db", "", "the database file")
	outPath := fs.String("out", "", "where to write the public key")
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "export" {
		fmt.Fprintln(errOut, "cascade keys: the one action is export")
		return errUsage
	}
	if err := needDB(fs, *db); err != nil {
		return err
	}
	if *outPath == "" {
		fmt.Fprintln(errOut, "cascade keys: --out KEY.pub is required")
		return errUsage
	}
	s, _, err := openStore(ctx, fs, *db)
	if err != nil {
		return err
	}
	defer s.Close()
	pub, err := s.PublicKey(ctx)
	if err != nil {
		return err
	}
	data, err := model.EncodePublicKey(pub)
	if err != nil {
		return err
	}
	if err := os.WriteFile(*outPath, data, 0o644); err != nil {
		return fmt.Errorf("write %s: %w", *outPath, err)
	}
	fmt.Fprintf(out, "wrote %s (Ed25519 public key)\n", *outPath)
	return nil
}
