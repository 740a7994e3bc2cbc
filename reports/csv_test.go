package reports

import (
	"bytes"
	"encoding/csv"
	"testing"
)

func TestWriteCSVEscapesFormulas(t *testing.T) {
	var buf bytes.Buffer
	rows := [][]string{{"=SUM(A1:A9)", "+44 161", "-3", "@cmd", "Zoë, \"Łukasz\"", "plain"}}
	if err := WriteCSV(&buf, []string{"a", "b", "c", "d", "e", "f"}, rows); err != nil {
		t.Fatal(err)
	}
	got, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("read back: %v", err)
	}
	want := []string{"'=SUM(A1:A9)", "'+44 161", "'-3", "'@cmd", "Zoë, \"Łukasz\"", "plain"}
	for i, w := range want {
		if got[1][i] != w {
			t.Errorf("cell %d = %q; want %q", i, got[1][i], w)
		}
	}
}
