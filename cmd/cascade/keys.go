package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"time"

	"cascade/model"
	"cascade/reports"
)

func cmdKeys(ctx context.Context, args []string, out, errOut io.Writer) error {
	fs := newFlags("keys", `keys export --db FILE --out KEY.pub
       cascade keys export --db FILE --html verify.html

--out writes the database's certificate-signing public key (PEM), so anyone
can check a certificate PDF with cascade verify --key KEY.pub FILE.pdf.
--html writes the verification page: one self-contained HTML file holding
the programme's name, its public key and the certificates revoked so far,
which checks a certificate's QR code in any current browser without a
server. Put it at the address in the setting verify.url (the QR codes link
there), or open it from a USB stick; export it again to refresh its list of
revoked certificates.`, errOut)
	db := dbFlag(fs, "the database file")
	outPath := fs.String("out", "", "where to write the public key")
	htmlPath := fs.String("html", "", "where to write the verification page")
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
	if *outPath == "" && *htmlPath == "" {
		fmt.Fprintln(errOut, "cascade keys: --out KEY.pub or --html verify.html is required")
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
	if *outPath != "" {
		data, err := model.EncodePublicKey(pub)
		if err != nil {
			return err
		}
		if err := os.WriteFile(*outPath, data, 0o644); err != nil {
			return fmt.Errorf("write %s: %w", *outPath, err)
		}
		fmt.Fprintf(out, "wrote %s (Ed25519 public key)\n", *outPath)
	}
	if *htmlPath != "" {
		cs, err := s.CertificateSettings(ctx)
		if err != nil {
			return err
		}
		revoked, err := s.RevokedNumbers(ctx)
		if err != nil {
			return err
		}
		certs, err := s.AllCertificates(ctx)
		if err != nil {
			return err
		}
		f, err := os.Create(*htmlPath)
		if err != nil {
			return fmt.Errorf("write %s: %w", *htmlPath, err)
		}
		err = reports.WriteVerifyPage(f, reports.VerifyPage{Programme: cs.Programme, Centre: cs.Centre, Key: pub,
			Revoked: revoked, Exported: time.Now(), Certificates: certs})
		if cerr := f.Close(); err == nil && cerr != nil {
			err = fmt.Errorf("write %s: %w", *htmlPath, cerr)
		}
		if err != nil {
			os.Remove(*htmlPath)
			return err
		}
		fmt.Fprintf(out, "wrote %s (verification page: %d certificates checkable by number and code, %d revoked)\n", *htmlPath, len(certs), len(revoked))
		if cs.VerifyURL == "" {
			fmt.Fprintln(out, "the setting verify.url is empty: QR codes hold the code as text, to paste into the page")
		} else {
			fmt.Fprintf(out, "QR codes link to %s: put the page there\n", cs.VerifyURL)
		}
	}
	return nil
}
