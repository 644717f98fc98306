package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestCommittedIconsAreCurrent regenerates the icons into a temporary
// directory and compares them with the committed ones.
func TestCommittedIconsAreCurrent(t *testing.T) {
	dir := t.TempDir()
	if err := run(dir); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"icon-192.png", "icon-512.png", "icon.svg"} {
		got, err := os.ReadFile(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		want, err := os.ReadFile(filepath.Join("..", name))
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("%s differs from a fresh `go generate ./assets`; run it and commit the result", name)
		}
	}
}
