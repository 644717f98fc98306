package receipt

import (
	"bytes"
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"qrpos/internal/golden"

	"qrpos/bridge/escpos"
	"qrpos/internal/wire"
)

func stickerJob(store, table string) *wire.PrintJob {
	return &wire.PrintJob{ID: "sticker-t8-1", Kind: wire.PrintKindSticker, Sticker: &wire.StickerDoc{
		StoreName: store, Table: table,
		URL: "https://pos.example.test/t/ZGVtbwB0OAAy.q3VZ6m0TnFh2fW1cXk8pAw"}}
}

func TestStickerGolden(t *testing.T) {
	tests := []struct {
		name  string
		job   *wire.PrintJob
		width int
	}{
		{"sticker_zh_48", stickerJob("川味小馆", "8号桌"), Columns80},
		{"sticker_zh_32", stickerJob("川味小馆", "8号桌"), Columns58},
		{"sticker_en_42", stickerJob("Golden Dragon Noodle House", "Terrace 12"), Columns80Font},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lay, err := Lay(tt.job, tt.width)
			if err != nil {
				t.Fatal(err)
			}
			got, err := lay.Encode(escpos.New())
			if err != nil {
				t.Fatal(err)
			}
			golden.Check(t, filepath.Join("testdata", tt.name+".bin.golden"), got)
			golden.Check(t, filepath.Join("testdata", tt.name+".txt.golden"), []byte(lay.Preview()))
		})
	}
}

func TestStickerBytes(t *testing.T) {
	job := stickerJob("川味小馆", "8号桌")
	b, err := Encode(job, Columns80)
	if err != nil {
		t.Fatal(err)
	}
	url := job.Sticker.URL
	store := []byte{0x1d, '(', 'k', byte(len(url) + 3), 0, 0x31, 0x50, 0x30}
	for _, want := range [][]byte{
		{0x1b, 0x40, 0x1c, 0x26},                         // init, Chinese mode
		{0xb4, 0xa8, 0xce, 0xb6, 0xd0, 0xa1, 0xb9, 0xdd}, // 川味小馆 in GB18030
		{0x38, 0xba, 0xc5, 0xd7, 0xc0},                   // 8号桌
		{0xc9, 0xa8, 0xc2, 0xeb, 0xb5, 0xe3, 0xb2, 0xcd}, // 扫码点餐
		{0x1d, '(', 'k', 3, 0, 0x31, 0x43, 12},           // module size 12 dots on 80 mm paper
		append(store, url...),                            // the link, stored whole
		{0x1d, 0x56, 0x42, 0x00},                         // feed and cut
	} {
		if !bytes.Contains(b, want) {
			t.Errorf("sticker: got no % x in its bytes", want)
		}
	}
	small, err := Encode(job, Columns58)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(small, []byte{0x1d, '(', 'k', 3, 0, 0x31, 0x43, 8}) {
		t.Error("sticker on 58 mm paper: want module size 8")
	}
}

func TestStickerInvalid(t *testing.T) {
	tests := []struct {
		name string
		edit func(j *wire.PrintJob)
		want string
	}{
		{"no doc", func(j *wire.PrintJob) { j.Sticker = nil }, "has no sticker"},
		{"no store", func(j *wire.PrintJob) { j.Sticker.StoreName = " " }, "no store name"},
		{"no table", func(j *wire.PrintJob) { j.Sticker.Table = "" }, "no table name"},
		{"no url", func(j *wire.PrintJob) { j.Sticker.URL = "" }, "no link"},
		{"long url", func(j *wire.PrintJob) { j.Sticker.URL = strings.Repeat("x", 513) }, "too long"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			j := stickerJob("川味小馆", "8号桌")
			tt.edit(j)
			_, err := Encode(j, Columns80)
			if !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("got %v, want an invalid document error saying %q", err, tt.want)
			}
		})
	}
}

// FuzzSticker: whatever names and link a sticker job carries, it is
// refused as invalid or printed within the paper's width, never an error
// of another kind or a panic.
func FuzzSticker(f *testing.F) {
	f.Add("川味小馆", "8号桌", "https://pos.example.test/t/abc.def")
	f.Add("Golden Dragon Noodle House of the Long Harbour Road", "Terrace 12", "x")
	f.Add("\x1b@\x1dV", "\n\t", "\x00\x1b")
	f.Add("😀", "\xff", "")
	f.Fuzz(func(t *testing.T, store, table, url string) {
		for _, w := range []int{Columns58, Columns80} {
			job := stickerJob(store, table)
			job.Sticker.URL = url
			lay, err := Lay(job, w)
			if err != nil {
				if !errors.Is(err, ErrInvalid) {
					t.Fatalf("Lay: %v, want nil or ErrInvalid", err)
				}
				return
			}
			if _, err := lay.Encode(escpos.New()); err != nil {
				t.Fatalf("Encode: %v", err)
			}
			for _, line := range strings.Split(strings.TrimSuffix(lay.Preview(), "\n"), "\n") {
				if Width(line) > w {
					t.Fatalf("line %q is %d columns wide, paper has %d", line, Width(line), w)
				}
			}
		}
	})
}
