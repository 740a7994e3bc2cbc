package main

// cmdReport is built by a later issue.
var cmdReport = notYet("report")
