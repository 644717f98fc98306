package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func noenv(string) string { return "" }

func TestRun(t *testing.T) {
	data := t.TempDir()
	out := t.TempDir()
	tests := []struct {
		name    string
		args    []string
		wantErr string
		wantOut string
	}{
		{"version", []string{"version"}, "", "bridge dev"},
		{"no command", nil, "no command", ""},
		{"unknown", []string{"frobnicate"}, "unknown command", ""},
		{"print-test needs a printer", []string{"print-test", "-data", data}, "exactly one of", ""},
		{"print-test one printer only", []string{"print-test", "-data", data, "-tcp", "127.0.0.1:9", "-virtual", out}, "exactly one of", ""},
		{"print-test width", []string{"print-test", "-data", data, "-virtual", out, "-width", "40"}, "width 40", ""},
		{"print-test virtual", []string{"print-test", "-data", data, "-virtual", out, "-width", "32"}, "", "printed test job test-"},
		{"print-test virtual zh", []string{"print-test", "-data", data, "-virtual", out, "-lang", "zh"}, "", "printed test job test-"},
		{"scan needs a port", []string{"scan"}, "-port is required", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout bytes.Buffer
			err := run(t.Context(), tt.args, noenv, &stdout)
			if tt.wantErr == "" && err != nil {
				t.Fatalf("got %v, want nil", err)
			}
			if tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr)) {
				t.Fatalf("got %v, want an error with %q", err, tt.wantErr)
			}
			if !strings.Contains(stdout.String(), tt.wantOut) {
				t.Errorf("got output %q, want it to contain %q", stdout.String(), tt.wantOut)
			}
		})
	}
	previews, _ := filepath.Glob(filepath.Join(out, "*.txt"))
	if len(previews) != 2 {
		t.Fatalf("got %d previews in the virtual printer, want 2", len(previews))
	}
	var all string
	for _, p := range previews {
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		all += string(b)
	}
	for _, want := range []string{"Printer test", "32 columns", "打印测试", "宫保鸡丁", "Jasmine tea"} {
		if !strings.Contains(all, want) {
			t.Errorf("previews: got no %q in\n%s", want, all)
		}
	}
}

// TestDependencies enforces that the bridge never imports the server and
// that test-only modules stay out of the binary.
func TestDependencies(t *testing.T) {
	gobin := filepath.Join(os.Getenv("GOROOT"), "bin", "go")
	if _, err := os.Stat(gobin); err != nil {
		gobin = "go"
	}
	for _, goos := range []string{"linux", "windows"} {
		cmd := exec.Command(gobin, "list", "-deps", "./...")
		cmd.Env = append(os.Environ(), "GOOS="+goos, "CGO_ENABLED=0")
		out, err := cmd.Output()
		if err != nil {
			t.Skipf("go list: %v", err)
		}
		for _, dep := range strings.Fields(string(out)) {
			if strings.HasPrefix(dep, "qrpos/server") || strings.HasPrefix(dep, "qrpos/app") {
				t.Errorf("GOOS=%s: bridge depends on %s, want no server or app package", goos, dep)
			}
			if dep == "github.com/creack/pty" {
				t.Errorf("GOOS=%s: bridge depends on %s, want it in tests only", goos, dep)
			}
		}
	}
}
