package storetest

import (
	"context"
	"testing"

	"qrpos/server/pos"
)

// testHasLiveIntents checks the narrow question a payment asks first: does
// the order have a live (created or pending) intent, its own or a share's?
func testHasLiveIntents(t *testing.T, open func(t *testing.T) pos.Store) {
	type liveCase struct {
		name  string
		in    *pos.Intent // stored before asking about o1 of store1
		share bool        // in pays a share of its order
		want  bool
	}
	var tests []liveCase
	tests = append(tests, liveCase{name: "no intent", want: false})
	for _, st := range pos.IntentStatuses {
		in := newIntent("pi-1", "o1", 1)
		in.Status = st
		tests = append(tests, liveCase{name: string(st), in: &in, want: st.Live()},
			liveCase{name: "share " + string(st), in: &in, share: true, want: st.Live()})
	}
	other := newIntent("pi-1", "o2", 1)
	other.Status = pos.IntentPending
	tests = append(tests, liveCase{name: "another order", in: &other, want: false})
	elsewhere := newIntent("pi-1", "o9", 1)
	elsewhere.StoreID, elsewhere.CreatedBy, elsewhere.Status = store2, carol, pos.IntentPending
	tests = append(tests, liveCase{name: "another store", in: &elsewhere, want: false})

	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := seedPayments(t, open)
			if tt.in != nil {
				in := *tt.in
				if tt.share {
					write(t, s, func(ctx context.Context, tx pos.Tx) error {
						return tx.CreateShare(ctx, newShare("sh-1", in.OrderID, 1, 1))
					})
					in.ShareID = "sh-1"
				}
				createIntents(t, s, in)
			}
			for _, store := range []string{store1, store2} {
				want := tt.want && store == store1
				var got bool
				read(t, s, func(ctx context.Context, tx pos.Tx) error {
					var err error
					got, err = tx.HasLiveIntents(ctx, store, "o1")
					return err
				})
				if got != want {
					t.Errorf("HasLiveIntents(%s, o1): got %v, want %v", store, got, want)
				}
			}
		})
	}

	t.Run("freed by an update", func(t *testing.T) {
		s := seedPayments(t, open)
		in := newIntent("pi-1", "o1", 1)
		createIntents(t, s, in)
		in.Status, in.Version, in.UpdatedAt = pos.IntentSucceeded, 2, at(2)
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateIntent(ctx, in) })
		read(t, s, func(ctx context.Context, tx pos.Tx) error {
			got, err := tx.HasLiveIntents(ctx, store1, "o1")
			if err == nil && got {
				t.Errorf("HasLiveIntents after the intent succeeded: got true, want false")
			}
			return err
		})
	})
}
