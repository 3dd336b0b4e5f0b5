// Package codecheck holds no code: its tests check rules that hold across the
// whole module (the layers' imports, production code free of the testing
// package, long functions that say why, the README's dependencies matching
// go.mod).
package codecheck
