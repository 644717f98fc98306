package pos

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"time"
	"unicode/utf8"

	"qrpos/server/token"
)

// Bridges are the daemons on counter PCs that drive scanners and printers.
// A manager pairs one with a one-time code; the bridge receives a
// long-lived credential, of which only the hash is stored, and a manager
// can revoke it.

// Bridge is a paired bridge of a store.
type Bridge struct {
	ID             string
	StoreID        string
	Name           string
	CredentialHash []byte
	CreatedAt      time.Time
	RevokedAt      *time.Time
}

// PairingCode is a one-time code that pairs a bridge with a store. Only
// the hash of the code is stored.
type PairingCode struct {
	CodeHash  []byte
	StoreID   string
	CreatedBy string
	CreatedAt time.Time
	ExpiresAt time.Time
	UsedAt    *time.Time
	BridgeID  string // the bridge it paired, once used
}

// BridgeTx is what bridges need of a transaction. Lookups of a missing row
// wrap ErrNotFound; a duplicate id, hash or credential wraps ErrConflict.
type BridgeTx interface {
	CreatePairingCode(ctx context.Context, p PairingCode) error
	PairingCodeByHash(ctx context.Context, hash []byte) (PairingCode, error)
	// UsePairingCode records that the unused code with hash paired
	// bridgeID; ErrNotFound if there is no such unused code.
	UsePairingCode(ctx context.Context, hash []byte, bridgeID string, at time.Time) error
	// DeletePairingCodesBefore removes codes that expired before t.
	DeletePairingCodesBefore(ctx context.Context, t time.Time) error

	CreateBridge(ctx context.Context, b Bridge) error
	BridgeByID(ctx context.Context, storeID, id string) (Bridge, error)
	BridgeByCredentialHash(ctx context.Context, hash []byte) (Bridge, error)
	// ListBridges returns the store's bridges, revoked ones included,
	// oldest first.
	ListBridges(ctx context.Context, storeID string) ([]Bridge, error)
	// RevokeBridge sets RevokedAt of a bridge not yet revoked;
	// ErrNotFound if there is none.
	RevokeBridge(ctx context.Context, storeID, id string, at time.Time) error

	// KitchenLinesPrinted returns the ids of the order's lines that went
	// to a kitchen printer.
	KitchenLinesPrinted(ctx context.Context, storeID, orderID string) ([]string, error)
	// MarkKitchenLinesPrinted records lines as printed in the kitchen;
	// lines already recorded are left as they are.
	MarkKitchenLinesPrinted(ctx context.Context, storeID, orderID string, lineIDs []string, at time.Time) error
}

// Pairing codes: 8 characters from an alphabet without look-alikes (no
// 0/O, 1/I/L), 40 bits, valid for PairingTTL and once. Guessing is
// bounded by the throttle on POST /api/bridges/pair.
const (
	pairingAlphabet = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
	pairingLen      = 8
	// PairingTTL is how long a pairing code is valid.
	PairingTTL    = 10 * time.Minute
	maxBridgeName = 64
)

// HashPairingCode returns the stored form of a pairing code, after
// normalising what a person typed: case, spaces and dashes do not matter.
func HashPairingCode(code string) []byte {
	sum := sha256.Sum256([]byte("qrpos pairing\x00" + NormalizePairingCode(code)))
	return sum[:]
}

// NormalizePairingCode upper-cases code and drops spaces and dashes.
func NormalizePairingCode(code string) string {
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.ToUpper(code))
}

func newPairingCode() string {
	b := make([]byte, pairingLen)
	for i := range b {
		b[i] = pairingAlphabet[randomInt(int64(len(pairingAlphabet)))]
	}
	return string(b)
}

func newBridgeID() string {
	var b [8]byte
	rand.Read(b[:])
	return "bridge-" + hex.EncodeToString(b[:])
}

// NewPairingCode makes a one-time pairing code for the actor's store;
// managers and owners only. A retry makes another code, which is harmless
// (each expires unused), so it takes no idempotency key: storing the
// answer would store the code in clear.
func (s *Service) NewPairingCode(ctx context.Context, a Actor) (string, PairingCode, error) {
	if err := require(a, RoleManager, "pair a bridge"); err != nil {
		return "", PairingCode{}, err
	}
	now := s.clock()
	code := newPairingCode()
	p := PairingCode{CodeHash: HashPairingCode(code), StoreID: a.StoreID, CreatedBy: a.StaffID,
		CreatedAt: now, ExpiresAt: now.Add(PairingTTL)}
	err := s.store.Write(ctx, func(tx Tx) error {
		if err := tx.DeletePairingCodesBefore(ctx, now.Add(-24*time.Hour)); err != nil {
			return err
		}
		return tx.CreatePairingCode(ctx, p)
	})
	if err != nil {
		return "", PairingCode{}, err
	}
	s.log.Info("bridge pairing code issued", "store", a.StoreID, "by", a.StaffID, "expires", p.ExpiresAt)
	return code, p, nil
}

// Pair exchanges a pairing code for a new bridge and its credential, which
// is returned once and stored only as a hash.
func (s *Service) Pair(ctx context.Context, code, name string) (Bridge, string, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		name = "Counter bridge"
	}
	if !utf8.ValidString(name) || utf8.RuneCountInString(name) > maxBridgeName {
		return Bridge{}, "", invalid("name", "the bridge name is at most %d characters", maxBridgeName)
	}
	if c := NormalizePairingCode(code); len(c) != pairingLen || strings.Trim(c, pairingAlphabet) != "" {
		return Bridge{}, "", &Error{Code: CodeCodeInvalid, Field: "code", Message: "a pairing code is 8 letters and digits; check it and try again"}
	}
	now := s.clock()
	hash := HashPairingCode(code)
	cred, credHash := token.NewSession()
	b := Bridge{ID: newBridgeID(), Name: name, CredentialHash: credHash, CreatedAt: now}
	err := s.store.Write(ctx, func(tx Tx) error {
		p, err := tx.PairingCodeByHash(ctx, hash)
		if errors.Is(err, ErrNotFound) {
			return &Error{Code: CodeCodeInvalid, Field: "code", Message: "this pairing code is not known; ask a manager for a new one"}
		}
		if err != nil {
			return err
		}
		if p.UsedAt != nil {
			return &Error{Code: CodeCodeUsed, Field: "code", Message: "this pairing code was used already; ask a manager for a new one"}
		}
		if !now.Before(p.ExpiresAt) {
			return &Error{Code: CodeCodeExpired, Field: "code", Message: "this pairing code has expired; ask a manager for a new one"}
		}
		b.StoreID = p.StoreID
		if err := tx.CreateBridge(ctx, b); err != nil {
			return err
		}
		return tx.UsePairingCode(ctx, hash, b.ID, now)
	})
	if err != nil {
		return Bridge{}, "", err
	}
	s.log.Info("bridge paired", "store", b.StoreID, "bridge", b.ID, "name", b.Name)
	return b, cred, nil
}

// AuthenticateBridge returns the bridge a credential belongs to, unless it
// was revoked.
func (s *Service) AuthenticateBridge(ctx context.Context, credential string) (Bridge, error) {
	if token.CheckSessionForm(credential) != nil {
		return Bridge{}, refuse(CodeUnauthorized, "this bridge is not paired; run bridge pair again")
	}
	var b Bridge
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		b, err = tx.BridgeByCredentialHash(ctx, token.HashSession(credential))
		return err
	})
	if errors.Is(err, ErrNotFound) || (err == nil && b.RevokedAt != nil) {
		return Bridge{}, refuse(CodeUnauthorized, "this bridge is not paired or was revoked; run bridge pair again")
	}
	return b, err
}

// Bridges returns the store's bridges that are not revoked; any member of
// staff may see them (the PWA shows their state).
func (s *Service) Bridges(ctx context.Context, a Actor) ([]Bridge, error) {
	var out []Bridge
	err := s.store.Read(ctx, func(tx Tx) error {
		all, err := tx.ListBridges(ctx, a.StoreID)
		for _, b := range all {
			if b.RevokedAt == nil {
				out = append(out, b)
			}
		}
		return err
	})
	return out, err
}

// Bridge returns one bridge of the actor's store that is not revoked.
func (s *Service) Bridge(ctx context.Context, a Actor, id string) (Bridge, error) {
	var b Bridge
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		b, err = tx.BridgeByID(ctx, a.StoreID, id)
		return notFound(err, "bridge")
	})
	if err == nil && b.RevokedAt != nil {
		return Bridge{}, refuse(CodeNotFound, "that bridge was revoked")
	}
	return b, err
}

// RevokeBridge ends a bridge's credential; managers and owners only. The
// caller disconnects it.
func (s *Service) RevokeBridge(ctx context.Context, a Actor, key, id string) (Bridge, bool, error) {
	if err := require(a, RoleManager, "revoke a bridge"); err != nil {
		return Bridge{}, false, err
	}
	return idempotent(ctx, s, a.StoreID, key, "revoke-bridge", id, func(tx Tx) (Bridge, error) {
		b, err := tx.BridgeByID(ctx, a.StoreID, id)
		if err != nil {
			return Bridge{}, notFound(err, "bridge")
		}
		if b.RevokedAt != nil {
			return b, nil
		}
		now := s.clock()
		if err := tx.RevokeBridge(ctx, a.StoreID, id, now); err != nil {
			return Bridge{}, err
		}
		b.RevokedAt = &now
		s.log.Info("bridge revoked", "store", a.StoreID, "bridge", id, "by", a.StaffID)
		return b, nil
	})
}

// KitchenLinesToPrint returns the sent lines of an order that no kitchen
// ticket has carried yet.
func (s *Service) KitchenLinesToPrint(ctx context.Context, o Order) ([]Line, error) {
	var done []string
	err := s.store.Read(ctx, func(tx Tx) error {
		var err error
		done, err = tx.KitchenLinesPrinted(ctx, o.StoreID, o.ID)
		return err
	})
	if err != nil {
		return nil, err
	}
	printed := make(map[string]bool, len(done))
	for _, id := range done {
		printed[id] = true
	}
	var out []Line
	for _, l := range o.Lines {
		if l.Sent && !printed[l.ID] {
			out = append(out, l)
		}
	}
	return out, nil
}

// KitchenLinesPrinted records that lines of an order went to the kitchen
// printer, so the next send prints only what is new.
func (s *Service) KitchenLinesPrinted(ctx context.Context, storeID, orderID string, lineIDs []string) error {
	now := s.clock()
	return s.store.Write(ctx, func(tx Tx) error {
		return tx.MarkKitchenLinesPrinted(ctx, storeID, orderID, lineIDs, now)
	})
}
