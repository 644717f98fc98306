package token

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

func TestGenerateKey(t *testing.T) {
	a, b := GenerateKey(), GenerateKey()
	if len(a) != MinKeyLen || bytes.Equal(a, b) {
		t.Errorf("GenerateKey() = %x, %x; want two different %d-byte keys", a, b, MinKeyLen)
	}
}

func TestLoadOrCreateKey(t *testing.T) {
	path := filepath.Join(t.TempDir(), "data", "payment.key")
	k1, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("first LoadOrCreateKey() error = %v", err)
	}
	if len(k1) != MinKeyLen {
		t.Errorf("key length: got %d, want %d", len(k1), MinKeyLen)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if runtime.GOOS != "windows" {
		if got := fi.Mode().Perm(); got != 0o600 {
			t.Errorf("key file mode: got %v, want 0600", got)
		}
		di, _ := os.Stat(filepath.Dir(path))
		if got := di.Mode().Perm(); got != 0o700 {
			t.Errorf("key directory mode: got %v, want 0700", got)
		}
	}
	k2, err := LoadOrCreateKey(path)
	if err != nil {
		t.Fatalf("second LoadOrCreateKey() error = %v", err)
	}
	if !bytes.Equal(k1, k2) {
		t.Errorf("second LoadOrCreateKey() = %x, want the first key %x", k2, k1)
	}
	// The key works in a signer.
	if _, err := NewSigner(SignerConfig{Keys: [][]byte{k2}, Now: (&clock{issuedAt}).Now}); err != nil {
		t.Errorf("NewSigner(loaded key) error = %v", err)
	}
}

func TestLoadOrCreateKeyKeepsExisting(t *testing.T) {
	dir := t.TempDir()
	long := filepath.Join(dir, "long.key")
	want := bytes.Repeat([]byte{7}, 64)
	if err := os.WriteFile(long, want, 0o600); err != nil {
		t.Fatal(err)
	}
	if got, err := LoadOrCreateKey(long); err != nil || !bytes.Equal(got, want) {
		t.Errorf("LoadOrCreateKey(existing) = %x, %v; want %x, nil", got, err, want)
	}

	short := filepath.Join(dir, "short.key")
	if err := os.WriteFile(short, []byte("too short"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := LoadOrCreateKey(short); !errors.Is(err, ErrShortKey) {
		t.Errorf("LoadOrCreateKey(short) error = %v, want ErrShortKey", err)
	}
	if b, _ := os.ReadFile(short); string(b) != "too short" {
		t.Errorf("a short key file was overwritten with %x", b)
	}

	if _, err := LoadOrCreateKey(dir); err == nil {
		t.Errorf("LoadOrCreateKey(a directory) error = nil, want an error")
	}
	notDir := filepath.Join(long, "payment.key") // parent is a file
	if _, err := LoadOrCreateKey(notDir); err == nil {
		t.Errorf("LoadOrCreateKey(under a file) error = nil, want an error")
	}
}
