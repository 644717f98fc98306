package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestTestIDsDocumented checks that every literal data-testid in the app's
// code is listed in TESTIDS.md, so the list stays the reference.
func TestTestIDsDocumented(t *testing.T) {
	doc, err := os.ReadFile("TESTIDS.md")
	if err != nil {
		t.Fatal(err)
	}
	literal := regexp.MustCompile(`DataSet\("testid", "([a-z0-9-]+)"\)|widget\.(?:Money|Modal)\("([a-z0-9-]+)"`)
	files, _ := filepath.Glob("*/*.go")
	n := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range literal.FindAllStringSubmatch(string(src), -1) {
			id := m[1] + m[2]
			n++
			if !strings.Contains(string(doc), "`"+id+"`") {
				t.Errorf("%s: testid %q is not in TESTIDS.md", f, id)
			}
		}
	}
	if n < 50 {
		t.Errorf("found %d testids in the code, want the app's (is the pattern stale?)", n)
	}
}
