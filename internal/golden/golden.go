// Package golden compares the bytes a test produced with a golden file,
// and rewrites the file instead when the test runs with -update. Import it
// from tests only: it registers the -update flag.
package golden

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"testing"
	"unicode/utf8"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// showMax is the largest output a failure shows whole.
const showMax = 4096

// Check fails t unless got equals the file at path, byte for byte. With
// -update it writes got to path first.
func Check(t testing.TB, path string, got []byte) {
	t.Helper()
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s: %s\n(run go test -update if the change is intended)", path, diff(got, want))
	}
}

// diff describes how got differs from want: both whole if they are short
// (as text, or in hex if they are not UTF-8), else where they part.
func diff(got, want []byte) string {
	if len(got) <= showMax && len(want) <= showMax {
		if utf8.Valid(got) && utf8.Valid(want) {
			return fmt.Sprintf("got\n%s\nwant\n%s", got, want)
		}
		return fmt.Sprintf("got\n% x\nwant\n% x", got, want)
	}
	i := 0
	for i < len(got) && i < len(want) && got[i] == want[i] {
		i++
	}
	return fmt.Sprintf("got %d bytes, want %d; they differ from byte %d on", len(got), len(want), i)
}
