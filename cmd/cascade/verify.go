package main

// cmdVerify is built by a later issue.
var cmdVerify = notYet("verify")
