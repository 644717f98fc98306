package httpapi

import (
	"sync"
	"time"
)

// buckets is a token bucket per key: up to burst events at once, refilled
// at burst per window. Used for what diners may send per table session.
type buckets struct {
	mu     sync.Mutex
	burst  float64
	window time.Duration
	now    func() time.Time
	m      map[string]*bucket
}

type bucket struct {
	tokens float64
	at     time.Time
}

func newBuckets(burst int, window time.Duration, now func() time.Time) *buckets {
	return &buckets{burst: float64(burst), window: window, now: now, m: map[string]*bucket{}}
}

// take spends one token of key's bucket; it reports false (and how long
// until a token is back) when there is none.
func (b *buckets) take(key string) (bool, time.Duration) {
	b.mu.Lock()
	defer b.mu.Unlock()
	now := b.now()
	rate := b.burst / b.window.Seconds() // tokens per second
	if len(b.m) > 10_000 {               // forget full buckets so the map cannot grow without bound
		for k, v := range b.m {
			if v.tokens+now.Sub(v.at).Seconds()*rate >= b.burst {
				delete(b.m, k)
			}
		}
	}
	k := b.m[key]
	if k == nil {
		k = &bucket{tokens: b.burst, at: now}
		b.m[key] = k
	}
	k.tokens = min(b.burst, k.tokens+now.Sub(k.at).Seconds()*rate)
	k.at = now
	if k.tokens < 1 {
		return false, time.Duration((1 - k.tokens) / rate * float64(time.Second))
	}
	k.tokens--
	return true, 0
}
