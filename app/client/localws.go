//go:build !(js && wasm)

package client

import "context"

// dialURL has no browser to open a WebSocket with outside js/wasm.
func dialURL(context.Context, string) (*duplex, error) { return nil, ErrNoBrowser }
