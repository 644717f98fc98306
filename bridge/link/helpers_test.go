package link

import (
	"context"
	"testing"
	"time"
)

func contextTimeout(t *testing.T) (context.Context, context.CancelFunc) {
	return context.WithTimeout(t.Context(), 5*time.Second)
}
