package tunnel

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The SDK's own error values are exercised end to end against a fake
// server in ngrok_fake_test.go. These cover the standard library errors
// the SDK wraps, and codes that reach gaff only as text.
func TestClassify(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Addr: &net.TCPAddr{IP: net.IPv4(18, 0, 0, 1), Port: 443}, Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	sdkText := func(msg, code string) error {
		return fmt.Errorf("failed to connect: authentication failed: %w", errors.New(msg+"\r\n\r\n"+code+"\r\n"))
	}
	tests := []struct {
		name   string
		err    error
		kind   Kind
		msgHas string
	}{
		{"nil", nil, KindNone, ""},
		{"canceled", fmt.Errorf("x: %w", context.Canceled), KindClosed, "closed"},
		{"closed listener", fmt.Errorf("accept: %w", net.ErrClosed), KindClosed, "closed"},
		{"missing token", sdkText("This ngrok session is not authenticated.", "ERR_NGROK_4018"), KindAuth, "needs an authtoken"},
		{"bad token", sdkText("The authtoken you specified is properly formed, but it is invalid.", "ERR_NGROK_107"), KindAuth, "refused the authtoken: The authtoken you specified is properly formed"},
		{"session limit", sdkText("Your account is limited to 1 simultaneous ngrok agent sessions.", "ERR_NGROK_108"), KindAccount, "limited to 1"},
		{"domain", sdkText("You must reserve a custom hostname.", "ERR_NGROK_319"), KindURL, "would not create the endpoint"},
		{"policy", sdkText("Invalid policy action type `nope`.", "ERR_NGROK_2201"), KindPolicy, "rejected the traffic policy"},
		{"other code", sdkText("Something else.", "ERR_NGROK_9999"), KindNgrok, "ERR_NGROK_9999"},
		{"dns", &net.OpError{Op: "dial", Err: &net.DNSError{Name: "connect.ngrok-agent.com", Err: "no such host", IsNotFound: true}}, KindNetwork, "connect.ngrok-agent.com"},
		{"refused", fmt.Errorf("failed to dial ngrok server: %w", refused), KindNetwork, "refused by 18.0.0.1:443"},
		{"unreachable", &net.OpError{Op: "dial", Err: os.NewSyscallError("connect", syscall.ENETUNREACH)}, KindNetwork, "no route"},
		{"eof", fmt.Errorf("failed to send authentication request: %w", io.EOF), KindNetwork, "was cut"},
		{"muxado", errors.New("remote gone away"), KindNetwork, "lost the connection"},
		{"not tls", tls.RecordHeaderError{Msg: "first record does not look like a TLS handshake"}, KindTLS, "does not speak TLS"},
		{"intercepted", &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}, KindTLS, "not ngrok's"},
		{"timeout, nothing heard", &connectTimeoutError{after: 15 * time.Second}, KindTimeout, "no answer from ngrok within 15s"},
		{"timeout after refusals", &connectTimeoutError{after: 15 * time.Second, last: refused}, KindNetwork, "refused by 18.0.0.1:443 (gave up after 15s)"},
		{"unknown", errors.New("something odd\nmore detail"), KindUnknown, "something odd"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			kind, msg, hint := Classify(tt.err)
			if kind != tt.kind || !strings.Contains(msg, tt.msgHas) {
				t.Errorf("Classify = %v, %q; want %v and a message containing %q", kind, msg, tt.kind, tt.msgHas)
			}
			if strings.Contains(msg, "\n") {
				t.Errorf("message %q has more than one line", msg)
			}
			if kind != KindNone && kind != KindClosed && hint == "" {
				t.Errorf("no hint for %v", kind)
			}
		})
	}
}

func TestKindPermanent(t *testing.T) {
	for k := KindNone; k <= KindUnknown; k++ {
		want := k == KindAuth || k == KindAccount || k == KindURL || k == KindPolicy
		if k.Permanent() != want {
			t.Errorf("%v.Permanent() = %v", k, k.Permanent())
		}
		if strings.HasPrefix(k.String(), "Kind(") {
			t.Errorf("Kind %d has no name", int(k))
		}
	}
}
