//go:build windows

package main

import (
	"context"

	"golang.org/x/sys/windows/svc"
)

// runAsService runs fn under the Windows Service Control Manager when the
// process was started as a service (sc.exe create ... binPath= "bridge.exe
// run ..."), and reports whether it did. A stop or shutdown request
// cancels fn's context; queued print jobs stay on disk.
func runAsService(fn func(ctx context.Context) error) (bool, error) {
	is, err := svc.IsWindowsService()
	if err != nil || !is {
		return false, err
	}
	h := &service{fn: fn}
	if err := svc.Run("QRPOSBridge", h); err != nil {
		return true, err
	}
	return true, h.err
}

type service struct {
	fn  func(ctx context.Context) error
	err error
}

func (s *service) Execute(_ []string, req <-chan svc.ChangeRequest, status chan<- svc.Status) (bool, uint32) {
	status <- svc.Status{State: svc.StartPending}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	done := make(chan error, 1)
	go func() { done <- s.fn(ctx) }()
	status <- svc.Status{State: svc.Running, Accepts: svc.AcceptStop | svc.AcceptShutdown}
	for {
		select {
		case s.err = <-done:
			if s.err != nil {
				return false, 1
			}
			return false, 0
		case c := <-req:
			switch c.Cmd {
			case svc.Interrogate:
				status <- c.CurrentStatus
			case svc.Stop, svc.Shutdown:
				status <- svc.Status{State: svc.StopPending}
				cancel()
				s.err = <-done
				return false, 0
			}
		}
	}
}
