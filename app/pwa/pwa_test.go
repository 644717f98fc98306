package pwa

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"qrpos/app/client"
	"qrpos/app/pwa/guest"
	"strings"
	"testing"
)

func get(t *testing.T, h http.Handler, path string) string {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
	if rec.Code != http.StatusOK {
		t.Fatalf("GET %s: got status %d, want 200", path, rec.Code)
	}
	b, _ := io.ReadAll(rec.Body)
	return string(b)
}

// TestNothingFromTheInternet checks the pages, manifest and service worker
// name only our own resources: go-app's defaults link icons on GitHub.
func TestNothingFromTheInternet(t *testing.T) {
	Register()
	guest.Register(client.New())
	h := Handler(Options{Version: "test-1", WasmContentLength: "123"})
	for _, path := range []string{"/", "/login", "/board", "/orders/5d1c2a4e-0000-4000-8000-000000000001", "/orders/x1/cash", "/history", "/staff", "/orders/x1/charge", "/topup", "/p/AbC-12_x.y", "/wallet", "/manifest.webmanifest", "/app-worker.js", "/app.js"} {
		body := get(t, h, path)
		// og:url and og:image are metadata for link previews, not loaded:
		// look at what the browser fetches (href, src, manifest, worker).
		for _, bad := range []string{`href="http`, `src="http`, `"src":"http`, `url(http`, "githubusercontent", "fonts.googleapis"} {
			if i := strings.Index(body, bad); i >= 0 {
				t.Errorf("GET %s contains %q: ...%s...", path, bad, body[max(0, i-80):min(len(body), i+80)])
			}
		}
	}
}

func TestPrerenderedPages(t *testing.T) {
	Register()
	guest.Register(client.New())
	h := Handler(Options{Version: "test-1"})
	tests := []struct {
		path, testid string
	}{
		{"/", "page-login"},
		{"/login", "page-login"},
		{"/board", "page-board"},
		{"/orders/abc-123", "page-order"},
		{"/orders/abc-123/cash", "page-cash"},
		{"/history", "page-history"},
		{"/staff", "page-staff"},
		{"/orders/abc-123/charge", "page-charge"},
		{"/topup", "page-topup"},
		{"/p/AbC-12_x.y", "page-pay"},
		{"/wallet", "page-wallet"},
	}
	for _, tt := range tests {
		body := get(t, h, tt.path)
		if !strings.Contains(body, `data-testid="`+tt.testid+`"`) {
			t.Errorf("GET %s: got no %s in the prerendered page", tt.path, tt.testid)
		}
		for _, want := range []string{`href="/web/app.css"`, `href="/web/icon.svg"`, `<html lang="en"`} {
			if !strings.Contains(body, want) {
				t.Errorf("GET %s: page lacks %s", tt.path, want)
			}
		}
	}
}

func TestManifest(t *testing.T) {
	h := Handler(Options{Version: "test-1"})
	var m struct {
		Name       string `json:"name"`
		ShortName  string `json:"short_name"`
		ThemeColor string `json:"theme_color"`
		Icons      []struct {
			Src   string `json:"src"`
			Sizes string `json:"sizes"`
		} `json:"icons"`
	}
	if err := json.Unmarshal([]byte(get(t, h, "/manifest.webmanifest")), &m); err != nil {
		t.Fatalf("decode manifest: %v", err)
	}
	if m.Name != "QRPOS" || m.ShortName != "QRPOS" || m.ThemeColor != ThemeColor {
		t.Errorf("got name %q short %q theme %q, want QRPOS QRPOS %s", m.Name, m.ShortName, m.ThemeColor, ThemeColor)
	}
	srcs := map[string]bool{}
	for _, ic := range m.Icons {
		srcs[ic.Src] = true
	}
	for _, want := range []string{IconPNG192, IconPNG512, IconSVG} {
		if !srcs[want] {
			t.Errorf("manifest icons %v lack %s", m.Icons, want)
		}
	}
}

// TestWorkerJS: the service worker does not pre-cache the wasm builds but
// keeps them when a page loads them (go-app's template still has the parts
// workerJS changes).
func TestWorkerJS(t *testing.T) {
	if workerJS() == "" {
		t.Fatal("go-app's service worker template changed: workerJS no longer applies")
	}
	Register()
	guest.Register(client.New())
	js := get(t, Handler(Options{Version: "test-1"}), "/app-worker.js")
	for _, want := range []string{`.filter((u) => !u.split("?")[0].endsWith(".wasm"))`, "cache.put(request, copy)", `"app-" + "test-1"`, `path.startsWith("/t/")`, "cache.put(request.url, copy)", `msg.type !== "qrpos:keep"`} {
		if !strings.Contains(js, want) {
			t.Errorf("app-worker.js lacks %q", want)
		}
	}
}
