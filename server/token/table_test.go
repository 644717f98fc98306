package token

import (
	"encoding/base64"
	"errors"
	"strings"
	"testing"
)

func TestTableLink(t *testing.T) {
	key, other := GenerateKey(), GenerateKey()
	link := TableLink(key, "demo", "t5", 3)
	s, tb, gen, err := CheckTableLink(key, link)
	if err != nil || s != "demo" || tb != "t5" || gen != 3 {
		t.Fatalf("CheckTableLink = %q, %q, %d, %v; want demo, t5, 3", s, tb, gen, err)
	}
	p64, tag, _ := strings.Cut(link, ".")
	swapped := base64.RawURLEncoding.EncodeToString([]byte("demo\x00t6\x003")) + "." + tag
	tests := []struct {
		name, link string
	}{
		{"empty", ""},
		{"dot only", "."},
		{"no tag", p64},
		{"extra tag byte", link + "A"},
		{"short tag", link[:len(link)-2]},
		{"other key", TableLink(other, "demo", "t5", 3)},
		{"other table, same tag", swapped},
		{"zero tag", p64 + ".AAAAAAAAAAAAAAAAAAAAAA"},
		{"too long", strings.Repeat("A", maxTableLink+1)},
	}
	for _, tt := range tests {
		if _, _, _, err := CheckTableLink(key, tt.link); !errors.Is(err, ErrBadTableLink) {
			t.Errorf("%s: CheckTableLink(%q) = %v, want ErrBadTableLink", tt.name, tt.link, err)
		}
	}
	// Well-signed payloads that do not name a store, a table and a
	// canonical generation are refused too.
	for _, payload := range []string{"demo\x00t5", "\x00t5\x001", "demo\x00\x001", "demo\x00t5\x000", "demo\x00t5\x00-1", "demo\x00t5\x0001", "demo\x00t5\x001\x00x"} {
		l := base64.RawURLEncoding.EncodeToString([]byte(payload)) + "." + base64.RawURLEncoding.EncodeToString(tableTag(key, payload))
		if _, _, _, err := CheckTableLink(key, l); !errors.Is(err, ErrBadTableLink) {
			t.Errorf("payload %q: err = %v, want ErrBadTableLink", payload, err)
		}
	}
	// A receipt reference is not a table link, even under the same key.
	if _, _, _, err := CheckTableLink(key, ReceiptRef(key, "demo", "t5")); !errors.Is(err, ErrBadTableLink) {
		t.Errorf("receipt ref accepted as a table link: %v", err)
	}
}

func FuzzCheckTableLink(f *testing.F) {
	key := GenerateKey()
	good := TableLink(key, "demo", "t1", 1)
	f.Add(good)
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, link string) {
		if _, _, _, err := CheckTableLink(key, link); err == nil && link != good {
			t.Fatalf("accepted a link that was not issued: %q", link)
		}
	})
}
