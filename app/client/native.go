//go:build !(js && wasm)

package client

import (
	"context"
	"crypto/rand"
	"time"
)

// New returns a client for builds outside the browser (the server's
// prerendering): every call fails with ErrNoBrowser.
func New() *Client {
	c := newClient(noBrowser, &MemoryStorage{}, rand.Reader, time.Now)
	c.dial = func(context.Context, string) (*socket, error) { return nil, ErrNoBrowser }
	return c
}

func noBrowser(context.Context, Request) (Response, error) { return Response{}, ErrNoBrowser }
