package reports

import (
	"bytes"
	"context"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"cascade/model"
	"cascade/model/sqlstore"
	"cascade/model/sqlstore/sqlstoretest"
)

// demoCascade reads the cascade of the demo programme sqlstoretest lends.
func demoCascade(t *testing.T) *model.Cascade {
	t.Helper()
	ctx := context.Background()
	s, err := sqlstore.Open(ctx, sqlstoretest.Demo(t))
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	c, err := s.Cascade(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestCascadeDiagram(t *testing.T) {
	c := demoCascade(t)
	dir := t.TempDir()
	if d := os.Getenv("CASCADE_CHART_DIR"); d != "" {
		dir = d
	}
	pdfPath := filepath.Join(dir, "cascade.pdf")
	var buf bytes.Buffer
	created := time.Date(2015, 9, 30, 12, 0, 0, 0, time.UTC)
	if err := CascadePDF(&buf, c, "as of 12 Sep 2015", created); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(pdfPath, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", pdfPath, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	if strings.Count(text, "\f") != 1 {
		t.Errorf("diagram runs to %d pages; want one", strings.Count(text, "\f"))
	}
	want := []string{"The train-the-trainers cascade", "Cohort 14", uk(c.People) + " people reached"}
	for _, g := range c.Generations {
		want = append(want, model.GenerationLabel(g.Generation)+" — "+uk(g.Trainers)+" trainers, reaching "+uk(g.Reach))
	}
	want = append(want, "reach "+uk(c.Roots[0].Reach))
	for _, w := range want {
		if !strings.Contains(text, w) {
			t.Errorf("diagram PDF lacks %q", w)
		}
	}
	var again bytes.Buffer
	CascadePDF(&again, c, "as of 12 Sep 2015", created)
	if !bytes.Equal(buf.Bytes(), again.Bytes()) {
		t.Error("the same cascade drew two different PDFs")
	}

	var img bytes.Buffer
	if err := CascadePNG(&img, c, "as of 12 Sep 2015", 5); err != nil {
		t.Fatal(err)
	}
	decoded, err := png.Decode(bytes.NewReader(img.Bytes()))
	if err != nil {
		t.Fatalf("diagram PNG: %v", err)
	}
	if sz := decoded.Bounds().Size(); sz.X != 1485 || sz.Y != 1050 {
		t.Errorf("diagram PNG is %v; want 1485x1050", sz)
	}
	os.WriteFile(filepath.Join(dir, "cascade-diagram.png"), img.Bytes(), 0o644)
}
