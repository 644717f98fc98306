package httpapi

import (
	"sync"
	"time"
)

// limiter allows n events per window per key (a fixed window, enough to
// slow PIN guessing from one address; per-account lockout does the rest).
type limiter struct {
	mu     sync.Mutex
	n      int
	window time.Duration
	now    func() time.Time
	seen   map[string]*windowCount
}

type windowCount struct {
	start time.Time
	count int
}

func newLimiter(n int, window time.Duration, now func() time.Time) *limiter {
	return &limiter{n: n, window: window, now: now, seen: map[string]*windowCount{}}
}

func (l *limiter) allow(key string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if len(l.seen) > 10_000 { // forget old windows so the map cannot grow without bound
		for k, w := range l.seen {
			if now.Sub(w.start) >= l.window {
				delete(l.seen, k)
			}
		}
	}
	w := l.seen[key]
	if w == nil || now.Sub(w.start) >= l.window {
		l.seen[key] = &windowCount{start: now, count: 1}
		return true
	}
	if w.count >= l.n {
		return false
	}
	w.count++
	return true
}
