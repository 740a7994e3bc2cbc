package main

// cmdRestore is built by a later issue.
var cmdRestore = notYet("restore")
