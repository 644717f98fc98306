//go:build !windows

package main

import "context"

// runAsService reports false: only Windows has a service manager to talk
// to; systemd runs the bridge as a plain process.
func runAsService(func(ctx context.Context) error) (bool, error) { return false, nil }
