package reports

import (
	"os"
	"testing"

	"cascade/model/sqlstore/sqlstoretest"
)

func TestMain(m *testing.M) {
	code := m.Run()
	sqlstoretest.Cleanup()
	os.Exit(code)
}
