package reports

import (
	"os"
	"testing"

	"cascade/model/sqlite/sqlitetest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqlitetest.Cleanup()
	os.Exit(code)
}
