package widget

import (
	"context"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Ticker calls a page back on its UI goroutine at a fixed interval, for
// countdowns and codes that change with time. The page owns it: Start on
// navigation, Stop on dismount.
type Ticker struct {
	cancel context.CancelFunc
}

// Start calls on every interval until Stop (or until ctx ends). It does
// nothing on the server or when already started.
func (t *Ticker) Start(ctx app.Context, every time.Duration, on func(ctx app.Context, now time.Time)) {
	if app.IsServer || t.cancel != nil {
		return
	}
	tctx, cancel := context.WithCancel(ctx)
	t.cancel = cancel
	ctx.Async(func() {
		tk := time.NewTicker(every)
		defer tk.Stop()
		for {
			select {
			case <-tctx.Done():
				return
			case now := <-tk.C:
				ctx.Dispatch(func(ctx app.Context) { on(ctx, now) })
			}
		}
	})
}

// Stop ends the ticks.
func (t *Ticker) Stop() {
	if t.cancel != nil {
		t.cancel()
		t.cancel = nil
	}
}
