package model

import (
	"encoding/json"
	"fmt"
	"reflect"
)

// ChangedFields compares a record before and after an edit, field by field
// as each is written to the audit log, and returns only the fields that
// differ, with their values before and after. Both are empty when nothing
// changed: the caller then writes nothing and audits nothing, so a form saved
// unchanged leaves no trace, and the audit log shows what the user changed
// rather than the whole record twice.
func ChangedFields(before, after any) (b, a map[string]any, err error) {
	bm, err := fieldMap(before)
	if err != nil {
		return nil, nil, err
	}
	am, err := fieldMap(after)
	if err != nil {
		return nil, nil, err
	}
	b, a = map[string]any{}, map[string]any{}
	for k, v := range am {
		if old, ok := bm[k]; !ok || !reflect.DeepEqual(old, v) {
			a[k] = v
			if ok {
				b[k] = old
			}
		}
	}
	for k, old := range bm {
		if _, ok := am[k]; !ok {
			b[k] = old
		}
	}
	return b, a, nil
}

// fieldMap is v as its audit JSON object, field name to value.
func fieldMap(v any) (map[string]any, error) {
	raw, err := json.Marshal(v)
	if err != nil {
		return nil, fmt.Errorf("compare fields: %w", err)
	}
	m := map[string]any{}
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, fmt.Errorf("compare fields: %w", err)
	}
	return m, nil
}
