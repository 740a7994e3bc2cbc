package main

// cmdExport is built by a later issue.
var cmdExport = notYet("export")
