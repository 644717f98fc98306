package token

import (
	"bytes"
	"testing"
)

func TestNewSession(t *testing.T) {
	seen := map[string]bool{}
	for range 100 {
		tok, hash := NewSession()
		if seen[tok] {
			t.Fatalf("token %q issued twice", tok)
		}
		seen[tok] = true
		if err := CheckSessionForm(tok); err != nil {
			t.Fatalf("CheckSessionForm(%q) = %v, want nil", tok, err)
		}
		if !bytes.Equal(HashSession(tok), hash) {
			t.Fatalf("HashSession(%q) differs from the hash NewSession returned", tok)
		}
	}
}

func TestCheckSessionForm(t *testing.T) {
	tok, _ := NewSession()
	for _, bad := range []string{"", "abc", tok + "A", tok[:len(tok)-1] + "=", "!" + tok[1:]} {
		if err := CheckSessionForm(bad); err == nil {
			t.Errorf("CheckSessionForm(%q) = nil, want ErrMalformed", bad)
		}
	}
}

func FuzzCheckSessionForm(f *testing.F) {
	tok, _ := NewSession()
	f.Add(tok)
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		if CheckSessionForm(s) == nil && len(HashSession(s)) != 32 {
			t.Fatal("accepted token has a bad hash")
		}
	})
}
