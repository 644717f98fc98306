// Package assets holds the static files the server serves under /web/: the
// app icons (PNG and SVG), the stylesheet, and the script of the table
// page's first view (diner-ssr.js, see server/httpapi/ssr.go). Nothing here is loaded from the
// internet; the PNG icons are drawn by ./gen and committed.
package assets

import "embed"

//go:generate go run ./gen -out .

// FS holds the files served at /web/<name>.
//
//go:embed app.css icon.svg icon-192.png icon-512.png diner-ssr.js
var FS embed.FS
