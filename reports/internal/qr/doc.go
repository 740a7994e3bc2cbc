// Package qr is github.com/boombuler/barcode/qr v1.1.0 (MIT, see LICENSE)
// with two changes for speed that keep every module as upstream draws it
// (qr_test.go compares): a code's modules are kept in a []bool instead of a
// utils.BitList, since choosing the mask scores all eight candidates module
// by module; and the data path is walked by an iterator instead of two
// goroutines and unbuffered channels (a context switch per module).
// Upstream took 2-3 ms per certificate, most of a print run's time.
package qr
