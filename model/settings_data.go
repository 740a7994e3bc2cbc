package model

// Setting is one row of the settings table.
type Setting struct {
	Key, Value string
}
