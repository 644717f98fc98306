package client

import (
	"strings"
	"testing"

	"qrpos/internal/wire"
)

// TestBackofficeCalls: edits go to their endpoints with a key; those that
// carry a PIN never reach the outbox (storage), the others wait there
// until answered.
func TestBackofficeCalls(t *testing.T) {
	pin := "4321"
	for _, tt := range []struct {
		name         string
		call         func(c *Client) error
		method, path string
		stored       bool // in the outbox while sent
	}{
		{"add staff", func(c *Client) error {
			_, err := c.AddStaff(t.Context(), wire.AddStaffRequest{ID: "z", Name: "Zoe", Role: "cashier", PIN: pin})
			return err
		}, "POST", "/api/staff", false},
		{"reset PIN", func(c *Client) error {
			_, err := c.ChangeStaff(t.Context(), "z", wire.ChangeStaffRequest{PIN: &pin})
			return err
		}, "PATCH", "/api/staff/z", false},
		{"item", func(c *Client) error {
			_, err := c.SaveItem(t.Context(), wire.ItemRequest{ID: "tea", Name: "Tea"}, false)
			return err
		}, "PUT", "/api/menu/items/tea", true},
		{"new item", func(c *Client) error {
			_, err := c.SaveItem(t.Context(), wire.ItemRequest{ID: "tea", Name: "Tea"}, true)
			return err
		}, "POST", "/api/menu/items", true},
		{"sold out", func(c *Client) error {
			_, err := c.SetSoldOut(t.Context(), "tea", true)
			return err
		}, "POST", "/api/menu/items/tea/sold-out", true},
		{"reorder", func(c *Client) error { return c.Reorder(t.Context(), "tables", []string{"t2", "t1"}) }, "POST", "/api/tables/order", true},
		{"settings", func(c *Client) error {
			_, err := c.SaveSettings(t.Context(), wire.Settings{Name: "L", Currency: "CNY"})
			return err
		}, "PUT", "/api/settings", true},
		{"drawer", func(c *Client) error {
			_, err := c.OpenDrawer(t.Context(), "key-1", wire.OpenDrawerRequest{BridgeID: "b", Reason: "change"})
			return err
		}, "POST", "/api/drawer/open", false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(200, map[string]any{})}}
			c := newTestClient(s)
			if err := tt.call(c); err != nil {
				t.Fatalf("call: %v", err)
			}
			if len(s.sent) != 1 {
				t.Fatalf("sent %d requests, want 1", len(s.sent))
			}
			r := s.sent[0]
			if r.Method != tt.method || r.Path != tt.path || r.Key == "" || !r.Mutation {
				t.Errorf("sent %s %s key %q mutation %t, want %s %s with a key", r.Method, r.Path, r.Key, r.Mutation, tt.method, tt.path)
			}
			if got := s.pendingAtSend[0] == 1; got != tt.stored {
				t.Errorf("in the outbox while sent: %t, want %t", got, tt.stored)
			}
			if strings.Contains(s.store.m[OutboxKey], pin) {
				t.Errorf("the PIN reached storage")
			}
		})
	}
	if err := newTestClient(&script{store: &MemoryStorage{}}).Reorder(t.Context(), "staff", nil); err == nil {
		t.Errorf("Reorder(staff): got no error, want one")
	}
	// The audit query is encoded in the address.
	s := &script{store: &MemoryStorage{}, outcomes: []func(Request) (Response, error){answer(200, wire.AuditLog{})}}
	if _, err := newTestClient(s).Audit(t.Context(), AuditQuery{Action: "drawer.open", From: "2026-11-01"}); err != nil {
		t.Fatal(err)
	}
	if p := s.sent[0].Path; p != "/api/audit?action=drawer.open&from=2026-11-01" {
		t.Errorf("audit path %q", p)
	}
}
