package wire

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestBridgeRoundTrip(t *testing.T) {
	at := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		name string
		msg  BridgeMessage
	}{
		{"hello", BridgeMessage{Type: BridgeHello, Hello: &Hello{Version: "dev", BridgeID: "b1", Capabilities: []string{CapScan, CapPrint}}}},
		{"scan", BridgeMessage{Type: BridgeScan, Scan: &Scan{Code: "134567890123456789", At: at}}},
		{"print", BridgeMessage{Type: BridgePrint, Print: &PrintJob{ID: "j1", Kind: PrintKindKitchen, Kitchen: &KitchenDoc{OrderNumber: 3, Time: at}}}},
		{"job", BridgeMessage{Type: BridgeJobStatus, Job: &JobStatus{ID: "j1", State: JobDuplicate}}},
		{"device", BridgeMessage{Type: BridgeDeviceStatus, Device: &DeviceStatus{PrinterOnline: true, PaperNearEnd: true, JobsWaiting: 2, At: at}}},
		{"ping", BridgeMessage{Type: BridgePing, Seq: 7}},
		{"pong", BridgeMessage{Type: BridgePong, Seq: 7}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := EncodeBridge(tt.msg)
			if err != nil {
				t.Fatalf("EncodeBridge: %v", err)
			}
			got, err := DecodeBridge(b)
			if err != nil {
				t.Fatalf("DecodeBridge(%s): %v", b, err)
			}
			want := tt.msg
			want.V = BridgeVersion
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("round trip (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeBridgeRefuses(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", ``, "EOF"},
		{"not json", `hello`, "invalid character"},
		{"array", `[1]`, "cannot unmarshal"},
		{"no version", `{"type":"ping"}`, "version 0"},
		{"future version", `{"v":2,"type":"ping"}`, "version 2"},
		{"unknown type", `{"v":1,"type":"raw"}`, `unknown type "raw"`},
		{"unknown field", `{"v":1,"type":"ping","bytes":"G0A="}`, "unknown field"},
		{"missing body", `{"v":1,"type":"scan"}`, "without its body"},
		{"extra body", `{"v":1,"type":"ping","scan":{"code":"1","at":"2026-01-01T00:00:00Z"}}`, "carries a scan body"},
		{"two values", `{"v":1,"type":"ping"}{"v":1,"type":"ping"}`, "data after"},
		{"bad job state", `{"v":1,"type":"job.status","job":{"id":"j","state":"eaten"}}`, "unknown job state"},
		{"empty scan", `{"v":1,"type":"scan","scan":{"code":"","at":"2026-01-01T00:00:00Z"}}`, "scan code empty"},
		{"too large", `{"v":1,"type":"ping","x":"` + strings.Repeat("a", MaxBridgeMessage) + `"}`, "more than"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := DecodeBridge([]byte(tt.in))
			if err == nil || !errors.Is(err, ErrBridgeMessage) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want ErrBridgeMessage containing %q", err, tt.want)
			}
		})
	}
}

// FuzzDecodeBridge: any bytes either decode into a message that encodes
// and decodes to itself, or are refused with ErrBridgeMessage.
func FuzzDecodeBridge(f *testing.F) {
	f.Add([]byte(`{"v":1,"type":"ping","seq":1}`))
	f.Add([]byte(`{"v":1,"type":"scan","scan":{"code":"134567890123456789","at":"2026-11-23T12:00:00Z"}}`))
	f.Add([]byte(`{"v":1,"type":"print","print":{"id":"j1","kind":"receipt","receipt":{"store_name":"x","order_number":1,"time":"2026-11-23T12:00:00Z","lines":[],"subtotal":{"minor":1,"currency":"CNY"},"tax":{"minor":0,"currency":"CNY"},"total":{"minor":1,"currency":"CNY"},"paid":{"minor":1,"currency":"CNY"},"change":{"minor":0,"currency":"CNY"}}}}`))
	f.Add([]byte(`{"v":1,"type":"job.status","job":{"id":"j1","state":"printed"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := DecodeBridge(b)
		if err != nil {
			if !errors.Is(err, ErrBridgeMessage) {
				t.Fatalf("got %v, want ErrBridgeMessage", err)
			}
			return
		}
		out, err := EncodeBridge(m)
		if err != nil {
			// A decoded message may be too large once re-encoded
			// (escaping); nothing else may fail.
			if !strings.Contains(err.Error(), "more than") {
				t.Fatalf("re-encode %s: %v", b, err)
			}
			return
		}
		again, err := DecodeBridge(out)
		if err != nil {
			t.Fatalf("decode re-encoded %s: %v", out, err)
		}
		if diff := cmp.Diff(m, again); diff != "" {
			t.Errorf("re-decoded message differs (-first +second):\n%s", diff)
		}
	})
}
