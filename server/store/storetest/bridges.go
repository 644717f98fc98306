package storetest

import (
	"context"
	"testing"

	"github.com/google/go-cmp/cmp"

	"qrpos/server/pos"
)

func hashOf(s string) []byte { return []byte("hash-" + s) }

func newBridge(id, store string, created int) pos.Bridge {
	return pos.Bridge{ID: id, StoreID: store, Name: "Counter " + id, CredentialHash: hashOf("cred-" + id), CreatedAt: at(created)}
}

func testPairingCodes(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	code := pos.PairingCode{CodeHash: hashOf("c1"), StoreID: store1, CreatedBy: bob, CreatedAt: at(0), ExpiresAt: at(10)}
	old := pos.PairingCode{CodeHash: hashOf("c0"), StoreID: store1, CreatedBy: bob, CreatedAt: at(-30), ExpiresAt: at(-20)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreatePairingCode(ctx, code); err != nil {
			return err
		}
		if err := tx.CreatePairingCode(ctx, old); err != nil {
			return err
		}
		return tx.CreateBridge(ctx, newBridge("b1", store1, 1))
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.PairingCodeByHash(ctx, code.CodeHash)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(code, got); diff != "" {
			t.Errorf("PairingCodeByHash (-want +got):\n%s", diff)
		}
		return nil
	})
	runErrCases(t, s, []errCase{
		{"duplicate code", func(ctx context.Context, tx pos.Tx) error { return tx.CreatePairingCode(ctx, code) }, pos.ErrConflict},
		{"unknown code", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.PairingCodeByHash(ctx, hashOf("nope"))
			return err
		}, pos.ErrNotFound},
		{"use unknown code", func(ctx context.Context, tx pos.Tx) error {
			return tx.UsePairingCode(ctx, hashOf("nope"), "b1", at(2))
		}, pos.ErrNotFound},
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UsePairingCode(ctx, code.CodeHash, "b1", at(2)) })
	runErrCases(t, s, []errCase{
		{"use twice", func(ctx context.Context, tx pos.Tx) error { return tx.UsePairingCode(ctx, code.CodeHash, "b1", at(3)) }, pos.ErrNotFound},
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.PairingCodeByHash(ctx, code.CodeHash)
		if err != nil {
			return err
		}
		if got.UsedAt == nil || !got.UsedAt.Equal(at(2)) || got.BridgeID != "b1" {
			t.Errorf("used code: got used_at %v bridge %q, want %v and b1", got.UsedAt, got.BridgeID, at(2))
		}
		return nil
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.DeletePairingCodesBefore(ctx, at(0)) })
	runErrCases(t, s, []errCase{
		{"old code deleted", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.PairingCodeByHash(ctx, old.CodeHash)
			return err
		}, pos.ErrNotFound},
		{"current code kept", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.PairingCodeByHash(ctx, code.CodeHash)
			return err
		}, nil},
	})
}

func testBridges(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	b1, b2, b9 := newBridge("b1", store1, 1), newBridge("b2", store1, 2), newBridge("b9", store2, 0)
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, b := range []pos.Bridge{b2, b9, b1} {
			if err := tx.CreateBridge(ctx, b); err != nil {
				return err
			}
		}
		return nil
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.ListBridges(ctx, store1)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.Bridge{b1, b2}, got, opts()); diff != "" {
			t.Errorf("ListBridges (-want +got):\n%s", diff)
		}
		byCred, err := tx.BridgeByCredentialHash(ctx, b9.CredentialHash)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(b9, byCred); diff != "" {
			t.Errorf("BridgeByCredentialHash (-want +got):\n%s", diff)
		}
		return nil
	})
	dupCred := newBridge("b3", store1, 3)
	dupCred.CredentialHash = b1.CredentialHash
	runErrCases(t, s, []errCase{
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error { return tx.CreateBridge(ctx, b1) }, pos.ErrConflict},
		{"duplicate credential", func(ctx context.Context, tx pos.Tx) error { return tx.CreateBridge(ctx, dupCred) }, pos.ErrConflict},
		{"another store's bridge", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BridgeByID(ctx, store1, b9.ID)
			return err
		}, pos.ErrNotFound},
		{"unknown credential", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.BridgeByCredentialHash(ctx, hashOf("nope"))
			return err
		}, pos.ErrNotFound},
		{"revoke another store's bridge", func(ctx context.Context, tx pos.Tx) error { return tx.RevokeBridge(ctx, store2, b1.ID, at(5)) }, pos.ErrNotFound},
	})
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.RevokeBridge(ctx, store1, b1.ID, at(5)) })
	runErrCases(t, s, []errCase{
		{"revoke twice", func(ctx context.Context, tx pos.Tx) error { return tx.RevokeBridge(ctx, store1, b1.ID, at(6)) }, pos.ErrNotFound},
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.BridgeByID(ctx, store1, b1.ID)
		if err != nil {
			return err
		}
		want := b1
		want.RevokedAt = new(at(5))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("revoked bridge (-want +got):\n%s", diff)
		}
		return nil
	})
}

func testKitchenLines(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	createOrders(t, s, newOrder("o1", 1, "", pos.StatusOpen, 0), newOrder("o2", 2, "", pos.StatusOpen, 0))
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.MarkKitchenLinesPrinted(ctx, store1, "o1", []string{"l1", "l2"}, at(1)); err != nil {
			return err
		}
		// Marking again is not an error and changes nothing.
		return tx.MarkKitchenLinesPrinted(ctx, store1, "o1", []string{"l2", "l3"}, at(2))
	})
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, tt := range []struct {
			order string
			want  []string
		}{{"o1", []string{"l1", "l2", "l3"}}, {"o2", nil}} {
			got, err := tx.KitchenLinesPrinted(ctx, store1, tt.order)
			if err != nil {
				return err
			}
			if diff := cmp.Diff(tt.want, got, opts()); diff != "" {
				t.Errorf("KitchenLinesPrinted(%s) (-want +got):\n%s", tt.order, diff)
			}
		}
		return nil
	})
}
