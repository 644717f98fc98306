package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestDependencies proves the one-way dependency rule for the WebAssembly
// build: the app reaches the server only over HTTP, so it never links the
// server, the bridge, database/sql or the embedded assets, and none of our
// app packages imports net/http (go-app does, for its own handler; that is
// allowed).
func TestDependencies(t *testing.T) {
	cmd := exec.Command(goTool(), "list", "-deps", "-json=ImportPath,Imports,Standard", "./...")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list: %v\n%s", err, stderr.String())
	}
	type pkg struct {
		ImportPath string
		Imports    []string
	}
	// database/sql/driver is allowed only as a third-party package's
	// dependency (github.com/google/uuid, through go-app); database/sql is
	// not allowed at all.
	forbidden := []string{"qrpos/server", "qrpos/bridge", "qrpos/assets"}
	dec := json.NewDecoder(bytes.NewReader(out))
	seen := 0
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatalf("decode go list output: %v", err)
		}
		seen++
		if p.ImportPath == "database/sql" {
			t.Errorf("the wasm app depends on database/sql, want no SQL in the browser")
		}
		for _, f := range forbidden {
			if p.ImportPath == f || strings.HasPrefix(p.ImportPath, f+"/") {
				t.Errorf("the wasm app depends on %s, want no dependency on %s", p.ImportPath, f)
			}
		}
		if p.ImportPath == "qrpos/app" || strings.HasPrefix(p.ImportPath, "qrpos/app/") {
			for _, imp := range p.Imports {
				if imp == "net/http" || strings.HasPrefix(imp, "net/http/") {
					t.Errorf("%s imports %s, want fetch through the browser instead", p.ImportPath, imp)
				}
				if strings.HasPrefix(imp, "database/sql") {
					t.Errorf("%s imports %s, want no SQL in the app", p.ImportPath, imp)
				}
			}
		}
	}
	if seen < 10 {
		t.Fatalf("go list reported %d packages, want the app's dependency graph", seen)
	}
}

// goTool returns the go command of the toolchain running the test.
func goTool() string {
	p := filepath.Join(runtime.GOROOT(), "bin", "go")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return "go"
}
