package main

// cmdBackup is built by a later issue.
var cmdBackup = notYet("backup")
