package main

import (
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"qrpos/bridge/link"
	"qrpos/bridge/receipt"
)

// Config is the bridge's configuration file (JSON, in the data directory
// by default, permission 0600: it holds the device credential). `bridge
// pair` writes it; a person edits the device settings.
type Config struct {
	// Server is the QRPOS server's base URL, e.g. https://pos.example.com.
	Server     string `json:"server"`
	BridgeID   string `json:"bridge_id"`
	StoreID    string `json:"store_id"`
	Credential string `json:"credential"`
	// ServerKey is the base64 Ed25519 public key that signs the tokens of
	// the local endpoint.
	ServerKey string `json:"server_key"`

	Scanner ScannerConfig  `json:"scanner"`
	Printer PrinterConfig  `json:"printer"`
	Kitchen *PrinterConfig `json:"kitchen,omitempty"` // a second printer for kitchen tickets
	// AutoPrint asks the server to print receipts of paid orders and
	// kitchen tickets here on its own.
	AutoPrint bool `json:"auto_print"`

	// Listen is the local endpoint's address (default 127.0.0.1:9180).
	Listen string `json:"listen,omitempty"`
	// Origins may open the local endpoint besides the server's own.
	Origins []string `json:"origins,omitempty"`
	// Hosts are extra Host names the local endpoint answers to.
	Hosts []string `json:"hosts,omitempty"`
}

// ScannerConfig is a serial scanner; an empty Port means none.
type ScannerConfig struct {
	Port string `json:"port,omitempty"`
	Baud int    `json:"baud,omitempty"`
}

// PrinterConfig is one printer: a serial Port, a TCP address (host:9100)
// or a Virtual directory. PaperMM is 58 or 80; Columns overrides the
// columns it implies (42 for 80 mm printers with a smaller font).
type PrinterConfig struct {
	Port    string `json:"port,omitempty"`
	Baud    int    `json:"baud,omitempty"`
	TCP     string `json:"tcp,omitempty"`
	Virtual string `json:"virtual,omitempty"`
	PaperMM int    `json:"paper_mm,omitempty"`
	Columns int    `json:"columns,omitempty"`
}

func (p PrinterConfig) configured() bool { return countSet(p.Port, p.TCP, p.Virtual) > 0 }

// width is the paper width in columns.
func (p PrinterConfig) width() (int, error) {
	if p.Columns != 0 {
		if !receipt.ValidWidth(p.Columns) {
			return 0, fmt.Errorf("columns %d not 32, 42 or 48", p.Columns)
		}
		return p.Columns, nil
	}
	switch p.PaperMM {
	case 58:
		return receipt.Columns58, nil
	case 80, 0:
		return receipt.Columns80, nil
	}
	return 0, fmt.Errorf("paper_mm %d not 58 or 80", p.PaperMM)
}

func (c *Config) check() error {
	if c.Server == "" || c.BridgeID == "" || c.StoreID == "" || c.Credential == "" {
		return errors.New("not paired: run bridge pair <code> -server URL")
	}
	if _, err := c.serverKey(); err != nil {
		return err
	}
	for _, p := range append([]*PrinterConfig{&c.Printer}, c.Kitchen) {
		if p == nil {
			continue
		}
		if countSet(p.Port, p.TCP, p.Virtual) > 1 {
			return errors.New("a printer has more than one of port, tcp and virtual")
		}
		if _, err := p.width(); err != nil {
			return err
		}
	}
	return nil
}

func (c *Config) serverKey() (ed25519.PublicKey, error) {
	k, err := base64.StdEncoding.DecodeString(c.ServerKey)
	if err != nil || len(k) != ed25519.PublicKeySize {
		return nil, errors.New("server_key is not a base64 Ed25519 public key: pair again")
	}
	return k, nil
}

func (c *Config) listen() string {
	if c.Listen == "" {
		return link.DefaultLocalAddr
	}
	return c.Listen
}

func loadConfig(path string) (*Config, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("config: %w", err)
	}
	var c Config
	if err := json.Unmarshal(b, &c); err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	return &c, nil
}

// saveConfig writes c to path readable by this user only, through a
// temporary file so a crash never leaves half a config.
func saveConfig(path string, c *Config) error {
	b, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, append(b, '\n'), 0o600); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	if err := os.Chmod(tmp, 0o600); err != nil { // WriteFile keeps an old file's mode
		return fmt.Errorf("config: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("config: %w", err)
	}
	return nil
}
