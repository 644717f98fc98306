package token

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
)

// Table links are printed on the QR sticker of a table: a diner's phone
// opens /t/<link> and orders for that table. A link names the store, the
// table and the table's link generation, and carries a 128-bit HMAC tag
// under the server's key, so an altered link (another table, another
// store) is refused rather than opening someone else's order. Revoking a
// sticker bumps the table's generation: links of older generations still
// verify here but the caller refuses them against the stored generation.
//
//	link = base64url(store "\x00" table "\x00" gen) "." base64url(first 16
//	       bytes of HMAC-SHA256(key, "qrpos table link\x00" payload))

var tableContext = []byte("qrpos table link\x00")

// ErrBadTableLink is returned for a table link that is not genuine.
var ErrBadTableLink = errors.New("token: not a table link")

// maxTableLink bounds what CheckTableLink reads: a real link is well under
// 200 characters.
const maxTableLink = 512

// TableLink returns the signed link of one table at link generation gen
// (gen >= 1).
func TableLink(key []byte, storeID, tableID string, gen int) string {
	payload := storeID + "\x00" + tableID + "\x00" + strconv.Itoa(gen)
	enc := base64.RawURLEncoding
	return enc.EncodeToString([]byte(payload)) + "." + enc.EncodeToString(tableTag(key, payload))
}

// CheckTableLink verifies a link and returns the store, table and link
// generation it names.
func CheckTableLink(key []byte, link string) (storeID, tableID string, gen int, err error) {
	if len(link) > maxTableLink {
		return "", "", 0, ErrBadTableLink
	}
	p64, t64, ok := strings.Cut(link, ".")
	if !ok {
		return "", "", 0, ErrBadTableLink
	}
	enc := base64.RawURLEncoding.Strict()
	payload, err1 := enc.DecodeString(p64)
	tag, err2 := enc.DecodeString(t64)
	if err1 != nil || err2 != nil || !hmac.Equal(tag, tableTag(key, string(payload))) {
		return "", "", 0, ErrBadTableLink
	}
	parts := strings.Split(string(payload), "\x00")
	if len(parts) != 3 || parts[0] == "" || parts[1] == "" {
		return "", "", 0, ErrBadTableLink
	}
	gen, err = strconv.Atoi(parts[2])
	if err != nil || gen < 1 || strconv.Itoa(gen) != parts[2] {
		return "", "", 0, ErrBadTableLink
	}
	return parts[0], parts[1], gen, nil
}

func tableTag(key []byte, payload string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(tableContext)
	m.Write([]byte(payload))
	return m.Sum(nil)[:16]
}
