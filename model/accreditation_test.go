package model

import (
	"encoding/json"
	"errors"
	"strings"
	"testing"
)

const fixtureCatalogue = `{"units":[
 {"code":"U1","title":"Listening","level":2,"credits":3,"guided_hours":24,"outcomes":[
   {"number":1,"text":"Plan listening","criteria":[{"number":"1.1","text":"Plan"},{"number":"1.2","text":"Record"}]},
   {"number":2,"text":"Reflect","criteria":[{"number":"2.1","text":"Reflect on it"}]}]},
 {"code":"U2","title":"Networks","level":3,"credits":6,"guided_hours":48,"outcomes":[
   {"number":1,"text":"Map","criteria":[{"number":"1.1","text":"Map a network"}]}]}],
 "qualifications":[{"code":"Q","title":"Certificate","level":3,"min_credits":9,
   "min_credits_at_or_above":{"level":3,"credits":6},
   "groups":[{"name":"Mandatory","mandatory":true,"min_credits":3,"max_credits":null,"units":["U1"]},
             {"name":"Optional","mandatory":false,"min_credits":6,"max_credits":12,"units":["U2"]}]}]}`

func TestCatalogueValidationPaths(t *testing.T) {
	cases := []struct{ name, edit, want string }{
		{"repeated criterion", `"number":"1.2","text":"Record"`, `units[0].outcomes[0].criteria[1]: number 1.1 repeated`},
		{"criterion of the wrong outcome", `"number":"2.1","text":"Reflect on it"`, `units[0].outcomes[1].criteria[0]: number "3.1" is not 2.N`},
		{"bad level", `"level":3,"credits":6`, `units[1].level: 9 is not a level 0 (Entry) to 8`},
		{"unknown unit in group", `"units":["U2"]`, `qualifications[0].groups[1].units[0]: unit U9 is not in the catalogue`},
		{"repeated outcome", `{"number":2,"text":"Reflect"`, `units[0].outcomes[1]: number 1 repeated`},
	}
	repl := map[string]string{
		`"number":"1.2","text":"Record"`:        `"number":"1.1","text":"Record"`,
		`"number":"2.1","text":"Reflect on it"`: `"number":"3.1","text":"Reflect on it"`,
		`"level":3,"credits":6`:                 `"level":9,"credits":6`,
		`"units":["U2"]`:                        `"units":["U9"]`,
		`{"number":2,"text":"Reflect"`:          `{"number":1,"text":"Reflect"`,
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var cat Catalogue
			if err := json.Unmarshal([]byte(strings.Replace(fixtureCatalogue, c.edit, repl[c.edit], 1)), &cat); err != nil {
				t.Fatal(err)
			}
			err := cat.Validate(nil)
			if err == nil || err.Error() != c.want || !errors.Is(err, ErrInvalid) {
				t.Errorf("Validate = %v; want %s", err, c.want)
			}
		})
	}
}

func TestCorrectionReference(t *testing.T) {
	for in, want := range map[string]string{"CLM-2015-C03": "CLM-2015-C03-R1", "CLM-2026-C04-2-R1": "CLM-2026-C04-2-R2",
		"CLM-2026-C04-2-R9": "CLM-2026-C04-2-R10", "CLM-R-Rx": "CLM-R-Rx-R1"} {
		if got := CorrectionReference(in); got != want {
			t.Errorf("correctionReference(%q) = %q; want %q", in, got, want)
		}
	}
}
