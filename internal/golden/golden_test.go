package golden

import (
	"strings"
	"testing"
)

func TestDiff(t *testing.T) {
	long := strings.Repeat("a", showMax+1)
	tests := []struct {
		name      string
		got, want string
		contains  string
	}{
		{"text", "Table 8\n", "Table 9\n", "got\nTable 8\n\nwant\nTable 9\n"},
		{"bytes", "\x1b@\xff", "\x1b@\xfe", "got\n1b 40 ff\nwant\n1b 40 fe"},
		{"long", long + "x", long + "y", "got 4098 bytes, want 4098; they differ from byte 4097 on"},
		{"prefix", long, long + "z", "got 4097 bytes, want 4098; they differ from byte 4097 on"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := diff([]byte(tt.got), []byte(tt.want)); !strings.Contains(got, tt.contains) {
				t.Errorf("diff: got %q, want it to contain %q", got, tt.contains)
			}
		})
	}
}

func TestCheck(t *testing.T) {
	path := t.TempDir() + "/x.golden"
	*update = true
	Check(t, path, []byte("receipt"))
	*update = false
	Check(t, path, []byte("receipt")) // equal: passes
	var ft fakeT
	ft.TB = t
	Check(&ft, path, []byte("receipt!"))
	if !ft.failed {
		t.Error("Check passed bytes that differ from the golden file")
	}
}

// fakeT records a failure instead of failing the test.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Helper()               {}
func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Fatalf(string, ...any) { f.failed = true }
