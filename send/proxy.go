package send

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"

	"gaff/storage"
)

// ProxyAnswer is the forward target's response, to relay to the provider
// in --forward-mode proxy.
type ProxyAnswer struct {
	Status   int
	Header   storage.Headers // hop-by-hop and Content-Length already dropped
	Body     []byte
	Delivery *storage.Delivery // the stored forward attempt; nil for a loop, which is not sent
}

// Proxy forwards r synchronously and returns the target's response, so the
// provider sees the real handler's answer. The attempt is stored once, as
// the capture's forward. An error (no answer, or one too large to relay
// whole) means the caller answers by itself: capture falls back to gaff's
// own answer, so the provider still gets one within the timeout. A capture
// this gaff sent itself is not sent again: it is answered 508 Loop Detected.
func (f *Forwarder) Proxy(ctx context.Context, r *storage.Request) (*ProxyAnswer, error) {
	target := f.Target()
	if target == "" {
		return nil, errors.New("forwarding is off: no target")
	}
	if why := notForwardable(r); why != "" {
		f.mu.RLock()
		if !f.closed {
			f.skip(r, target, why)
		}
		f.mu.RUnlock()
		if a := LoopAnswer(r); a != nil {
			return a, nil
		}
		return nil, errors.New(why)
	}
	d := f.forward(ctx, r, target)
	switch {
	case d.Status == 0:
		return nil, fmt.Errorf("no answer from %s: %s", d.URL, d.Error)
	case d.RespTruncated:
		return nil, fmt.Errorf("the answer from %s is larger than %d bytes or was cut; gaff answered by itself rather than relay part of it", d.URL, f.s.Client.MaxResponse)
	}
	var h storage.Headers
	for _, x := range d.RespHeaders {
		if !hopByHop[strings.ToLower(x.Name)] {
			h = append(h, x)
		}
	}
	return &ProxyAnswer{Status: d.Status, Header: h, Body: d.RespBody, Delivery: d}, nil
}

// LoopAnswer is the answer to a capture this gaff sent itself, nil for any
// other: 508 Loop Detected and why, in copy mode too. Gaff's usual 200
// would tell whoever sent it round (this gaff's own forward, or another
// gaff's) that it was delivered.
func LoopAnswer(r *storage.Request) *ProxyAnswer {
	if !cameBack(r) {
		return nil
	}
	return &ProxyAnswer{Status: http.StatusLoopDetected, Body: []byte("gaff: " + notForwardable(r) + "\n"),
		Header: storage.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}}}
}
