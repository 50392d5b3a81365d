//go:build linux || darwin || freebsd

package send

import (
	"errors"
	"net"
	"syscall"
)

// stillOpen asks the kernel, without waiting, whether an idle connection
// can carry another request: nothing to read yet. A close or reset the
// target sent, or bytes it should not have sent, mean it cannot. This
// settles what the idle watcher may not have seen yet when it was stopped.
func stillOpen(c net.Conn) bool {
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	open := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, _, rerr := syscall.Recvfrom(int(fd), b[:], syscall.MSG_PEEK|syscall.MSG_DONTWAIT)
		open = errors.Is(rerr, syscall.EAGAIN) || errors.Is(rerr, syscall.EWOULDBLOCK)
		return true
	})
	return err == nil && open
}
