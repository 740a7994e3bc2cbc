package model

import (
	"fmt"
	"strconv"
	"strings"
)

// correctionReference names the claim correcting ref: CLM-…-R1, and a
// correction of CLM-…-R1 is CLM-…-R2 (not CLM-…-R1-R1).
func CorrectionReference(ref string) string {
	if i := strings.LastIndex(ref, "-R"); i >= 0 {
		if n, err := strconv.Atoi(ref[i+2:]); err == nil {
			return fmt.Sprintf("%s-R%d", ref[:i], n+1)
		}
	}
	return ref + "-R1"
}
