package model

// Export kinds beyond the importable ones: read-only records for other systems.
const (
	KindEvidence  = "evidence"
	KindDecisions = "decisions"
)

// ExportKinds lists what can be exported.
func ExportKinds() []string {
	return append(ImportKinds(), KindEvidence, KindDecisions)
}
