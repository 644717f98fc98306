package pos

import "testing"

// TestIntentTransitions checks every pair of statuses against the state
// machine written out independently here, so that a change to one is a
// visible change to the other.
func TestIntentTransitions(t *testing.T) {
	const (
		C  = IntentCreated
		P  = IntentPending
		S  = IntentSucceeded
		F  = IntentFailed
		X  = IntentCancelled
		E  = IntentExpired
		R  = IntentReversed
		PR = IntentPartiallyRefunded
		RF = IntentRefunded
	)
	allowed := map[[2]IntentStatus]bool{
		{C, P}: true, {C, S}: true, {C, F}: true, {C, X}: true, {C, E}: true,
		{P, S}: true, {P, F}: true, {P, X}: true, {P, E}: true, {P, R}: true,
		{S, PR}: true, {S, RF}: true, {S, R}: true,
		{PR, PR}: true, {PR, RF}: true,
	}
	if len(IntentStatuses) != 9 {
		t.Fatalf("IntentStatuses has %d statuses, want 9", len(IntentStatuses))
	}
	for _, from := range IntentStatuses {
		for _, to := range IntentStatuses {
			want := allowed[[2]IntentStatus{from, to}]
			if got := from.CanMoveTo(to); got != want {
				t.Errorf("%s -> %s allowed = %v, want %v", from, to, got, want)
			}
		}
		if got := from.CanMoveTo("bogus"); got {
			t.Errorf("%s -> bogus allowed", from)
		}
	}
	// Final statuses have no way out, and money is never both live and
	// captured.
	for _, s := range []IntentStatus{F, X, E, R, RF} {
		if len(intentTransitions[s]) != 0 {
			t.Errorf("%s is final but has transitions %v", s, intentTransitions[s])
		}
	}
	for _, s := range IntentStatuses {
		if s.Live() && s.Captured() {
			t.Errorf("%s is both live and captured", s)
		}
	}
}
