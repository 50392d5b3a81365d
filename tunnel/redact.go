package tunnel

import (
	"context"
	"fmt"
	"log/slog"
	"strings"
)

// redactHandler hides a secret in every record that passes through it.
//
// ngrok quotes the authtoken back in its refusal ("Your authtoken: …",
// ERR_NGROK_105/107), and the SDK logs that error verbatim at Error level on
// every retry ((*reconnectingSession).connect). gaff's log is the
// file users attach to bug reports, so the token is replaced before it
// reaches the file.
type redactHandler struct {
	next   slog.Handler
	secret string
}

// minSecret keeps a short or empty "token" from redacting ordinary text.
const minSecret = 8

const redacted = "[authtoken]"

func newRedactHandler(next slog.Handler, secret string) slog.Handler {
	if len(secret) < minSecret {
		return next
	}
	return redactHandler{next: next, secret: secret}
}

func (h redactHandler) Enabled(ctx context.Context, l slog.Level) bool {
	return h.next.Enabled(ctx, l)
}

func (h redactHandler) Handle(ctx context.Context, r slog.Record) error {
	out := slog.NewRecord(r.Time, r.Level, h.clean(r.Message), r.PC)
	r.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.next.Handle(ctx, out)
}

func (h redactHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(attrs))
	for i, a := range attrs {
		clean[i] = h.attr(a)
	}
	return redactHandler{next: h.next.WithAttrs(clean), secret: h.secret}
}

func (h redactHandler) WithGroup(name string) slog.Handler {
	return redactHandler{next: h.next.WithGroup(name), secret: h.secret}
}

func (h redactHandler) clean(s string) string {
	return strings.ReplaceAll(s, h.secret, redacted)
}

func (h redactHandler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.clean(v.String()))
	case slog.KindGroup:
		group := v.Group()
		clean := make([]any, len(group))
		for i, g := range group {
			clean[i] = h.attr(g)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		// Errors and structs would be formatted by the next handler; format
		// them here instead, but only when that reveals the secret, so
		// ordinary values keep their type for JSON handlers.
		var s string
		switch x := v.Any().(type) {
		case error:
			s = x.Error()
		case fmt.Stringer:
			s = x.String()
		default:
			s = fmt.Sprintf("%+v", x)
		}
		if strings.Contains(s, h.secret) {
			return slog.String(a.Key, h.clean(s))
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}
