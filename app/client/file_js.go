//go:build js && wasm

package client

import (
	"context"
	"errors"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ReadFile reads the first file chosen in an <input type=file>, at most
// limit bytes.
func ReadFile(ctx context.Context, input app.Value, limit int) ([]byte, error) {
	files := input.Get("files")
	if !files.Truthy() || files.Length() == 0 {
		return nil, errors.New("choose a photo first")
	}
	f := files.Index(0)
	if f.Get("size").Int() > limit {
		return nil, ErrTooLarge
	}
	buf, err := await(ctx, f.Call("arrayBuffer"))
	if err != nil {
		return nil, err
	}
	arr := app.Window().Get("Uint8Array").New(buf)
	b := make([]byte, arr.Length())
	app.CopyBytesToGo(b, arr)
	return b, nil
}
