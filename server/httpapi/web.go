package httpapi

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"
)

// Wasm is the compiled app and its precompressed copies, found in a
// directory at start-up. go-app does not compress app.wasm itself.
type Wasm struct {
	dir string
	// Size of the uncompressed app.wasm, for the loader's progress bar.
	Size int64
	// Version identifies this build of the app (a hash of app.wasm), so a
	// restart with the same build never makes tablets download it again.
	Version string
	hasBr   bool
	hasGz   bool
	hasExec bool
	modTime time.Time
}

// LoadWasm inspects dir for app.wasm (required), app.wasm.br and
// app.wasm.gz (optional, served when the client accepts them), and
// wasm_exec.js (the toolchain's own, preferred over go-app's copy).
func LoadWasm(dir string) (*Wasm, error) {
	f, err := os.Open(filepath.Join(dir, "app.wasm"))
	if err != nil {
		return nil, fmt.Errorf("web: %w (build it with 'make wasm')", err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("web: hash app.wasm: %w", err)
	}
	w := &Wasm{dir: dir, Size: st.Size(), Version: hex.EncodeToString(h.Sum(nil))[:16], modTime: st.ModTime()}
	// A compressed copy older than app.wasm is stale: serving it would run
	// an old build under the new version.
	fresh := func(name string) bool {
		s, err := os.Stat(filepath.Join(dir, name))
		return err == nil && !s.ModTime().Before(st.ModTime())
	}
	w.hasBr, w.hasGz = fresh("app.wasm.br"), fresh("app.wasm.gz")
	_, err = os.Stat(filepath.Join(dir, "wasm_exec.js"))
	w.hasExec = err == nil
	return w, nil
}

// serveWasm answers /web/app.wasm with the best encoding the client accepts.
func (wa *Wasm) serveWasm(w http.ResponseWriter, r *http.Request) {
	name, enc := "app.wasm", ""
	accept := r.Header.Get("Accept-Encoding")
	switch {
	case wa.hasBr && acceptsEncoding(accept, "br"):
		name, enc = "app.wasm.br", "br"
	case wa.hasGz && acceptsEncoding(accept, "gzip"):
		name, enc = "app.wasm.gz", "gzip"
	}
	f, err := os.Open(filepath.Join(wa.dir, name))
	if err != nil {
		http.Error(w, "app.wasm is missing", http.StatusNotFound)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Add("Vary", "Accept-Encoding")
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", `"`+wa.Version+"-"+enc+`"`)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("X-Wasm-Content-Length", strconv.FormatInt(wa.Size, 10))
	http.ServeContent(w, r, "", wa.modTime, f)
}

// acceptsEncoding reports whether an Accept-Encoding header accepts enc
// (with a q-value other than 0).
func acceptsEncoding(header, enc string) bool {
	for part := range strings.SplitSeq(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		if !strings.EqualFold(strings.TrimSpace(name), enc) {
			continue
		}
		params = strings.ReplaceAll(params, " ", "")
		if q, ok := strings.CutPrefix(params, "q="); ok {
			v, err := strconv.ParseFloat(q, 64)
			return err == nil && v > 0
		}
		return true
	}
	return false
}

// Web serves the PWA: pages and the service worker from pages (go-app's
// handler), /web/app.wasm precompressed, the toolchain's wasm_exec.js, and
// static assets at /web/<name>.
func Web(pages http.Handler, wasm *Wasm, assets fs.FS) http.Handler {
	static := http.FileServerFS(assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/web/app.wasm" || r.URL.Path == "/app.wasm":
			wasm.serveWasm(w, r)
		case r.URL.Path == "/wasm_exec.js" && wasm.hasExec:
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFile(w, r, filepath.Join(wasm.dir, "wasm_exec.js"))
		case strings.HasPrefix(r.URL.Path, "/web/"):
			name := strings.TrimPrefix(r.URL.Path, "/web/")
			if _, err := fs.Stat(assets, name); errors.Is(err, fs.ErrNotExist) || name == "" || strings.HasSuffix(name, "/") {
				http.NotFound(w, r)
				return
			}
			w.Header().Set("Cache-Control", "no-cache")
			r2 := *r
			u := *r.URL
			u.Path = "/" + name
			r2.URL = &u
			static.ServeHTTP(w, &r2)
		default:
			pages.ServeHTTP(w, r)
		}
	})
}

// SecurityHeaders sets the headers every answer carries. The policy allows
// only this origin: the app works offline in a restaurant and loads
// nothing from the internet. 'wasm-unsafe-eval' lets the app compile its
// WebAssembly; inline style attributes are what go-app's Style() writes.
func SecurityHeaders(next http.Handler, extraConnect []string) http.Handler {
	connect := "'self'"
	for _, c := range extraConnect {
		connect += " " + c
	}
	csp := "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
		"img-src 'self' data: blob:; font-src 'self'; connect-src " + connect + "; worker-src 'self'; manifest-src 'self'; " +
		"frame-ancestors 'none'; base-uri 'self'; form-action 'self'; object-src 'none'"
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", csp)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(self), microphone=(), geolocation=(), payment=()")
		next.ServeHTTP(w, r)
	})
}
