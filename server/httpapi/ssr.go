package httpapi

import (
	"bytes"
	"compress/gzip"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"strconv"
	"strings"

	"qrpos/app/diner"
	"qrpos/app/i18n"
	"qrpos/internal/wire"
	"qrpos/server/pos"
)

// Prerendered is the first view of a page rendered by the server, put in
// place of the app's own (go-app's prerendering, which knows no data) so
// that a phone on a slow network shows a usable page before the app has
// arrived and started.
type Prerendered struct {
	Root   string // HTML of the page's root element
	Data   []byte // JSON for the page's script (diner.SSRElementID), or nil
	Script string // URL of the page's script, or ""
	Lang   string // <html lang>
	Status int    // HTTP status; 0 means 200
}

// Prerenderer renders the first view of the page r asks for, or returns
// false to leave the page to the app.
type Prerenderer func(r *http.Request) (Prerendered, bool)

var tableLinkPage = regexp.MustCompile(diner.TablePattern)

// PrerenderTables is the Prerenderer of table links (/t/<link>): the menu
// of the link's table in the diner's language, its add buttons wired by
// script (served at scriptURL), or the error page of a refused link. It
// reads only: the table session is joined by the page's script.
func (s *Server) PrerenderTables(scriptURL string) Prerenderer {
	return func(r *http.Request) (Prerendered, bool) {
		if r.Method != http.MethodGet || !tableLinkPage.MatchString(r.URL.Path) {
			return Prerendered{}, false
		}
		link := strings.TrimPrefix(r.URL.Path, wire.TableLinkPath)
		var choice string
		if c, err := r.Cookie(i18n.CookieName); err == nil {
			choice = c.Value
		}
		lang := i18n.ForRequest(choice, r.Header.Get("Accept-Language"))
		htmlLang := lang.Tag()
		rest, t, err := s.svc.TableByLink(r.Context(), link)
		var pe *pos.Error
		switch {
		case errors.As(err, &pe) && pe.Code == pos.CodeBadTableLink:
			return Prerendered{Root: diner.PrerenderLinkError(lang, pe.Message), Lang: htmlLang, Status: http.StatusNotFound}, true
		case err != nil:
			s.log.Warn("prerender table page", "err", err)
			return Prerendered{}, false
		}
		_, m, err := s.svc.DinerMenu(r.Context(), pos.Diner{StoreID: rest.ID})
		if err != nil {
			s.log.Warn("prerender table page", "err", err)
			return Prerendered{}, false
		}
		table := wire.DinerTable{Store: storeInfo(rest), Table: wire.TableRef{ID: t.ID, Name: t.Name},
			Submissions: []wire.Submission{}, Services: []wire.ServiceRequest{}}
		root, data, err := diner.PrerenderTable(link, lang, table, wire.DinerMenu{Menu: menuOut(m, rest.Currency, s.now())})
		if err != nil {
			s.log.Warn("prerender table page", "err", err)
			return Prerendered{}, false
		}
		return Prerendered{Root: root, Data: data, Script: scriptURL, Lang: htmlLang}, true
	}
}

// The parts of go-app's page that splice finds: where the body starts, the
// loader after the prerendered root, and the end of the head.
var (
	pageBody   = regexp.MustCompile(`<body[^>]*>`)
	pageLoader = regexp.MustCompile(`<aside[^>]* id="app-wasm-loader"`)
	pageHead   = []byte(`</head>`)
	pageLang   = regexp.MustCompile(`<html([^>]*) lang="[^"]*"`)
)

// splice puts p in go-app's page: its root in place of go-app's (the
// body's first element, which the app replaces when it starts), its data
// after it, its script in the head, and the loader hidden (the page is
// usable while the app loads).
func splice(page []byte, p Prerendered) ([]byte, error) {
	body := pageBody.FindIndex(page)
	if body == nil {
		return nil, errors.New("web: prerender: the page has no <body>")
	}
	rel := pageLoader.FindIndex(page[body[1]:])
	head := bytes.Index(page[:body[0]], pageHead)
	if rel == nil || head < 0 {
		return nil, errors.New("web: prerender: go-app's page no longer has its loader or head where expected")
	}
	loader := body[1] + rel[0]
	var b bytes.Buffer
	b.Grow(len(page) + len(p.Root) + len(p.Data) + 256)
	// The page's script runs first of the deferred scripts: before go-app's
	// loader starts the app, which keeps the main thread busy a while.
	at := head
	if i := bytes.Index(page[:head], []byte("<script")); i >= 0 {
		at = i
	}
	b.Write(page[:at])
	if p.Script != "" {
		fmt.Fprintf(&b, "<script defer src=%q></script>\n", p.Script)
	}
	b.Write(page[at:body[1]])
	b.WriteString("\n")
	b.WriteString(p.Root)
	b.WriteString("\n")
	if p.Data != nil {
		fmt.Fprintf(&b, "<script type=\"application/json\" id=%q>%s</script>\n", diner.SSRElementID, p.Data)
	}
	b.WriteString(`<aside style="display:none"`) // go-app's stylesheet shows it whatever hidden says
	b.Write(page[loader+len("<aside"):])
	out := b.Bytes()
	if p.Lang != "" {
		out = pageLang.ReplaceAll(out, []byte(`<html$1 lang="`+p.Lang+`"`))
	}
	return out, nil
}

// servePrerendered answers with go-app's page for r, spliced with p,
// preloading the page's wasm (at wasmURL) at low priority. It answers
// nothing and returns false if go-app's page is not as splice expects.
func servePrerendered(w http.ResponseWriter, r *http.Request, pages http.Handler, p Prerendered, wasmURL string) bool {
	rec := &recorder{header: http.Header{}}
	pages.ServeHTTP(rec, r)
	if rec.code != 0 && rec.code != http.StatusOK {
		return false
	}
	out, err := splice(rec.body.Bytes(), p)
	if err != nil {
		return false
	}
	h := w.Header()
	h.Set("Link", "<"+wasmURL+">; rel=preload; as=fetch; crossorigin; fetchpriority=low")
	h.Set("Content-Type", "text/html; charset=utf-8")
	// The menu changes (prices, sold out): never from a cache.
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Cookie, Accept-Language")
	status := p.Status
	if status == 0 {
		status = http.StatusOK
	}
	if acceptsEncoding(r.Header.Get("Accept-Encoding"), "gzip") {
		var z bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&z, gzip.BestSpeed)
		zw.Write(out)
		zw.Close()
		out = z.Bytes()
		h.Set("Content-Encoding", "gzip")
	}
	h.Add("Vary", "Accept-Encoding")
	h.Set("Content-Length", strconv.Itoa(len(out)))
	w.WriteHeader(status)
	w.Write(out)
	return true
}
