package main

// cmdImport is built by a later issue.
var cmdImport = notYet("import")
