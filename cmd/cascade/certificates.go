package main

// cmdCertificates is built by a later issue.
var cmdCertificates = notYet("certificates")
