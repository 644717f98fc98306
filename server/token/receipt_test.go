package token

import (
	"errors"
	"testing"
)

func TestReceiptRef(t *testing.T) {
	key, other := GenerateKey(), GenerateKey()
	ref := ReceiptRef(key, "demo", "o-123")
	s, o, err := CheckReceiptRef(key, ref)
	if err != nil || s != "demo" || o != "o-123" {
		t.Fatalf("CheckReceiptRef = %q, %q, %v; want demo, o-123", s, o, err)
	}
	forged := ReceiptRef(other, "demo", "o-124")
	for _, bad := range []string{"", ".", ref + "A", ref[:len(ref)-2], forged, ReceiptRef(key, "demo", "o-123")[:10], "ZGVtbwBvLTEyMw.AAAAAAAAAAAAAAAAAAAAAA"} {
		if _, _, err := CheckReceiptRef(key, bad); !errors.Is(err, ErrBadReceipt) {
			t.Errorf("CheckReceiptRef(%q) = %v, want ErrBadReceipt", bad, err)
		}
	}
}

func FuzzCheckReceiptRef(f *testing.F) {
	key := GenerateKey()
	good := ReceiptRef(key, "demo", "o1")
	f.Add(good)
	f.Add("a.b")
	f.Fuzz(func(t *testing.T, ref string) {
		if _, _, err := CheckReceiptRef(key, ref); err == nil && ref != good {
			t.Fatalf("accepted a reference that was not issued: %q", ref)
		}
	})
}
