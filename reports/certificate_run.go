package reports

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"cascade/model"
)

// CertificateRunStore is what a certificate run asks of the programme.
type CertificateRunStore interface {
	IssueCertificates(ctx context.Context, by model.User, cands []model.Candidate, opt model.IssueOptions) ([]model.Issued, error)
	CertificateSettings(ctx context.Context) (model.CertificateSettings, error)
	MarkDelivered(ctx context.Context, by model.User, numbers []string) error
}

// PrintRunOptions says where and how a certificate run writes.
type PrintRunOptions struct {
	// Out is a folder for one PDF per person (made when missing), or
	// FILE.pdf for one combined PDF (its folder must exist).
	Out string
	// On is the issue date, ISO; today (UTC) when empty.
	On string
	// Created is the PDFs' creation date; now when zero.
	Created time.Time
	// Progress, when set, is told after each PDF is written; it may be
	// called from several goroutines at once.
	Progress func(done, total int)
}

// PrintRunResult is what a certificate run issued and wrote.
type PrintRunResult struct {
	Issued    int // newly issued
	Reprinted int // delivered before, printed again marked COPY
	Again     int // issued by an earlier run that never delivered them, printed now as originals
	Skipped   int // not eligible
	// Certificates are those printed, in the order of the candidates.
	Certificates []model.Issued
	// Paths are the files written: one per certificate, or the combined PDF.
	Paths    []string
	Combined bool
}

// IsCombined reports whether out names one combined PDF rather than a folder.
func IsCombined(out string) bool { return strings.HasSuffix(strings.ToLower(out), ".pdf") }

// IssueAndPrint issues certificates to the eligible candidates (or prints
// again those they hold) and writes their PDFs to opt.Out; the Certificates
// screen and `cascade certificates` both run it. The output folder is
// checked before anything is issued. Every PDF is written to a temporary
// file beside its name, synced and renamed into place, so no empty or
// partial PDF is ever left under an output name; only when all are in place
// are the certificates marked delivered. A run that fails to write leaves
// its certificates issued but undelivered, and the next run prints them as
// originals, not COPY.
func IssueAndPrint(ctx context.Context, st CertificateRunStore, by model.User, cands []model.Candidate, opt PrintRunOptions) (PrintRunResult, error) {
	res := PrintRunResult{Combined: IsCombined(opt.Out)}
	if strings.TrimSpace(opt.Out) == "" {
		return res, fmt.Errorf("certificates: say where to write them: %w", model.ErrInvalid)
	}
	if err := checkOutput(opt.Out, res.Combined); err != nil {
		return res, err
	}
	eligible := 0
	for _, c := range cands {
		if c.Eligible {
			eligible++
		} else {
			res.Skipped++
		}
	}
	if eligible == 0 {
		return res, nil
	}
	issued, err := st.IssueCertificates(ctx, by, cands, model.IssueOptions{On: opt.On})
	if err != nil {
		return res, err
	}
	res.Certificates = issued
	if len(issued) == 0 {
		return res, nil
	}
	cs, err := st.CertificateSettings(ctx)
	if err != nil {
		return res, err
	}
	prints := make([]model.Printable, len(issued))
	var undelivered []string
	for i, c := range issued {
		prints[i] = c.Printable(c.Reprint, cs)
		switch {
		case c.Reprint:
			res.Reprinted++
		case c.Earlier:
			res.Again++
		default:
			res.Issued++
		}
		if !c.Delivered() {
			undelivered = append(undelivered, c.Number)
		}
	}
	created := opt.Created
	if created.IsZero() {
		created = time.Now().UTC()
	}
	if res.Combined {
		if opt.Progress != nil {
			opt.Progress(0, 1)
		}
		err = WriteFileAtomic(opt.Out, func(w io.Writer) error { return WriteCertificates(w, prints, created) })
		if err == nil {
			res.Paths = []string{opt.Out}
			if opt.Progress != nil {
				opt.Progress(1, 1)
			}
		}
	} else {
		res.Paths, err = WriteCertificateFiles(ctx, opt.Out, prints, created, opt.Progress)
	}
	if err != nil {
		if len(undelivered) > 0 {
			return res, fmt.Errorf("%w (%d certificates issued but not delivered: the next run prints them as originals)", err, len(undelivered))
		}
		return res, err
	}
	if len(undelivered) > 0 {
		// Not ctx: the files are in place, and a cancel now must not leave
		// them recorded as undelivered.
		if err := st.MarkDelivered(context.WithoutCancel(ctx), by, undelivered); err != nil {
			return res, fmt.Errorf("certificates written to %s but not recorded as delivered (the next run prints them again as originals): %w", opt.Out, err)
		}
	}
	return res, nil
}

// checkOutput makes sure, before anything is issued, that certificates can
// be written to out: a combined PDF's folder must exist, a folder of PDFs
// is made when missing, and either must take a new file.
func checkOutput(out string, combined bool) error {
	dir := out
	if combined {
		dir = filepath.Dir(out)
		if st, err := os.Stat(out); err == nil && st.IsDir() {
			return fmt.Errorf("write certificates to %s: it is a folder, not a PDF file", out)
		}
		if st, err := os.Stat(dir); err != nil || !st.IsDir() {
			return fmt.Errorf("write certificates to %s: folder %s does not exist", out, dir)
		}
	} else if err := os.MkdirAll(dir, 0o755); err != nil {
		return fmt.Errorf("write certificates to %s: %w", out, err)
	}
	probe, err := os.CreateTemp(dir, ".cascade-write-test-*")
	if err != nil {
		return fmt.Errorf("write certificates to %s: folder %s cannot be written to: %w", out, dir, err)
	}
	probe.Close()
	os.Remove(probe.Name())
	return nil
}

// PrintAgainStore is what printing one issued certificate again asks.
type PrintAgainStore interface {
	Reprint(ctx context.Context, by model.User, number string) (model.Certificate, error)
	CertificateSettings(ctx context.Context) (model.CertificateSettings, error)
	MarkDelivered(ctx context.Context, by model.User, numbers []string) error
}

// PrintAgain prints one issued certificate into dir and returns the file:
// a COPY when it was delivered before, else an original, which is then
// marked delivered.
func PrintAgain(ctx context.Context, st PrintAgainStore, by model.User, number, dir string) (string, error) {
	c, err := st.Reprint(ctx, by, number)
	if err != nil {
		return "", err
	}
	cs, err := st.CertificateSettings(ctx)
	if err != nil {
		return "", err
	}
	if err := checkOutput(dir, false); err != nil {
		return "", err
	}
	copyMark := c.Delivered()
	name := c.Number + "-" + SafeName(c.HolderName)
	if copyMark {
		name += "-copy"
	}
	path := filepath.Join(dir, name+".pdf")
	if err := WriteFileAtomic(path, func(w io.Writer) error {
		return WriteCertificates(w, []model.Printable{c.Printable(copyMark, cs)}, time.Now().UTC())
	}); err != nil {
		return "", err
	}
	if !copyMark {
		if err := st.MarkDelivered(context.WithoutCancel(ctx), by, []string{c.Number}); err != nil {
			return path, err
		}
	}
	return path, nil
}

// WriteFileAtomic writes path with fn through a temporary file in the same
// folder, synced to disk and then renamed over path, so path holds either
// what it held before or the whole new file, never a part of it.
func WriteFileAtomic(path string, fn func(io.Writer) error) error {
	tmp, err := writeTemp(path, fn)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return fmt.Errorf("write %s: %w", path, err)
	}
	return syncDir(filepath.Dir(path))
}

// writeTemp writes fn's output to a new hidden file beside path, synced and
// closed, and returns its name; on failure nothing is left.
func writeTemp(path string, fn func(io.Writer) error) (string, error) {
	f, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*.tmp")
	if err != nil {
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	fail := func(err error) (string, error) {
		f.Close()
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	bw := bufio.NewWriterSize(f, 256<<10)
	if err := fn(bw); err != nil {
		return fail(err)
	}
	if err := bw.Flush(); err != nil {
		return fail(err)
	}
	if err := f.Chmod(0o644); err != nil {
		return fail(err)
	}
	if err := f.Sync(); err != nil {
		return fail(err)
	}
	if err := f.Close(); err != nil {
		os.Remove(f.Name())
		return "", fmt.Errorf("write %s: %w", path, err)
	}
	return f.Name(), nil
}

// syncDir makes a rename in dir durable; a system that cannot sync a folder
// (EINVAL) has nothing more to do.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil && !errors.Is(err, syscall.EINVAL) {
		return fmt.Errorf("sync folder %s: %w", dir, err)
	}
	return nil
}

// OutputFolderSetting is the setting naming where certificates and reports
// are written when no path is given.
const OutputFolderSetting = "output.folder"

// SettingsReader reads the programme's settings.
type SettingsReader interface {
	AllSettings(ctx context.Context) ([]model.Setting, error)
}

// OutputFolder is where certificates and reports are written when no path
// is given: the output.folder setting, or DefaultOutputFolder when empty.
func OutputFolder(ctx context.Context, st SettingsReader) (string, error) {
	all, err := st.AllSettings(ctx)
	if err != nil {
		return "", fmt.Errorf("read the output folder setting: %w", err)
	}
	for _, s := range all {
		if s.Key == OutputFolderSetting && strings.TrimSpace(s.Value) != "" {
			return strings.TrimSpace(s.Value), nil
		}
	}
	return DefaultOutputFolder(), nil
}

// DefaultOutputFolder is the person's Documents/Cascade folder, or Cascade
// in their home folder when they have no Documents folder.
func DefaultOutputFolder() string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return filepath.Join(os.TempDir(), "Cascade")
	}
	if st, err := os.Stat(filepath.Join(home, "Documents")); err == nil && st.IsDir() {
		return filepath.Join(home, "Documents", "Cascade")
	}
	return filepath.Join(home, "Cascade")
}
