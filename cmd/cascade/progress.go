package main

// cmdProgress is built by a later issue.
var cmdProgress = notYet("progress")
