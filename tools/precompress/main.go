// Command precompress writes brotli (.br) and gzip (.gz) copies of a file
// next to it, at the highest compression levels: go-app serves app.wasm
// uncompressed, and tablets on restaurant Wi-Fi should not pay for that.
//
//	go run ./tools/precompress web/app.wasm
package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"path/filepath"
	"time"

	"github.com/andybalholm/brotli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	err := run(ctx, os.Args[1:], os.Stdout)
	stop()
	if err != nil {
		fmt.Fprintln(os.Stderr, "precompress:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("precompress", flag.ContinueOnError)
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() == 0 {
		return errors.New("usage: precompress FILE...")
	}
	for _, path := range fs.Args() {
		if err := ctx.Err(); err != nil {
			return err
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		br, err := ensure(path+".br", src, func(w io.Writer) io.WriteCloser {
			return brotli.NewWriterOptions(w, brotli.WriterOptions{Quality: brotli.BestCompression, LGWin: 24})
		}, func(r io.Reader) (io.Reader, error) { return brotli.NewReader(r), nil })
		if err != nil {
			return err
		}
		gz, err := ensure(path+".gz", src, func(w io.Writer) io.WriteCloser {
			z, _ := gzip.NewWriterLevel(w, gzip.BestCompression)
			return z
		}, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "%s: %d bytes, gzip %d, brotli %d\n", filepath.Base(path), len(src), gz, br)
	}
	return nil
}

// ensure makes path a compressed copy of src. Brotli at its best level
// takes half a minute for the app, so a copy that already decompresses to
// src is kept (and its time refreshed, so the server sees it is current).
func ensure(path string, src []byte, newWriter func(io.Writer) io.WriteCloser, newReader func(io.Reader) (io.Reader, error)) (int64, error) {
	if f, err := os.Open(path); err == nil {
		same := false
		if r, err := newReader(f); err == nil {
			got, err := io.ReadAll(io.LimitReader(r, int64(len(src))+1))
			same = err == nil && bytes.Equal(got, src)
		}
		st, _ := f.Stat()
		f.Close()
		if same && st != nil {
			now := time.Now()
			return st.Size(), os.Chtimes(path, now, now)
		}
	}
	return write(path, src, newWriter)
}

// write compresses src into path atomically (temp file, then rename), so a
// server never serves half a file, and returns the compressed size.
func write(path string, src []byte, newWriter func(io.Writer) io.WriteCloser) (int64, error) {
	tmp, err := os.CreateTemp(filepath.Dir(path), filepath.Base(path)+".*")
	if err != nil {
		return 0, err
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return 0, err
	}
	zw := newWriter(tmp)
	if _, err := zw.Write(src); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("compress %s: %w", path, err)
	}
	if err := zw.Close(); err != nil {
		tmp.Close()
		return 0, fmt.Errorf("compress %s: %w", path, err)
	}
	st, err := tmp.Stat()
	if err != nil {
		tmp.Close()
		return 0, err
	}
	if err := tmp.Close(); err != nil {
		return 0, err
	}
	return st.Size(), os.Rename(tmp.Name(), path)
}
