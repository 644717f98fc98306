// Package layout holds the test that keeps the dependency graph pointing
// one way: app -> internal, bridge -> internal, server -> app/pwa and
// internal. It has no code of its own.
package layout
