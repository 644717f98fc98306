package token

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// GenerateKey returns a new random signing key of MinKeyLen bytes.
func GenerateKey() []byte {
	k := make([]byte, MinKeyLen)
	rand.Read(k) // never returns an error (crypto/rand, Go 1.24+)
	return k
}

// LoadOrCreateKey returns the signing key stored at path, creating it with
// a new random key at first run. The file holds the raw key bytes and is
// created with permission 0600 (its directory, if missing, with 0700); it
// belongs in the server's data directory, never in the repository. A
// file shorter than MinKeyLen, e.g. left by a crash during the first run,
// is an error for a person to look at rather than a key to overwrite:
// tokens signed with it may still be in flight.
func LoadOrCreateKey(path string) ([]byte, error) {
	k, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		k, err = createKey(path)
	} else if err != nil {
		err = fmt.Errorf("token: read key: %w", err)
	}
	if err != nil {
		return nil, err
	}
	if len(k) < MinKeyLen {
		return nil, fmt.Errorf("%w: %s holds %d bytes", ErrShortKey, path, len(k))
	}
	return k, nil
}

// createKey writes a new key to path, unless another process got there
// first, in which case it reads theirs.
func createKey(path string) ([]byte, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("token: create key directory: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		k, err := os.ReadFile(path)
		if err != nil {
			return nil, fmt.Errorf("token: read key: %w", err)
		}
		return k, nil
	}
	if err != nil {
		return nil, fmt.Errorf("token: create key: %w", err)
	}
	k := GenerateKey()
	_, err = f.Write(k)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path) // a half-written key must not be read next time
		return nil, fmt.Errorf("token: write key: %w", err)
	}
	return k, nil
}
