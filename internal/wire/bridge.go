package wire

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"time"
)

// The bridge protocol: one JSON message per WebSocket text frame, spoken on
// the bridge's local endpoint (PWA on the counter PC <-> bridge) and on its
// uplink (bridge <-> server, GET /ws/bridge). Every message is a
// BridgeMessage whose Type says which one body field is set:
//
//	hello          Hello   first message of the bridge on every connection
//	scan           Scan    a code read by the scanner (bridge -> PWA/server)
//	print          Print   a print job (PWA/server -> bridge)
//	job.status     Job     what became of a print job (bridge -> sender)
//	device.status  Device  scanner and printer state (bridge -> PWA/server)
//	ping, pong     (none)  application heartbeats; Seq is echoed
//
// A message with another version or an unknown type is refused, and so is
// one whose bodies do not match its type: the receiver closes the
// connection. There is deliberately no message carrying raw printer bytes
// or raw serial data.
const (
	BridgeVersion = 1
	// MaxBridgeMessage bounds one message in bytes; a print job of a long
	// order fits many times over.
	MaxBridgeMessage = 64 << 10

	BridgeHello        = "hello"
	BridgeScan         = "scan"
	BridgePrint        = "print"
	BridgeJobStatus    = "job.status"
	BridgeDeviceStatus = "device.status"
	BridgePing         = "ping"
	BridgePong         = "pong"
)

// States of a print job in a job.status message.
const (
	JobQueued    = "queued"    // accepted and on disk; it will print
	JobPrinting  = "printing"  // being sent to the printer
	JobPrinted   = "printed"   // the printer took (and where it can, confirmed) it
	JobFailed    = "failed"    // it will not print; Error says why
	JobDuplicate = "duplicate" // this id was queued or printed before: not printed again
)

// Bridge capabilities announced in hello.
const (
	CapScan        = "scan"
	CapPrint       = "print"
	CapKitchen     = "print.kitchen" // a second printer for kitchen tickets
	CapCashDrawer  = "cash_drawer"
	CapDeviceState = "device.status"
)

// BridgeMessage is one message of the bridge protocol.
type BridgeMessage struct {
	V      int           `json:"v"`
	Type   string        `json:"type"`
	Seq    uint64        `json:"seq,omitempty"` // ping/pong correlation
	Hello  *Hello        `json:"hello,omitempty"`
	Scan   *Scan         `json:"scan,omitempty"`
	Print  *PrintJob     `json:"print,omitempty"`
	Job    *JobStatus    `json:"job,omitempty"`
	Device *DeviceStatus `json:"device,omitempty"`
}

// Hello introduces the bridge.
type Hello struct {
	Version      string   `json:"version"` // bridge software version
	BridgeID     string   `json:"bridge_id"`
	StoreID      string   `json:"store_id,omitempty"`
	Capabilities []string `json:"capabilities"`
	// AutoPrint asks the server to send receipts of paid orders and
	// kitchen tickets on its own (uplink only).
	AutoPrint bool `json:"auto_print,omitempty"`
}

// Scan is a code read by the counter scanner. It is delivered to whoever
// listens at that moment and never stored or sent again.
type Scan struct {
	Code string    `json:"code"`
	At   time.Time `json:"at"`
}

// JobStatus says what became of a print job.
type JobStatus struct {
	ID    string `json:"id"`
	State string `json:"state"`
	Error string `json:"error,omitempty"`
}

// DeviceStatus is the state of the bridge's devices.
type DeviceStatus struct {
	ScannerConnected bool      `json:"scanner_connected"`
	PrinterOnline    bool      `json:"printer_online"`
	PaperOut         bool      `json:"paper_out,omitempty"`
	PaperNearEnd     bool      `json:"paper_near_end,omitempty"`
	CoverOpen        bool      `json:"cover_open,omitempty"`
	JobsWaiting      int       `json:"jobs_waiting"`
	At               time.Time `json:"at"`
}

// ErrBridgeMessage is wrapped by every refusal of DecodeBridge.
var ErrBridgeMessage = errors.New("wire: bad bridge message")

// DecodeBridge reads one bridge message, refusing anything larger than
// MaxBridgeMessage, anything that is not exactly one JSON object with
// known fields, another protocol version, an unknown type, and bodies that
// do not match the type.
func DecodeBridge(b []byte) (BridgeMessage, error) {
	var m BridgeMessage
	if len(b) > MaxBridgeMessage {
		return m, fmt.Errorf("%w: %d bytes, more than %d", ErrBridgeMessage, len(b), MaxBridgeMessage)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&m); err != nil {
		return BridgeMessage{}, fmt.Errorf("%w: %w", ErrBridgeMessage, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return BridgeMessage{}, fmt.Errorf("%w: data after the message", ErrBridgeMessage)
	}
	if err := m.Check(); err != nil {
		return BridgeMessage{}, err
	}
	return m, nil
}

// Check reports whether m is well formed: the current version, a known
// type and exactly the body that type carries.
func (m *BridgeMessage) Check() error {
	if m.V != BridgeVersion {
		return fmt.Errorf("%w: version %d, want %d", ErrBridgeMessage, m.V, BridgeVersion)
	}
	bodies := map[string]bool{
		BridgeHello:        m.Hello != nil,
		BridgeScan:         m.Scan != nil,
		BridgePrint:        m.Print != nil,
		BridgeJobStatus:    m.Job != nil,
		BridgeDeviceStatus: m.Device != nil,
	}
	switch m.Type {
	case BridgePing, BridgePong:
	case BridgeHello, BridgeScan, BridgePrint, BridgeJobStatus, BridgeDeviceStatus:
		if !bodies[m.Type] {
			return fmt.Errorf("%w: %s without its body", ErrBridgeMessage, m.Type)
		}
	default:
		return fmt.Errorf("%w: unknown type %q", ErrBridgeMessage, m.Type)
	}
	for typ, set := range bodies {
		if set && typ != m.Type {
			return fmt.Errorf("%w: %s carries a %s body", ErrBridgeMessage, m.Type, typ)
		}
	}
	if m.Type == BridgeJobStatus {
		switch m.Job.State {
		case JobQueued, JobPrinting, JobPrinted, JobFailed, JobDuplicate:
		default:
			return fmt.Errorf("%w: unknown job state %q", ErrBridgeMessage, m.Job.State)
		}
	}
	if m.Type == BridgeScan && (m.Scan.Code == "" || len(m.Scan.Code) > 256) {
		return fmt.Errorf("%w: scan code empty or longer than 256 bytes", ErrBridgeMessage)
	}
	return nil
}

// EncodeBridge returns m as JSON with V set to BridgeVersion, after
// checking it.
func EncodeBridge(m BridgeMessage) ([]byte, error) {
	m.V = BridgeVersion
	if err := m.Check(); err != nil {
		return nil, err
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("wire: encode bridge message: %w", err)
	}
	if len(b) > MaxBridgeMessage {
		return nil, fmt.Errorf("%w: %d bytes, more than %d", ErrBridgeMessage, len(b), MaxBridgeMessage)
	}
	return b, nil
}

// ---- HTTP bodies of the bridge API ----

// PairingCode answers POST /api/bridges/pairing: a one-time code a manager
// types into `bridge pair`.
type PairingCode struct {
	Code      string    `json:"code"`
	ExpiresAt time.Time `json:"expires_at"`
}

// PairRequest is the body of POST /api/bridges/pair.
type PairRequest struct {
	Code string `json:"code"`
	Name string `json:"name,omitempty"` // e.g. the counter PC's host name
}

// PairResponse answers POST /api/bridges/pair. Credential is shown once:
// the server keeps only its hash. ServerKey is the base64 (standard) of
// the Ed25519 public key that signs bridge tokens.
type PairResponse struct {
	BridgeID   string `json:"bridge_id"`
	StoreID    string `json:"store_id"`
	Credential string `json:"credential"`
	ServerKey  string `json:"server_key"`
}

// BridgeInfo describes a paired bridge for GET /api/bridges and the
// bridge.status event. Status is the last device.status heard, if any.
type BridgeInfo struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	CreatedAt time.Time     `json:"created_at"`
	Connected bool          `json:"connected"`
	Version   string        `json:"version,omitempty"`
	AutoPrint bool          `json:"auto_print,omitempty"`
	Status    *DeviceStatus `json:"status,omitempty"`
}

// BridgeList answers GET /api/bridges.
type BridgeList struct {
	Bridges []BridgeInfo `json:"bridges"`
}

// BridgeToken answers GET /api/bridges/{id}/token: a short-lived token the
// PWA presents to the bridge's local endpoint (ws://127.0.0.1:9180/ws?token=...).
type BridgeToken struct {
	Token     string    `json:"token"`
	ExpiresAt time.Time `json:"expires_at"`
}

// Bridge error codes.
const (
	CodeBridgeOffline = "bridge_offline"
	CodeBridgeTimeout = "bridge_timeout"
)
