package model

import (
	"strings"
	"testing"
)

func TestPayloadRoundTripAndRefusals(t *testing.T) {
	f := CertFields{Number: "CU-2013-000001", Kind: KindUnits, Name: "Nguyễn\nThị", Units: []CertUnit{{"CO201", "A | B", 2, 3, "2013-01-01"}}}
	p := f.Payload()
	if strings.Count(p, "\n") != strings.Count(p, ": ")+0 && !strings.Contains(p, "name: Nguyễn Thị\n") {
		t.Errorf("payload keeps a newline inside a field:\n%s", p)
	}
	if _, err := ParsePayload(p); err == nil {
		t.Error("a unit title holding ' | ' parsed back; want it refused as not canonical")
	}
	f.Units[0].Title = "Listening"
	got, err := ParsePayload(f.Payload())
	if err != nil || got.Name != "Nguyễn Thị" || got.Units[0].Credits != 3 {
		t.Errorf("ParsePayload = %+v, %v", got, err)
	}
	for _, bad := range []string{"", "hello\n", payloadVersion + "\nnumber: X", payloadVersion + "\nshoe: 9\n"} {
		if _, err := ParsePayload(bad); err == nil {
			t.Errorf("ParsePayload(%q) succeeded", bad)
		}
	}
}
