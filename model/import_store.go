package model

// ImportOptions controls an import.
type ImportOptions struct {
	DryRun   bool                  // validate and say what would be added, writing nothing
	Progress func(done, total int) // called as rows are written; may be nil
}

// ImportResult is what an import read, found and added. Header and Rows are
// the file's cells in export column order, for a preview.
type ImportResult struct {
	Kind     string
	File     string
	Header   []string
	Rows     [][]string
	RowNums  []int
	Problems []ImportProblem
	Added    int // written, or that would be written on a dry run
	DryRun   bool
}
