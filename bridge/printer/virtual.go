package printer

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"qrpos/bridge/escpos"
	"qrpos/bridge/receipt"
	"qrpos/internal/wire"
)

// Virtual is a printer without hardware: it writes each job's ESC/POS bytes
// (<time>-<id>.bin) and what the paper would show (<time>-<id>.txt) into a
// directory, for demos and for running the bridge on a machine with no
// printer attached.
type Virtual struct {
	dir   string
	width int
	now   func() time.Time
}

// NewVirtual returns a virtual printer of width columns writing into dir,
// which it creates.
func NewVirtual(dir string, width int, now func() time.Time) (*Virtual, error) {
	if now == nil {
		now = time.Now
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("printer: virtual printer: %w", err)
	}
	return &Virtual{dir: dir, width: width, now: now}, nil
}

// Status reports a virtual printer as always ready.
func (v *Virtual) Status(context.Context) (escpos.Status, error) { return escpos.Status{}, nil }

// Print writes the job's bytes and preview; a written job is confirmed.
func (v *Virtual) Print(_ context.Context, job *wire.PrintJob, data []byte) (bool, error) {
	preview, err := receipt.Preview(job, v.width)
	if err != nil {
		return false, fmt.Errorf("printer: preview job %s: %w", job.ID, err)
	}
	base := filepath.Join(v.dir, v.now().UTC().Format("20060102-150405.000")+"-"+safeName(job.ID))
	if err := writeFile(base+".bin", data); err != nil {
		return false, fmt.Errorf("printer: virtual print %s: %w", job.ID, err)
	}
	if err := writeFile(base+".txt", []byte(preview)); err != nil {
		return false, fmt.Errorf("printer: virtual print %s: %w", job.ID, err)
	}
	return true, nil
}

// Close does nothing.
func (v *Virtual) Close() error { return nil }

// safeName keeps a job id usable as part of a file name.
func safeName(id string) string {
	s := strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' {
			return r
		}
		return '_'
	}, id)
	if len(s) > 64 {
		s = s[:64]
	}
	return s
}
