package assets

import (
	"bytes"
	"image/png"
	"io/fs"
	"strings"
	"testing"
)

func TestIcons(t *testing.T) {
	for name, size := range map[string]int{"icon-192.png": 192, "icon-512.png": 512} {
		b, err := fs.ReadFile(FS, name)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if got := img.Bounds().Size(); got.X != size || got.Y != size {
			t.Errorf("%s is %v, want %dx%d", name, got, size, size)
		}
	}
	svg, err := fs.ReadFile(FS, "icon.svg")
	if err != nil || !bytes.HasPrefix(svg, []byte("<svg")) {
		t.Errorf("icon.svg: got %.20q, %v; want an SVG document", svg, err)
	}
}

// TestNothingFromTheInternet keeps the stylesheet self-contained: no web
// fonts, no imports, no remote images.
func TestNothingFromTheInternet(t *testing.T) {
	css, err := fs.ReadFile(FS, "app.css")
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"@import", "url(", "@font-face", "http://", "https://"} {
		if strings.Contains(string(css), bad) {
			t.Errorf("app.css contains %q", bad)
		}
	}
	for _, want := range []string{"PingFang SC", "Noto Sans CJK SC", "Microsoft YaHei"} {
		if !strings.Contains(string(css), want) {
			t.Errorf("app.css font stack lacks %q (CJK)", want)
		}
	}
}
