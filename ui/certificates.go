package ui

// newCertificatesScreen is filled by a later issue; for now it says what it will hold.
func newCertificatesScreen(*env) screen {
	return placeholder{"Certificates", "This screen will show issuing, reprinting, revoking and verifying certificates."}
}
