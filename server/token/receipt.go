package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strings"
)

// Receipt links are printed on receipts as a QR code, so a diner can open
// the e-receipt of their order without logging in. A link names the store
// and the order and carries a 128-bit HMAC tag under the server's key, so
// knowing (or guessing) an order id is not enough to read someone's bill.
//
//	ref = base64url(store "\x00" order) "." base64url(first 16 bytes of
//	      HMAC-SHA256(key, "qrpos receipt link\x00" store "\x00" order))

var receiptContext = []byte("qrpos receipt link\x00")

// ErrBadReceipt is returned for a receipt reference that is not genuine.
var ErrBadReceipt = errors.New("token: not a receipt link")

// ReceiptRef returns the signed reference of one order's e-receipt.
func ReceiptRef(key []byte, storeID, orderID string) string {
	payload := storeID + "\x00" + orderID
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(receiptTag(key, payload))
}

// CheckReceiptRef verifies a reference and returns the store and order it
// names.
func CheckReceiptRef(key []byte, ref string) (storeID, orderID string, err error) {
	if len(ref) > 512 {
		return "", "", ErrBadReceipt
	}
	p64, t64, ok := strings.Cut(ref, ".")
	if !ok {
		return "", "", ErrBadReceipt
	}
	enc := base64.RawURLEncoding.Strict()
	payload, err1 := enc.DecodeString(p64)
	tag, err2 := enc.DecodeString(t64)
	if err1 != nil || err2 != nil || !hmac.Equal(tag, receiptTag(key, string(payload))) {
		return "", "", ErrBadReceipt
	}
	storeID, orderID, ok = strings.Cut(string(payload), "\x00")
	if !ok || storeID == "" || orderID == "" {
		return "", "", ErrBadReceipt
	}
	return storeID, orderID, nil
}

func receiptTag(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(receiptContext)
	m.Write([]byte(payload))
	return m.Sum(nil)[:16]
}
