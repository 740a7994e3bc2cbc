package main

// cmdErase is built by a later issue.
var cmdErase = notYet("erase")
