// Package locale gives Fyne a locale it can parse before Fyne's own init runs.
// Fyne reads the system locale while initialising and logs an error for the
// POSIX "C" locale, which would put noise on every command's stderr. Go
// initialises packages in import-path order once their dependencies are ready,
// so this package, imported by main, runs first.
package locale

import (
	"os"
	"strings"
)

func init() {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		val := os.Getenv(v)
		if val == "" {
			continue
		}
		if base := strings.SplitN(val, ".", 2)[0]; base == "C" || base == "POSIX" {
			os.Setenv(v, "en_GB.UTF-8")
			continue
		}
		return // the first set variable is a real locale
	}
	if os.Getenv("LANG") == "" && os.Getenv("LC_ALL") == "" {
		os.Setenv("LANG", "en_GB.UTF-8")
	}
}
