package diner

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"

	"qrpos/internal/wire"
)

// mediaCache is the Cache Storage cache of the menu's photos. go-app's
// service worker answers every request from caches.match, which looks in
// every cache, so photos put here load without the network on the next
// visit (the menu itself is kept in the page's persisted state). An update
// of the app drops the cache with the old version's; the next menu load
// fills it again.
const mediaCache = "qrpos-media-v1"

// photoURLs returns the menu's photos served by this server.
func photoURLs(m wire.Menu) []string {
	var out []string
	for _, it := range m.Items {
		if strings.HasPrefix(it.Photo, "/media/") {
			out = append(out, it.Photo)
		}
	}
	return out
}

// cacheMedia stores the photos not yet in the cache, in the background;
// a failure only means the photo loads from the network next time.
func cacheMedia(urls []string) {
	if !app.IsClient || len(urls) == 0 {
		return
	}
	caches := app.Window().Get("caches")
	if !caches.Truthy() {
		return // not a secure context: no Cache Storage
	}
	ignore := app.FuncOf(func(app.Value, []app.Value) any { return nil })
	var opened app.Func
	opened = app.FuncOf(func(_ app.Value, args []app.Value) any {
		defer opened.Release()
		c := args[0]
		for _, u := range urls {
			c.Call("match", u).Call("then", app.FuncOf(func(_ app.Value, r []app.Value) any {
				if len(r) == 0 || !r[0].Truthy() {
					c.Call("add", u).Call("catch", ignore)
				}
				return nil
			}))
		}
		return nil
	})
	caches.Call("open", mediaCache).Call("then", opened).Call("catch", ignore)
}
