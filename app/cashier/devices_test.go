package cashier

import (
	"strings"
	"testing"
	"time"

	"qrpos/app/client"
	"qrpos/internal/wire"
)

func TestDevicesPage(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	up := wire.BridgeInfo{ID: "br1", Name: "Counter PC", Connected: true, Version: "1.2",
		Status: &wire.DeviceStatus{PrinterOnline: true, PaperOut: true, JobsWaiting: 2, ScannerConnected: true}}
	down := wire.BridgeInfo{ID: "br2", Name: "Bar"}
	manager := wire.Session{Staff: wire.StaffInfo{Name: "Li Na", Role: wire.RoleManager}}
	cashier := wire.Session{Staff: wire.StaffInfo{Name: "Wang Wei", Role: wire.RoleCashier}}
	tests := []struct {
		name string
		set  func(p *DevicesPage)
		want []string
		not  []string
	}{
		{"none paired, manager", func(p *DevicesPage) { p.sess = manager },
			[]string{"devices-empty", "pair-new"}, []string{"bridge-card", "devices-manager-hint"}},
		{"cashier sees status only", func(p *DevicesPage) { p.sess, p.list = cashier, []wire.BridgeInfo{up} },
			[]string{"devices-manager-hint", `data-bridge-id="br1"`, "bridge-test-print"}, []string{"pair-new", "bridge-revoke"}},
		{"connected with paper out", func(p *DevicesPage) { p.sess, p.list = manager, []wire.BridgeInfo{up} },
			[]string{`data-testid="bridge-connection">Connected`, elem("bridge-paper", "bad", "Out"), `data-testid="bridge-jobs">2`, `data-testid="bridge-scanner">Connected`, "bridge-revoke", "This PC runs this bridge"}, nil},
		{"offline shows no device rows", func(p *DevicesPage) { p.sess, p.list = manager, []wire.BridgeInfo{down} },
			[]string{elem("bridge-connection", "bad", "Offline")}, []string{"bridge-printer"}},
		{"pairing code", func(p *DevicesPage) {
			p.sess, p.now = manager, now
			p.pair = &wire.PairingCode{Code: "K7QPM2XD", ExpiresAt: now.Add(9*time.Minute + 30*time.Second)}
		}, []string{`data-testid="pair-code"`, "K7QPM2XD", "bridge pair K7QPM2XD -server", "Valid for 9 min 30 s"}, nil},
		{"this PC talks to it", func(p *DevicesPage) {
			p.sess, p.list = cashier, []wire.BridgeInfo{up}
			p.local = client.LocalState{Enabled: true, Connected: true, Config: client.LocalConfig{BridgeID: "br1", Addr: "127.0.0.1:9180"}}
		}, []string{`data-local="on"`, "bridge-local-off"}, []string{"bridge-local-on"}},
		{"revoke asks first", func(p *DevicesPage) { p.sess, p.list, p.revoking = manager, []wire.BridgeInfo{up}, &up },
			[]string{"revoke-dialog", "Remove bridge Counter PC?", "revoke-confirm"}, nil},
		{"failed test print offers a retry", func(p *DevicesPage) {
			p.sess, p.list = cashier, []wire.BridgeInfo{up}
			p.prints["br1"] = &printAttempt{id: "test-br1-x", state: "error", message: "The counter bridge is offline"}
		}, []string{"Retry test print", `data-state="error"`, "The counter bridge is offline"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewDevices(client.New())
			p.loaded = true
			tt.set(p)
			html := load(t, p)
			for _, w := range tt.want {
				if !containsElem(html, w) {
					t.Errorf("page lacks %s", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(html, n) {
					t.Errorf("page has %s, want none", n)
				}
			}
		})
	}
}

func TestJobWords(t *testing.T) {
	tests := []struct {
		st   wire.JobStatus
		want string
	}{
		{wire.JobStatus{State: wire.JobQueued}, "Sent to the printer."},
		{wire.JobStatus{State: wire.JobDuplicate}, "Already printed: not printed again."},
		{wire.JobStatus{State: wire.JobFailed, Error: "paper out"}, "Not printed: paper out."},
		{wire.JobStatus{State: wire.JobPrinted}, "Printed."},
	}
	for _, tt := range tests {
		if got := jobWords(tt.st); got != tt.want {
			t.Errorf("jobWords(%+v): got %q, want %q", tt.st, got, tt.want)
		}
	}
}

// elem describes an element by test id, class and text for containsElem:
// go-app writes attributes in no fixed order, so they are matched apart.
func elem(testid, class, text string) string {
	return "\x00" + testid + "\x00" + class + "\x00" + text
}

// containsElem reports whether html contains want: a plain substring, or
// an element made with elem (any attribute order).
func containsElem(html, want string) bool {
	if !strings.HasPrefix(want, "\x00") {
		return strings.Contains(html, want)
	}
	parts := strings.Split(want[1:], "\x00")
	testid, class, text := parts[0], parts[1], parts[2]
	for rest := html; ; {
		i := strings.Index(rest, `data-testid="`+testid+`"`)
		if i < 0 {
			return false
		}
		start := strings.LastIndex(rest[:i], "<")
		end := strings.Index(rest[i:], ">")
		if start >= 0 && end >= 0 {
			tag := rest[start : i+end]
			if strings.Contains(tag, `class="`+class+`"`) && strings.HasPrefix(rest[i+end+1:], text) {
				return true
			}
		}
		rest = rest[i+1:]
	}
}
