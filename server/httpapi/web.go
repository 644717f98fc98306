package httpapi

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Wasm is the compiled apps and their precompressed copies, found in a
// directory at start-up: app.wasm (staff) and diner.wasm (the diner's
// pages; optional, they load app.wasm without it). go-app does not
// compress them itself.
type Wasm struct {
	dir string
	// Size of the uncompressed app.wasm, for the loader's progress bar.
	Size int64
	// Version identifies this build of the apps (a hash of app.wasm and
	// diner.wasm), so a restart with the same build never makes tablets
	// download them again.
	Version string
	app     wasmBuild
	diner   *wasmBuild
	hasExec bool
	// guest are the diner's pages (SetGuestPages), as compiled and as
	// written for the loader script.
	guest    []*regexp.Regexp
	guestSrc []string
}

// wasmBuild is one of the wasm files.
type wasmBuild struct {
	name    string // app.wasm, diner.wasm
	size    int64
	hash    string // of the uncompressed file, in its URL: /web/<name>?v=<hash>
	hasBr   bool
	hasGz   bool
	modTime time.Time
}

// url is where pages load the build: versioned, so it can be cached for
// good (a new build has a new URL).
func (b *wasmBuild) url() string { return "/web/" + b.name + "?v=" + b.hash }

// loadBuild hashes dir/name and looks for its precompressed copies.
func loadBuild(dir, name string) (*wasmBuild, error) {
	f, err := os.Open(filepath.Join(dir, name))
	if err != nil {
		return nil, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	}
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return nil, fmt.Errorf("web: hash %s: %w", name, err)
	}
	b := &wasmBuild{name: name, size: st.Size(), hash: hex.EncodeToString(h.Sum(nil))[:16], modTime: st.ModTime()}
	// A compressed copy older than the wasm is stale: serving it would run
	// an old build under the new version.
	fresh := func(name string) bool {
		s, err := os.Stat(filepath.Join(dir, name))
		return err == nil && !s.ModTime().Before(st.ModTime())
	}
	b.hasBr, b.hasGz = fresh(name+".br"), fresh(name+".gz")
	return b, nil
}

// LoadWasm inspects dir for app.wasm (required) and diner.wasm (optional),
// their .br and .gz copies (optional, served when the client accepts
// them), and wasm_exec.js (the toolchain's own, preferred over go-app's
// copy).
func LoadWasm(dir string) (*Wasm, error) {
	app, err := loadBuild(dir, "app.wasm")
	if err != nil {
		return nil, fmt.Errorf("web: %w (build it with 'make wasm')", err)
	}
	w := &Wasm{dir: dir, Size: app.size, Version: app.hash, app: *app}
	if w.diner, err = loadBuild(dir, "diner.wasm"); errors.Is(err, fs.ErrNotExist) {
		w.diner = nil
	} else if err != nil {
		return nil, fmt.Errorf("web: %w", err)
	} else {
		sum := sha256.Sum256([]byte(app.hash + w.diner.hash))
		w.Version = hex.EncodeToString(sum[:])[:16]
	}
	_, err = os.Stat(filepath.Join(dir, "wasm_exec.js"))
	w.hasExec = err == nil
	return w, nil
}

// forPath returns the build the page at path loads.
func (wa *Wasm) forPath(path string) *wasmBuild {
	if wa.diner != nil && wa.guestPage(path) {
		return wa.diner
	}
	return &wa.app
}

// serveWasm answers /web/<b.name> with the best encoding the client
// accepts. The versioned URL of this build is cached for good; anything
// else (an old page asking without or with another version) is
// revalidated each time.
func (wa *Wasm) serveWasm(w http.ResponseWriter, r *http.Request, b *wasmBuild) {
	name, enc := b.name, ""
	accept := r.Header.Get("Accept-Encoding")
	switch {
	case b.hasBr && acceptsEncoding(accept, "br"):
		name, enc = b.name+".br", "br"
	case b.hasGz && acceptsEncoding(accept, "gzip"):
		name, enc = b.name+".gz", "gzip"
	}
	f, err := os.Open(filepath.Join(wa.dir, name))
	if err != nil {
		http.Error(w, b.name+" is missing", http.StatusNotFound)
		return
	}
	defer f.Close()
	h := w.Header()
	h.Set("Content-Type", "application/wasm")
	h.Add("Vary", "Accept-Encoding")
	if r.URL.Query().Get("v") == b.hash {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", `"`+b.hash+"-"+enc+`"`)
	if enc != "" {
		h.Set("Content-Encoding", enc)
	}
	h.Set("X-Wasm-Content-Length", strconv.FormatInt(b.size, 10))
	http.ServeContent(w, r, "", b.modTime, f)
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
// handler), app.js (go-app's, loading the build of the page: see
// loaderJS), /web/app.wasm and /web/diner.wasm precompressed, the
// toolchain's wasm_exec.js, and static assets at /web/<name>.
//
// A page that one of prerender renders (see Prerendered) is go-app's page
// with the prerendered first view in it.
func Web(pages http.Handler, wasm *Wasm, assets fs.FS, prerender ...Prerenderer) http.Handler {
	static := http.FileServerFS(assets)
	appJS := sync.OnceValue(func() []byte { return loaderJS(pages, wasm) })
	var hashes sync.Map // static file name -> assetHash (the files do not change while we run)
	hash := func(name string) string {
		if h, ok := hashes.Load(name); ok {
			return h.(string)
		}
		h := assetHash(assets, name)
		hashes.Store(name, h)
		return h
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/web/app.wasm" || r.URL.Path == "/app.wasm":
			wasm.serveWasm(w, r, &wasm.app)
		case r.URL.Path == "/web/diner.wasm" && wasm.diner != nil:
			wasm.serveWasm(w, r, wasm.diner)
		case r.URL.Path == "/app.js" || r.URL.Path == "/goapp.js":
			h := w.Header()
			h.Set("Content-Type", "application/javascript")
			h.Set("Cache-Control", "no-cache")
			h.Set("ETag", `"`+wasm.Version+`-js"`)
			http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(appJS()))
		case r.URL.Path == "/wasm_exec.js" && wasm.hasExec:
			w.Header().Set("Cache-Control", "no-cache")
			http.ServeFile(w, r, filepath.Join(wasm.dir, "wasm_exec.js"))
		case strings.HasPrefix(r.URL.Path, "/web/"):
			name := strings.TrimPrefix(r.URL.Path, "/web/")
			if _, err := fs.Stat(assets, name); errors.Is(err, fs.ErrNotExist) || name == "" || strings.HasSuffix(name, "/") {
				http.NotFound(w, r)
				return
			}
			if v := r.URL.Query().Get("v"); v != "" && v == hash(name) {
				w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
			} else {
				w.Header().Set("Cache-Control", "no-cache")
			}
			r2 := *r
			u := *r.URL
			u.Path = "/" + name
			r2.URL = &u
			static.ServeHTTP(w, &r2)
		default:
			if isPage(r.URL.Path, wasm) {
				// A prerendered page is usable before its wasm has come:
				// the wasm starts early but yields to the page's own files.
				for _, pr := range prerender {
					if p, ok := pr(r); ok && servePrerendered(w, r, pages, p, wasm.forPath(r.URL.Path).url()) {
						return
					}
				}
				// The page's wasm is the longest download: start it with
				// the page rather than after the loader script. The
				// loader's fetch is a CORS fetch (hence crossorigin), so
				// the two are one download.
				w.Header().Add("Link", "<"+wasm.forPath(r.URL.Path).url()+">; rel=preload; as=fetch; crossorigin; fetchpriority=high")
			}
			pages.ServeHTTP(w, r)
		}
	})
}

// isPage reports whether path is one of the app's pages rather than one of
// go-app's files (manifest, service worker, robots.txt...).
func isPage(path string, wa *Wasm) bool {
	return !strings.Contains(path[strings.LastIndex(path, "/")+1:], ".") || wa.guestPage(path)
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

// assetHash returns a short hash of the static file name in assets, "" if
// it cannot be read.
func assetHash(assets fs.FS, name string) string {
	b, err := fs.ReadFile(assets, name)
	if err != nil {
		return ""
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])[:16]
}

// AssetURL is the versioned URL of the static file name: served immutable,
// so a repeat visit does not ask for it again (a new build has a new URL).
func AssetURL(assets fs.FS, name string) string {
	return "/web/" + name + "?v=" + assetHash(assets, name)
}
