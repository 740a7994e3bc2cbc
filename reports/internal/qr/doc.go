// Package qr is github.com/boombuler/barcode/qr v1.1.0 (MIT, see LICENSE)
// changed for speed, keeping every module as upstream draws it (qr_test.go
// compares across versions 1-20): modules are a []bool instead of a
// utils.BitList; the data path, the data bytes and the alphanumeric indexes
// are walked directly instead of through goroutines and unbuffered channels;
// the unmasked code is drawn once and each of the eight masks applied as an
// XOR; the mask penalty is one pass per line; and Reed–Solomon uses log
// tables. Upstream took 2-3 ms per certificate, most of a print run's time;
// this takes about 30 µs. Codes up to 64 modules wide (versions
// 1-11, every certificate) choose their mask on bitboards, a word a line.
package qr
