package httpapi

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// webDir writes the two builds (tiny stand-ins) and their brotli copies.
func webDir(t *testing.T, diner bool) string {
	t.Helper()
	dir := t.TempDir()
	files := map[string]string{"app.wasm": "\x00asm-app", "app.wasm.br": "br-app"}
	if diner {
		files["diner.wasm"] = "\x00asm-diner"
		files["diner.wasm.br"] = "br-diner"
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func newWeb(t *testing.T, dir string) (*Wasm, http.Handler) {
	t.Helper()
	wa, err := LoadWasm(dir)
	if err != nil {
		t.Fatal(err)
	}
	if err := wa.SetGuestPages([]string{`^/t/[0-9A-Za-z_.~=-]+$`, `^/wallet$`}); err != nil {
		t.Fatal(err)
	}
	pages := &app.Handler{Name: "t", Version: wa.Version}
	return wa, Web(pages, wa, fstest.MapFS{})
}

func do(t *testing.T, h http.Handler, path string, header ...string) *httptest.ResponseRecorder {
	t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	for i := 0; i+1 < len(header); i += 2 {
		r.Header.Set(header[i], header[i+1])
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, r)
	return rec
}

// TestWebServesEachPageItsBuild: diner pages preload and load diner.wasm,
// the others app.wasm, each at a versioned URL cached for good.
func TestWebServesEachPageItsBuild(t *testing.T) {
	wa, h := newWeb(t, webDir(t, true))
	dinerURL, appURL := wa.diner.url(), wa.app.url()
	if !strings.HasPrefix(dinerURL, "/web/diner.wasm?v=") || !strings.HasPrefix(appURL, "/web/app.wasm?v=") {
		t.Fatalf("urls %q %q", dinerURL, appURL)
	}
	for _, tt := range []struct{ path, preload string }{
		{"/t/ZGVtbwB0NQAx.RRnAiSWUyfsvRUHEc3qDNg", dinerURL},
		{"/wallet", dinerURL},
		{"/login", appURL},
		{"/", appURL},
		{"/manifest.webmanifest", ""},
	} {
		link := do(t, h, tt.path).Header().Get("Link")
		if tt.preload == "" && link != "" || tt.preload != "" && !strings.HasPrefix(link, "<"+tt.preload+">; rel=preload; as=fetch; crossorigin") {
			t.Errorf("GET %s: Link %q, want a preload of %q", tt.path, link, tt.preload)
		}
	}

	for _, tt := range []struct{ path, body, cache string }{
		{dinerURL, "br-diner", "public, max-age=31536000, immutable"},
		{appURL, "br-app", "public, max-age=31536000, immutable"},
		{"/web/diner.wasm", "br-diner", "no-cache"},
		{"/web/diner.wasm?v=old", "br-diner", "no-cache"},
		{"/web/app.wasm", "br-app", "no-cache"},
	} {
		rec := do(t, h, tt.path, "Accept-Encoding", "gzip, br")
		if rec.Code != 200 || rec.Body.String() != tt.body || rec.Header().Get("Content-Encoding") != "br" {
			t.Errorf("GET %s: %d %q (%s), want 200 %q (br)", tt.path, rec.Code, rec.Body, rec.Header().Get("Content-Encoding"), tt.body)
		}
		if got := rec.Header().Get("Cache-Control"); got != tt.cache {
			t.Errorf("GET %s: Cache-Control %q, want %q", tt.path, got, tt.cache)
		}
		if rec.Header().Get("Vary") != "Accept-Encoding" || rec.Header().Get("Content-Type") != "application/wasm" {
			t.Errorf("GET %s: headers %v", tt.path, rec.Header())
		}
	}
	if rec := do(t, h, dinerURL); rec.Body.String() != "\x00asm-diner" || rec.Header().Get("X-Wasm-Content-Length") != "10" {
		t.Errorf("diner.wasm without br: %q, length %q", rec.Body, rec.Header().Get("X-Wasm-Content-Length"))
	}

	js := do(t, h, "/app.js").Body.String()
	for _, want := range []string{"qrposInstantiate(go.importObject)", `"diner":"` + dinerURL, `"app":"` + appURL, `"^/wallet$"`, "WebAssembly.instantiateStreaming(response, importObject)", `type: "qrpos:keep"`,
		"|| !qrposLoadedUnderWorker) {", "var qrposLoadedUnderWorker = !!(navigator.serviceWorker && navigator.serviceWorker.controller);"} {
		if !strings.Contains(js, want) {
			t.Errorf("app.js lacks %q", want)
		}
	}
	if strings.Contains(js, "fetchWithProgress(\"") {
		t.Error("app.js still loads the wasm through go-app's fetchWithProgress (a new Response: no code cache)")
	}
	etag := do(t, h, "/app.js").Header().Get("ETag")
	if rec := do(t, h, "/app.js", "If-None-Match", etag); rec.Code != http.StatusNotModified {
		t.Errorf("app.js revalidated: %d, want 304", rec.Code)
	}
}

// TestWebWithoutDinerBuild: without diner.wasm every page loads app.wasm.
func TestWebWithoutDinerBuild(t *testing.T) {
	wa, h := newWeb(t, webDir(t, false))
	if link := do(t, h, "/t/abc").Header().Get("Link"); !strings.Contains(link, wa.app.url()) {
		t.Errorf("table page preloads %q, want app.wasm", link)
	}
	if !strings.Contains(do(t, h, "/app.js").Body.String(), `"diner":"`+wa.app.url()) {
		t.Error("app.js does not load app.wasm on diner pages")
	}
	if rec := do(t, h, "/web/diner.wasm"); rec.Code != http.StatusNotFound {
		t.Errorf("diner.wasm without a build: %d, want 404", rec.Code)
	}
}

// TestWasmVersion: the version changes with either build and only then.
func TestWasmVersion(t *testing.T) {
	dir := webDir(t, true)
	v1, _ := newWeb(t, dir)
	v2, _ := newWeb(t, dir)
	if v1.Version != v2.Version {
		t.Errorf("same builds, versions %s and %s", v1.Version, v2.Version)
	}
	if err := os.WriteFile(filepath.Join(dir, "diner.wasm"), []byte("\x00asm-diner2"), 0o644); err != nil {
		t.Fatal(err)
	}
	old := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(dir, "diner.wasm.br"), old, old); err != nil {
		t.Fatal(err)
	}
	v3, _ := newWeb(t, dir)
	if v3.Version == v1.Version {
		t.Error("a new diner.wasm kept the version")
	}
	if v3.diner.hasBr {
		t.Error("a diner.wasm.br older than diner.wasm is served")
	}
}

// TestSplicePrerendered: the prerendered root replaces go-app's as the
// body's first element (the one the app replaces when it starts), with the
// data after it, the page's script first of the deferred scripts, the
// loader kept for go-app's script but not shown, and <html lang> set; the
// answer is compressed and never cached, and preloads the wasm at low
// priority (behind the page's own files).
func TestSplicePrerendered(t *testing.T) {
	app.Route("/ssr-test", func() app.Composer { return &ssrTestPage{} })
	wa, err := LoadWasm(webDir(t, true))
	if err != nil {
		t.Fatal(err)
	}
	pages := &app.Handler{Name: "t", Version: wa.Version}
	pr := func(r *http.Request) (Prerendered, bool) {
		if r.URL.Path != "/ssr-test" {
			return Prerendered{}, false
		}
		return Prerendered{Root: `<div id="ours">menu</div>`, Data: []byte(`{"a":"\u003c/script\u003e"}`), Script: "/web/s.js?v=1", Lang: "zh-CN"}, true
	}
	h := Web(pages, wa, fstest.MapFS{"s.js": {Data: []byte("1")}}, pr)
	rec := do(t, h, "/ssr-test")
	body := rec.Body.String()
	if rec.Code != 200 || rec.Header().Get("Cache-Control") != "no-store" || !strings.Contains(rec.Header().Get("Link"), "fetchpriority=low") {
		t.Fatalf("answer %d, Cache-Control %q, Link %q", rec.Code, rec.Header().Get("Cache-Control"), rec.Header().Get("Link"))
	}
	at := func(s string) int {
		i := strings.Index(body, s)
		if i < 0 {
			t.Fatalf("page lacks %q:\n%s", s, body)
		}
		return i
	}
	bodyEnd := at("<body") + strings.Index(body[at("<body"):], ">") + 1
	if rest := strings.TrimSpace(body[bodyEnd:]); !strings.HasPrefix(rest, `<div id="ours">menu</div>`) {
		t.Errorf("the body does not start with the prerendered root:\n%.300s", rest)
	}
	if strings.Contains(body, "go-app's root") {
		t.Error("go-app's own root is still in the page")
	}
	if at(`<script defer src="/web/s.js?v=1">`) > at(`/wasm_exec.js`) || at(`/web/s.js`) > at("</head>") {
		t.Error("the page's script is not the first script of the head")
	}
	if at(`id="qrpos-ssr">{"a":"\u003c/script\u003e"}</script>`) < at(`<div id="ours">`) || at(`<aside style="display:none"`) < at(`id="qrpos-ssr"`) {
		t.Error("data or hidden loader misplaced")
	}
	if !strings.Contains(body, `<html lang="zh-CN"`) {
		t.Errorf("html lang not set: %.100s", body)
	}
	gz := do(t, h, "/ssr-test", "Accept-Encoding", "gzip")
	if gz.Header().Get("Content-Encoding") != "gzip" || gz.Body.Len() >= len(body) {
		t.Errorf("gzip: %q, %d bytes for %d", gz.Header().Get("Content-Encoding"), gz.Body.Len(), len(body))
	}
	// Another page is go-app's, with the wasm preloaded.
	if rec := do(t, h, "/wallet"); rec.Header().Get("Link") == "" || strings.Contains(rec.Body.String(), "ours") {
		t.Error("a page not prerendered lost its preload or got the prerendered root")
	}
	// The script's versioned URL is cached for good, any other is revalidated.
	if cc := do(t, h, AssetURL(fstest.MapFS{"s.js": {Data: []byte("1")}}, "s.js")).Header().Get("Cache-Control"); !strings.Contains(cc, "immutable") {
		t.Errorf("versioned asset Cache-Control %q", cc)
	}
	if cc := do(t, h, "/web/s.js?v=old").Header().Get("Cache-Control"); cc != "no-cache" {
		t.Errorf("asset of another version: Cache-Control %q", cc)
	}
}

type ssrTestPage struct{ app.Compo }

func (*ssrTestPage) Render() app.UI { return app.Div().Text("go-app's root") }
