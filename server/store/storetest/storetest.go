// Package storetest is the conformance suite of pos.Store: one set of tests
// that every database backend (SQLite now, PostgreSQL later) must pass, so
// that the domain gets the same behaviour from each. A backend's own test
// calls Run with a function that opens an empty store.
package storetest

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"qrpos/server/pos"
)

// Run runs the suite against the stores that open returns. open is called
// once or more per subtest; each call must return a new, empty, migrated
// store that shares nothing with the others (subtests run in parallel),
// and must register its cleanup with t.Cleanup.
func Run(t *testing.T, open func(t *testing.T) pos.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, open func(t *testing.T) pos.Store)
	}{
		{"Restaurants", testRestaurants},
		{"Staff", testStaff},
		{"Sessions", testSessions},
		{"Categories", testCategories},
		{"ModifierGroups", testModifierGroups},
		{"Items", testItems},
		{"Tables", testTables},
		{"NextOrderNumber", testNextOrderNumber},
		{"OrderRoundTrip", testOrderRoundTrip},
		{"CreateOrderConflicts", testCreateOrderConflicts},
		{"UpdateOrderLines", testUpdateOrderLines},
		{"UpdateOrderVersion", testUpdateOrderVersion},
		{"UpdateOrderState", testUpdateOrderState},
		{"UpdateOrderStatus", testUpdateOrderStatus},
		{"Tenders", testTenders},
		{"ListOrders", testListOrders},
		{"Idempotency", testIdempotency},
		{"Rollback", testRollback},
		{"ConcurrentUpdates", testConcurrentUpdates},
		{"IntentRoundTrip", testIntentRoundTrip},
		{"LiveIntents", testLiveIntents},
		{"UpdateIntent", testUpdateIntent},
		{"ListIntents", testListIntents},
		{"PayerTotalSince", testPayerTotalSince},
		{"Refunds", testRefunds},
		{"CashRefunds", testCashRefunds},
		{"Members", testMembers},
		{"Devices", testDevices},
		{"DeviceCounter", testDeviceCounter},
		{"Limits", testLimits},
		{"Ledger", testLedger},
		{"PaymentRollback", testPaymentRollback},
		{"Shares", testShares}, {"LiveShareIntents", testLiveShareIntents}, {"HasLiveIntents", testHasLiveIntents}, {"PayerByDevice", testPayerByDevice}, {"BillByID", testBillByID},
		{"PairingCodes", testPairingCodes}, {"Bridges", testBridges}, {"KitchenLines", testKitchenLines},
		{"TableSessions", testTableSessions}, {"Submissions", testSubmissions}, {"PendingLines", testPendingLines},
		{"CatalogEdits", testCatalogEdits}, {"Settings", testSettings}, {"MenuVersions", testMenuVersions}, {"Media", testMedia}, {"Audit", testAudit},
		{"DaySettings", testDaySettings}, {"Shifts", testShifts}, {"ZRecords", testZRecords}, {"DayAggregates", testDayAggregates}, {"Exports", testExports},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.fn(t, open)
		})
	}
}

// opts compares what a store returns with what was stored: a backend may
// return nil or an empty slice for an empty list.
func opts() cmp.Option { return cmpopts.EquateEmpty() }

// at is a time of the suite, minutes after a fixed start, in microseconds
// (what callers store) and UTC (what a store returns).
func at(minutes int) time.Time {
	return time.Date(2026, 3, 1, 11, 0, 0, 123456000, time.UTC).Add(time.Duration(minutes) * time.Minute)
}

// write runs fn in a Write transaction and fails the test on an error.
func write(t *testing.T, s pos.Store, fn func(ctx context.Context, tx pos.Tx) error) {
	t.Helper()
	if err := writeErr(t, s, fn); err != nil {
		t.Fatalf("write: %v", err)
	}
}

// writeErr runs fn in a Write transaction and returns its error.
func writeErr(t *testing.T, s pos.Store, fn func(ctx context.Context, tx pos.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return s.Write(ctx, func(tx pos.Tx) error { return fn(ctx, tx) })
}

// read runs fn in a Read transaction and fails the test on an error.
func read(t *testing.T, s pos.Store, fn func(ctx context.Context, tx pos.Tx) error) {
	t.Helper()
	if err := readErr(t, s, fn); err != nil {
		t.Fatalf("read: %v", err)
	}
}

func readErr(t *testing.T, s pos.Store, fn func(ctx context.Context, tx pos.Tx) error) error {
	t.Helper()
	ctx := t.Context()
	return s.Read(ctx, func(tx pos.Tx) error { return fn(ctx, tx) })
}

// checkErr fails the test unless err wraps want; a nil want means no error.
func checkErr(t *testing.T, what string, err, want error) {
	t.Helper()
	switch {
	case want == nil && err != nil:
		t.Errorf("%s: got error %v, want none", what, err)
	case want != nil && !errors.Is(err, want):
		t.Errorf("%s: got error %v, want %v", what, err, want)
	}
}

// errCase is a call that must fail with want (or succeed, for a nil want).
type errCase struct {
	name string
	fn   func(ctx context.Context, tx pos.Tx) error
	want error
}

// runErrCases runs each case as a subtest, in a Write transaction of its
// own, so a failing case rolls back and leaves the store as it was.
func runErrCases(t *testing.T, s pos.Store, tests []errCase) {
	t.Helper()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			checkErr(t, tt.name, writeErr(t, s, tt.fn), tt.want)
		})
	}
}

// Fixture ids. seed creates them.
const (
	store1 = "store-1"
	store2 = "store-2"
	alice  = "staff-alice" // cashier of store1
	bob    = "staff-bob"   // manager of store1
	carol  = "staff-carol" // cashier of store2
	table1 = "table-1"     // of store1
	table2 = "table-2"     // of store1
	table3 = "table-3"     // of store1
	table9 = "table-9"     // of store2
)

// seed creates two stores, their staff and tables.
func seed(t *testing.T, s pos.Store) {
	t.Helper()
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, r := range []pos.Restaurant{
			{ID: store1, Name: "Noodle House", Address: "1 Main St", Currency: "CNY", TaxInclusive: true, CreatedAt: at(0)},
			{ID: store2, Name: "Tea Room", Address: "2 Side St", Currency: "CNY", CreatedAt: at(0)},
		} {
			if err := tx.CreateRestaurant(ctx, r); err != nil {
				return err
			}
		}
		for _, st := range []pos.Staff{
			{ID: alice, StoreID: store1, Name: "Alice", Role: pos.RoleCashier, PINHash: "h1", Active: true, CreatedAt: at(0)},
			{ID: bob, StoreID: store1, Name: "Bob", Role: pos.RoleManager, PINHash: "h2", Active: true, CreatedAt: at(0)},
			{ID: carol, StoreID: store2, Name: "Carol", Role: pos.RoleCashier, PINHash: "h3", Active: true, CreatedAt: at(0)},
		} {
			if err := tx.CreateStaff(ctx, st); err != nil {
				return err
			}
		}
		for _, tb := range []pos.Table{
			{ID: table1, StoreID: store1, Name: "T1", Seats: 4, Position: 1},
			{ID: table2, StoreID: store1, Name: "T2", Seats: 2, Position: 2},
			{ID: table3, StoreID: store1, Name: "T3", Seats: 6, Position: 3},
			{ID: table9, StoreID: store2, Name: "T9", Seats: 4, Position: 1},
		} {
			if err := tx.CreateTable(ctx, tb); err != nil {
				return err
			}
		}
		return nil
	})
}

// openSeeded opens a store and seeds it.
func openSeeded(t *testing.T, open func(t *testing.T) pos.Store) pos.Store {
	t.Helper()
	s := open(t)
	seed(t, s)
	return s
}

func testRestaurants(t *testing.T, open func(t *testing.T) pos.Store) {
	s := open(t)
	shanghai := time.FixedZone("CST", 8*60*60)
	beta := pos.Restaurant{ID: "r-beta", Name: "Beta", Address: "B road", Currency: "CNY", TaxInclusive: true, CreatedAt: at(1).In(shanghai)}
	alpha := pos.Restaurant{ID: "r-alpha", Name: "Alpha", Address: "", Currency: "USD", CreatedAt: at(2)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateRestaurant(ctx, beta); err != nil {
			return err
		}
		return tx.CreateRestaurant(ctx, alpha)
	})

	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.RestaurantByID(ctx, beta.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(beta, got, opts()); diff != "" {
			t.Errorf("RestaurantByID(%q) mismatch (-want +got):\n%s", beta.ID, diff)
		}
		if loc := got.CreatedAt.Location(); loc != time.UTC {
			t.Errorf("RestaurantByID(%q).CreatedAt.Location(): got %v, want UTC", beta.ID, loc)
		}
		list, err := tx.ListRestaurants(ctx)
		if err != nil {
			return err
		}
		if diff := cmp.Diff([]pos.Restaurant{alpha, beta}, list, opts()); diff != "" {
			t.Errorf("ListRestaurants() mismatch, want ordered by name (-want +got):\n%s", diff)
		}
		return nil
	})

	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.RestaurantByID(ctx, "r-missing")
			return err
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateRestaurant(ctx, pos.Restaurant{ID: alpha.ID, Name: "Other", Currency: "CNY", CreatedAt: at(3)})
		}, pos.ErrConflict},
	})
}

func testStaff(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	locked := pos.Staff{ID: "staff-dave", StoreID: store1, Name: "Dave", Role: pos.RoleOwner, PINHash: "h4",
		FailedPINs: 5, LockedAt: new(at(7)), Active: true, CreatedAt: at(1)}
	inactive := pos.Staff{ID: "staff-aaron", StoreID: store1, Name: "Aaron", Role: pos.RoleCashier, PINHash: "h5",
		Active: false, CreatedAt: at(2)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		if err := tx.CreateStaff(ctx, locked); err != nil {
			return err
		}
		return tx.CreateStaff(ctx, inactive)
	})

	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.StaffByID(ctx, store1, locked.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(locked, got, opts()); diff != "" {
			t.Errorf("StaffByID(%q) mismatch (-want +got):\n%s", locked.ID, diff)
		}
		list, err := tx.ListStaff(ctx, store1)
		if err != nil {
			return err
		}
		var names []string
		for _, st := range list {
			names = append(names, st.Name)
		}
		if diff := cmp.Diff([]string{"Aaron", "Alice", "Bob", "Dave"}, names); diff != "" {
			t.Errorf("ListStaff(%q) names mismatch, want ordered by name and one store (-want +got):\n%s", store1, diff)
		}
		if diff := cmp.Diff(inactive, list[0], opts()); diff != "" {
			t.Errorf("ListStaff(%q)[0] mismatch (-want +got):\n%s", store1, diff)
		}
		return nil
	})

	// Every saved field changes, and LockedAt goes back to nil.
	updated := locked
	updated.Name, updated.Role, updated.PINHash = "David", pos.RoleManager, "h4-new"
	updated.FailedPINs, updated.LockedAt, updated.Active = 0, nil, false
	write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.UpdateStaff(ctx, updated) })
	read(t, s, func(ctx context.Context, tx pos.Tx) error {
		got, err := tx.StaffByID(ctx, store1, locked.ID)
		if err != nil {
			return err
		}
		if diff := cmp.Diff(updated, got, opts()); diff != "" {
			t.Errorf("StaffByID(%q) after UpdateStaff mismatch (-want +got):\n%s", locked.ID, diff)
		}
		return nil
	})

	runErrCases(t, s, []errCase{
		{"missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.StaffByID(ctx, store1, "staff-missing")
			return err
		}, pos.ErrNotFound},
		{"other store", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.StaffByID(ctx, store2, alice)
			return err
		}, pos.ErrNotFound},
		{"update missing", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateStaff(ctx, pos.Staff{ID: "staff-missing", StoreID: store1, Name: "X", Role: pos.RoleCashier})
		}, pos.ErrNotFound},
		{"update in other store", func(ctx context.Context, tx pos.Tx) error {
			return tx.UpdateStaff(ctx, pos.Staff{ID: alice, StoreID: store2, Name: "X", Role: pos.RoleCashier})
		}, pos.ErrNotFound},
		{"duplicate id", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateStaff(ctx, pos.Staff{ID: alice, StoreID: store1, Name: "Alice 2", Role: pos.RoleCashier, CreatedAt: at(3)})
		}, pos.ErrConflict},
	})

	t.Run("unknown role", func(t *testing.T) {
		err := writeErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateStaff(ctx, pos.Staff{ID: "staff-chef", StoreID: store1, Name: "Chef", Role: "chef", CreatedAt: at(3)})
		})
		if err == nil {
			t.Errorf("CreateStaff with role %q: got no error, want one", "chef")
		}
	})
}

func testSessions(t *testing.T, open func(t *testing.T) pos.Store) {
	s := openSeeded(t, open)
	a1 := pos.Session{TokenHash: []byte("hash-a1"), StaffID: alice, StoreID: store1, CreatedAt: at(1), LastSeenAt: at(1), ExpiresAt: at(600)}
	a2 := pos.Session{TokenHash: []byte("hash-a2"), StaffID: alice, StoreID: store1, CreatedAt: at(2), LastSeenAt: at(2), ExpiresAt: at(600)}
	b1 := pos.Session{TokenHash: []byte("hash-b1"), StaffID: bob, StoreID: store1, CreatedAt: at(3), LastSeenAt: at(3), ExpiresAt: at(600)}
	write(t, s, func(ctx context.Context, tx pos.Tx) error {
		for _, se := range []pos.Session{a1, a2, b1} {
			if err := tx.CreateSession(ctx, se); err != nil {
				return err
			}
		}
		return nil
	})

	get := func(t *testing.T, hash []byte) (pos.Session, error) {
		t.Helper()
		var got pos.Session
		err := readErr(t, s, func(ctx context.Context, tx pos.Tx) error {
			var err error
			got, err = tx.SessionByTokenHash(ctx, hash)
			return err
		})
		return got, err
	}

	t.Run("get", func(t *testing.T) {
		got, err := get(t, a1.TokenHash)
		if err != nil {
			t.Fatalf("SessionByTokenHash: %v", err)
		}
		if diff := cmp.Diff(a1, got, opts()); diff != "" {
			t.Errorf("SessionByTokenHash mismatch (-want +got):\n%s", diff)
		}
	})
	t.Run("touch", func(t *testing.T) {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.TouchSession(ctx, a2.TokenHash, at(30)) })
		got, err := get(t, a2.TokenHash)
		if err != nil {
			t.Fatalf("SessionByTokenHash: %v", err)
		}
		want := a2
		want.LastSeenAt = at(30)
		if diff := cmp.Diff(want, got, opts()); diff != "" {
			t.Errorf("SessionByTokenHash after TouchSession mismatch (-want +got):\n%s", diff)
		}
	})

	runErrCases(t, s, []errCase{
		{"get missing", func(ctx context.Context, tx pos.Tx) error {
			_, err := tx.SessionByTokenHash(ctx, []byte("hash-missing"))
			return err
		}, pos.ErrNotFound},
		{"touch missing", func(ctx context.Context, tx pos.Tx) error {
			return tx.TouchSession(ctx, []byte("hash-missing"), at(5))
		}, pos.ErrNotFound},
		{"duplicate hash", func(ctx context.Context, tx pos.Tx) error {
			return tx.CreateSession(ctx, pos.Session{TokenHash: []byte("hash-a1"), StaffID: bob, StoreID: store1,
				CreatedAt: at(4), LastSeenAt: at(4), ExpiresAt: at(600)})
		}, pos.ErrConflict},
		{"delete missing is not an error", func(ctx context.Context, tx pos.Tx) error {
			return tx.DeleteSession(ctx, []byte("hash-missing"))
		}, nil},
		{"delete sessions of staff without any", func(ctx context.Context, tx pos.Tx) error {
			return tx.DeleteSessionsOf(ctx, store2, carol)
		}, nil},
	})

	t.Run("delete", func(t *testing.T) {
		write(t, s, func(ctx context.Context, tx pos.Tx) error { return tx.DeleteSession(ctx, b1.TokenHash) })
		_, err := get(t, b1.TokenHash)
		checkErr(t, "SessionByTokenHash after DeleteSession", err, pos.ErrNotFound)
	})
	t.Run("delete all of one staff", func(t *testing.T) {
		c1 := pos.Session{TokenHash: []byte("hash-c1"), StaffID: carol, StoreID: store2, CreatedAt: at(1), LastSeenAt: at(1), ExpiresAt: at(600)}
		write(t, s, func(ctx context.Context, tx pos.Tx) error {
			if err := tx.CreateSession(ctx, c1); err != nil {
				return err
			}
			// Alice's id in another store ends nothing.
			if err := tx.DeleteSessionsOf(ctx, store2, alice); err != nil {
				return err
			}
			if _, err := tx.SessionByTokenHash(ctx, a1.TokenHash); err != nil {
				t.Errorf("SessionByTokenHash after DeleteSessionsOf(%q, %q): got %v, want the session", store2, alice, err)
			}
			return tx.DeleteSessionsOf(ctx, store1, alice)
		})
		for _, h := range [][]byte{a1.TokenHash, a2.TokenHash} {
			_, err := get(t, h)
			checkErr(t, "SessionByTokenHash("+string(h)+") after DeleteSessionsOf", err, pos.ErrNotFound)
		}
		got, err := get(t, c1.TokenHash)
		if err != nil {
			t.Fatalf("SessionByTokenHash of another staff after DeleteSessionsOf: %v", err)
		}
		if diff := cmp.Diff(c1, got, opts()); diff != "" {
			t.Errorf("SessionByTokenHash of another staff mismatch (-want +got):\n%s", diff)
		}
	})
}
