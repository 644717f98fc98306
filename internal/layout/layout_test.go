package layout

import (
	"encoding/json"
	"io"
	"os/exec"
	"strings"
	"testing"
)

type pkg struct {
	ImportPath string
	Imports    []string
	Deps       []string
}

// list runs go list -deps -json for patterns under the given GOOS/GOARCH.
func list(t *testing.T, goos, goarch string, patterns ...string) []pkg {
	t.Helper()
	args := append([]string{"list", "-json=ImportPath,Imports,Deps"}, patterns...)
	cmd := exec.Command("go", args...)
	cmd.Dir = "../.."
	cmd.Env = append(cmd.Environ(), "GOOS="+goos, "GOARCH="+goarch, "CGO_ENABLED=0")
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", patterns, err)
	}
	var pkgs []pkg
	dec := json.NewDecoder(strings.NewReader(string(out)))
	for {
		var p pkg
		if err := dec.Decode(&p); err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		pkgs = append(pkgs, p)
	}
	return pkgs
}

func TestDependenciesPointOneWay(t *testing.T) {
	tests := []struct {
		name      string
		goos      string
		goarch    string
		pattern   string
		forbidden []string // packages no package (or its deps) may use; "x/..." means x and below
	}{
		{"bridge never imports the server or the app", "linux", "amd64", "qrpos/bridge/...",
			[]string{"qrpos/server/...", "qrpos/app/...", "qrpos/assets/...", "database/sql"}},
		{"bridge builds for windows without the server", "windows", "amd64", "qrpos/bridge/...",
			[]string{"qrpos/server/...", "qrpos/app/..."}},
		{"internal is a leaf", "linux", "amd64", "qrpos/internal/...",
			[]string{"qrpos/server/...", "qrpos/app/...", "qrpos/bridge/...", "qrpos/assets/..."}},
		{"app (wasm) never imports server, bridge or database/sql", "js", "wasm", "qrpos/app/...",
			[]string{"qrpos/server/...", "qrpos/bridge/...", "qrpos/assets/...", "database/sql", "modernc.org/...", "github.com/coder/websocket/..."}},
		{"the diner's app (diner.wasm) never imports the cashier's", "js", "wasm", "qrpos/app/dinerapp",
			[]string{"qrpos/app/cashier/...", "qrpos/app/pwa"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			pkgs := list(t, tt.goos, tt.goarch, tt.pattern)
			if len(pkgs) == 0 {
				t.Fatalf("go list %s found no packages", tt.pattern)
			}
			for _, p := range pkgs {
				if p.ImportPath == "qrpos/internal/layout" {
					continue
				}
				for _, d := range append(p.Deps, p.Imports...) {
					for _, f := range tt.forbidden {
						if matches(f, d) {
							t.Errorf("%s depends on %s", p.ImportPath, d)
						}
					}
				}
			}
		})
	}
}

// matches reports whether import path p is pattern f: exact, or with a
// "/..." suffix, the package and everything below it.
func matches(f, p string) bool {
	if base, ok := strings.CutSuffix(f, "/..."); ok {
		return p == base || strings.HasPrefix(p, base+"/")
	}
	return p == f
}

// Our own app packages never use net/http directly (go-app's package does,
// for its server-side handler; the browser's fetch is ours to use).
func TestAppUsesNoHTTPClient(t *testing.T) {
	for _, p := range list(t, "js", "wasm", "qrpos/app/...") {
		for _, imp := range p.Imports {
			if imp == "net/http" || strings.HasPrefix(imp, "net/http/") {
				t.Errorf("%s imports %s; use the browser's fetch (app/client)", p.ImportPath, imp)
			}
		}
	}
}

func TestMatches(t *testing.T) {
	tests := []struct {
		f, p string
		want bool
	}{
		{"database/sql", "database/sql", true},
		{"database/sql", "database/sql/driver", false},
		{"qrpos/server/...", "qrpos/server", true},
		{"qrpos/server/...", "qrpos/server/pos", true},
		{"qrpos/server/...", "qrpos/serverless", false},
	}
	for _, tt := range tests {
		if got := matches(tt.f, tt.p); got != tt.want {
			t.Errorf("matches(%q, %q) = %v, want %v", tt.f, tt.p, got, tt.want)
		}
	}
}
