package client

import (
	"encoding/json"
	"errors"
	"testing"

	"qrpos/internal/wire"
)

// TestStickerCallsKeepTheirKey: a revoke or a sticker print retried after
// network failures goes under the caller's key each time, and nothing is
// left in the outbox to be sent later on its own (a revoke sent later would
// retire a sticker just printed).
func TestStickerCallsKeepTheirKey(t *testing.T) {
	link := wire.TableLink{TableID: "t5", Gen: 2, Link: "new.link"}
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr, answer(200, link)}}
	c := newTestClient(s)
	got, err := c.RevokeTableLink(t.Context(), "key-1", "t5")
	if err != nil || got != link {
		t.Fatalf("RevokeTableLink = %+v, %v; want %+v", got, err, link)
	}
	for i, r := range s.sent {
		if r.Key != "key-1" || r.Method != "POST" || r.Path != "/api/tables/t5/revoke-link" || s.pendingAtSend[i] != 0 {
			t.Errorf("send %d: %s %s key %q, %d in outbox; want POST /api/tables/t5/revoke-link under key-1, nothing stored", i, r.Method, r.Path, r.Key, s.pendingAtSend[i])
		}
	}

	res := wire.PrintStickerResult{BridgeID: "br1", Jobs: []wire.JobStatus{{ID: "sticker-t5-x", State: wire.JobQueued}}}
	s = &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(200, res)}}
	c = newTestClient(s)
	if got, err := c.PrintStickers(t.Context(), "key-2", "", "br1"); err != nil || got.BridgeID != "br1" {
		t.Fatalf("PrintStickers = %+v, %v", got, err)
	}
	var body wire.PrintStickerRequest
	if r := s.sent[0]; r.Path != "/api/tables/print-stickers" || r.Key != "key-2" || json.Unmarshal(r.Body, &body) != nil || body.BridgeID != "br1" {
		t.Errorf("print all sent %s key %q body %s", r.Path, r.Key, r.Body)
	}

	s = &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){netErr}}
	c = newTestClient(s)
	if _, err := c.PrintStickers(t.Context(), "key-3", "t 5", ""); !errors.Is(err, ErrNetwork) {
		t.Errorf("offline print: %v, want ErrNetwork", err)
	}
	if s.sent[0].Path != "/api/tables/t%205/print-sticker" {
		t.Errorf("path %q, want the table id escaped", s.sent[0].Path)
	}
	if list, _ := c.Outbox().List(); len(list) != 0 {
		t.Errorf("outbox holds %+v after a failed print, want nothing", list)
	}
	if got := StickerSheetPath("t 5"); got != "/api/tables/stickers.pdf?table=t+5" {
		t.Errorf("StickerSheetPath = %q", got)
	}
}
