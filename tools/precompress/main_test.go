package main

import (
	"bytes"
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/andybalholm/brotli"
)

func TestRoundTrip(t *testing.T) {
	dir := t.TempDir()
	src := bytes.Repeat([]byte("QRPOS wasm bytes \x00\x01\x02 "), 5000)
	path := filepath.Join(dir, "app.wasm")
	if err := os.WriteFile(path, src, 0o644); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := run(t.Context(), []string{path}, &out); err != nil {
		t.Fatal(err)
	}
	for ext, open := range map[string]func(io.Reader) (io.Reader, error){
		".br": func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil },
		".gz": func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) },
	} {
		f, err := os.Open(path + ext)
		if err != nil {
			t.Fatal(err)
		}
		r, err := open(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := io.ReadAll(r)
		f.Close()
		if err != nil || !bytes.Equal(got, src) {
			t.Errorf("%s does not decompress to the original (%d bytes, %v)", ext, len(got), err)
		}
		st, _ := os.Stat(path + ext)
		if st.Size() >= int64(len(src))/10 {
			t.Errorf("%s is %d bytes for %d repetitive bytes: not compressed", ext, st.Size(), len(src))
		}
	}
	if err := run(t.Context(), []string{filepath.Join(dir, "missing")}, io.Discard); err == nil {
		t.Error("missing file: got nil error")
	}
}
