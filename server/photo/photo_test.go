package photo

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"testing"
)

func encodePNG(t testing.TB, img image.Image) []byte {
	t.Helper()
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestProcess(t *testing.T) {
	src := Placeholder("Mapo Tofu")
	var jb bytes.Buffer
	if err := jpeg.Encode(&jb, src, nil); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		data []byte
	}{
		{"png", encodePNG(t, src)},
		{"jpeg", jb.Bytes()},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sha, vs, err := Process(tt.data, []int{320, 640})
			if err != nil {
				t.Fatalf("Process: %v", err)
			}
			if len(sha) != 64 {
				t.Errorf("sha = %q, want 64 hex digits", sha)
			}
			if len(vs) != 2 {
				t.Fatalf("got %d variants, want 2", len(vs))
			}
			for _, v := range vs {
				img, err := jpeg.Decode(bytes.NewReader(v.JPEG))
				if err != nil {
					t.Fatalf("variant %d is not a JPEG: %v", v.Width, err)
				}
				b := img.Bounds()
				if b.Dx() != v.Width || b.Dy() != v.Width*3/4 || v.Height != b.Dy() {
					t.Errorf("variant %d is %dx%d (height %d), want %dx%d", v.Width, b.Dx(), b.Dy(), v.Height, v.Width, v.Width*3/4)
				}
			}
		})
	}
}

func TestProcessRefuses(t *testing.T) {
	tiny := image.NewRGBA(image.Rect(0, 0, 8, 8))
	// A PNG header announcing 100000×100000 pixels: refused before decoding.
	huge := encodePNG(t, image.NewGray(image.Rect(0, 0, 20, 20)))
	huge[16], huge[17], huge[18], huge[19] = 0, 1, 0x86, 0xa0
	huge[20], huge[21], huge[22], huge[23] = 0, 1, 0x86, 0xa0
	binary.BigEndian.PutUint32(huge[29:], crc32.ChecksumIEEE(huge[12:29]))
	for _, tt := range []struct {
		name string
		data []byte
		want error
	}{
		{"empty", nil, ErrFormat},
		{"text", []byte("hello, this is not an image"), ErrFormat},
		{"gif", []byte("GIF89a\x01\x00\x01\x00\x00\x00\x00;"), ErrFormat},
		{"too small", encodePNG(t, tiny), ErrSmall},
		{"too many pixels", huge, ErrSize},
		{"too many bytes", make([]byte, MaxBytes+1), ErrSize},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if _, _, err := Process(tt.data, []int{320}); !errors.Is(err, tt.want) {
				t.Errorf("Process = %v, want %v", err, tt.want)
			}
		})
	}
}

func TestResizeAverages(t *testing.T) {
	// Two columns, black and white: halved, they average to grey.
	img := image.NewRGBA(image.Rect(0, 0, 4, 2))
	for y := 0; y < 2; y++ {
		img.Set(0, y, color.Black)
		img.Set(1, y, color.White)
		img.Set(2, y, color.Black)
		img.Set(3, y, color.White)
	}
	got := Resize(img, 2)
	if b := got.Bounds(); b.Dx() != 2 || b.Dy() != 1 {
		t.Fatalf("size = %v, want 2x1", b)
	}
	if c := got.RGBAAt(0, 0); c.R < 126 || c.R > 129 {
		t.Errorf("pixel = %v, want mid grey", c)
	}
}

func FuzzProcess(f *testing.F) {
	f.Add(encodePNG(f, image.NewRGBA(image.Rect(0, 0, 20, 20))))
	f.Add([]byte("\xff\xd8\xff\xe0"))
	f.Fuzz(func(t *testing.T, data []byte) {
		Process(data, []int{32})
	})
}

func BenchmarkPlaceholder(b *testing.B) {
	for b.Loop() {
		if _, err := Variants(Placeholder("Mapo Tofu"), []int{320, 640}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkDraw(b *testing.B) {
	for b.Loop() {
		Placeholder("Mapo Tofu")
	}
}

func BenchmarkEncode640(b *testing.B) {
	img := Placeholder("Mapo Tofu")
	for b.Loop() {
		jpeg.Encode(&bytes.Buffer{}, img, &jpeg.Options{Quality: 80})
	}
}
