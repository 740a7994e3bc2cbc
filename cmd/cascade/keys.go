package main

// cmdKeys is built by a later issue.
var cmdKeys = notYet("keys")
