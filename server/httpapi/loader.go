package httpapi

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"regexp"
)

// SetGuestPages declares the diner's pages (app/pwa/guest.Patterns): they
// load diner.wasm, when there is one, and every other page app.wasm.
func (wa *Wasm) SetGuestPages(patterns []string) error {
	wa.guest = wa.guest[:0]
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return fmt.Errorf("web: guest page %q: %w", p, err)
		}
		wa.guest = append(wa.guest, re)
		wa.guestSrc = append(wa.guestSrc, p)
	}
	return nil
}

// guestPage reports whether path is one of the diner's pages.
func (wa *Wasm) guestPage(path string) bool {
	for _, re := range wa.guest {
		if re.MatchString(path) {
			return true
		}
	}
	return false
}

// goappInstantiate is the call in go-app's app.js that loads app.wasm: it
// wraps the response in a new one to show the download's progress, which
// keeps Chromium from caching the compiled code (a new visit compiles the
// whole module again).
var goappInstantiate = regexp.MustCompile(`instantiateStreaming\(\s*fetchWithProgress\("[^"]*",\s*showProgress\),\s*go\.importObject\s*\)`)

// goappUpdateCheck is the test in go-app's app.js that decides a newly
// activated service worker is an update: the page has a controller by
// then. But go-app's worker claims its clients without waiting for it, and
// ours keeps the page while activating, so the very first worker of a
// first visit can claim the page before it counts as activated: the page
// then said an update was there on a first visit. An update is a new
// worker replacing the one the page was loaded under.
const goappUpdateCheck = `if (!navigator.serviceWorker.controller) {`

// loaderJS returns go-app's app.js (as pages serves it) with the wasm
// loading replaced by qrposInstantiate: the build of the page (diner.wasm
// for the diner's pages), at its versioned URL, instantiated from the
// Response as fetched, so Chromium's HTTP cache and the service worker's
// copy both come with the module's compiled code on a repeat visit. When
// go-app's app.js no longer has the call (TestLoaderJS fails then), it is
// served as it is.
func loaderJS(pages http.Handler, wa *Wasm) []byte {
	rec := &recorder{header: http.Header{}}
	req, _ := http.NewRequest(http.MethodGet, "/app.js", nil)
	pages.ServeHTTP(rec, req)
	js := rec.body.Bytes()
	if !goappInstantiate.Match(js) {
		return js
	}
	js = goappInstantiate.ReplaceAllLiteral(js, []byte("qrposInstantiate(go.importObject)"))
	js = bytes.Replace(js, []byte(goappUpdateCheck), []byte(`if (!navigator.serviceWorker.controller || !qrposLoadedUnderWorker) {`), 1)
	diner := &wa.app
	if wa.diner != nil {
		diner = wa.diner
	}
	cfg, _ := json.Marshal(map[string]any{"app": wa.app.url(), "diner": diner.url(), "guestPages": wa.guestSrc})
	return fmt.Appendf(js, `

// -----------------------------------------------------------------------------
// QRPOS: an update only for a page loaded under a worker (see
// goappUpdateCheck in server/httpapi/loader.go)
// -----------------------------------------------------------------------------
var qrposLoadedUnderWorker = !!(navigator.serviceWorker && navigator.serviceWorker.controller);

// -----------------------------------------------------------------------------
// QRPOS: the page's build, instantiated from its Response as fetched
// -----------------------------------------------------------------------------
// go-app calls this before the script's end: the settings are in the
// (hoisted) function itself.
function qrposInstantiate(importObject) {
  const qrposWasm = %s;
  const path = window.location.pathname;
  const url = qrposWasm.guestPages.some((p) => new RegExp(p).test(path)) ? qrposWasm.diner : qrposWasm.app;
  const response = fetch(url, { credentials: "same-origin" });
  // The service worker keeps the build it did not see loaded (the page
  // that installed it loaded it first), so the app starts offline too.
  response.then(() => navigator.serviceWorker && navigator.serviceWorker.ready)
    .then((reg) => reg && reg.active && reg.active.postMessage({ type: "qrpos:keep", url: url }))
    .catch(() => {});
  if (WebAssembly.instantiateStreaming) {
    return WebAssembly.instantiateStreaming(response, importObject);
  }
  return response.then((r) => r.arrayBuffer()).then((b) => WebAssembly.instantiate(b, importObject));
}
`, cfg)
}

// recorder keeps an answer of pages in memory.
type recorder struct {
	header http.Header
	body   bytes.Buffer
	code   int
}

func (r *recorder) Header() http.Header         { return r.header }
func (r *recorder) Write(b []byte) (int, error) { return r.body.Write(b) }
func (r *recorder) WriteHeader(code int)        { r.code = code }
