//go:build !(js && wasm)

package client

import (
	"context"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ReadFile needs a browser.
func ReadFile(ctx context.Context, input app.Value, limit int) ([]byte, error) {
	return nil, ErrNoBrowser
}
