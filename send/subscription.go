package send

import (
	"context"
	"errors"
	"fmt"
	"path"
	"slices"
	"strconv"
	"strings"
	"time"

	"gaff/provider"
	"gaff/sanitize"
	"gaff/storage"
)

// MaxSubscriptionTimeout bounds the per-attempt timeout a subscription may
// set: past it a hung target holds a worker for too long.
const MaxSubscriptionTimeout = 5 * time.Minute

// CheckSubscription fills in defaults (scheme none, the svix retry profile,
// the profile's timeout), stores the alias standard as svix, and says, in
// words, what is wrong with s: a URL gaff cannot send to, an unknown scheme
// or retry profile, a missing secret or one not in the scheme's format, a
// bad header or event pattern.
func CheckSubscription(s *storage.Subscription) error {
	s.Name = strings.TrimSpace(s.Name)
	s.URL = strings.TrimSpace(s.URL)
	if s.Scheme == "" {
		s.Scheme = provider.SchemeNone
	}
	if s.Retry == "" {
		s.Retry = RetrySvix
	}
	s.Retry = CanonicalRetry(s.Retry)
	prof, known := Profile(s.Retry)
	if s.Timeout == 0 && known {
		s.Timeout = prof.Timeout
	}
	switch {
	case s.Name == "":
		return errors.New("a subscription needs a name")
	case strings.ContainsFunc(s.Name, func(r rune) bool { return r < ' ' || r == 0x7f }):
		return fmt.Errorf("subscription name %q has control characters; use letters, digits and punctuation", s.Name)
	case isNumber(s.Name):
		return fmt.Errorf("subscription name %q is a number, and numbers pick subscriptions by id; use a word", s.Name)
	}
	if _, err := ParseTarget(s.URL); err != nil {
		return fmt.Errorf("subscription %s: %w", s.Name, err)
	}
	if err := CheckSigning(s.Scheme, s.Secret); err != nil {
		return fmt.Errorf("subscription %s: %w", s.Name, err)
	}
	if err := CheckHeaders(s.Headers); err != nil {
		return fmt.Errorf("subscription %s: %w", s.Name, err)
	}
	for _, e := range s.Events {
		if _, err := path.Match(e, ""); err != nil || e == "" || strings.ContainsAny(e, " \t,") {
			return fmt.Errorf("subscription %s: event type %q is not a name or pattern such as github.push or stripe.*", s.Name, e)
		}
	}
	if s.Timeout < 0 || s.Timeout > MaxSubscriptionTimeout {
		return fmt.Errorf("subscription %s: timeout %s is out of range; give one between 1ms and %s", s.Name, s.Timeout, MaxSubscriptionTimeout)
	}
	if !known {
		return fmt.Errorf("subscription %s: unknown retry profile %q; use one of %s (standard is svix)", s.Name, s.Retry, strings.Join(RetryPolicies(), ", "))
	}
	return nil
}

// CheckSigning refuses a scheme gaff cannot sign with and a secret it
// could not sign with, by signing an empty body once.
func CheckSigning(scheme, secret string) error {
	if !slices.Contains(provider.Schemes(), scheme) {
		return fmt.Errorf("unknown signing scheme %q; use one of %s", scheme, strings.Join(provider.Schemes(), ", "))
	}
	if scheme != provider.SchemeNone && secret == "" {
		return fmt.Errorf("signing as %s needs a secret: give one, or have gaff generate one", scheme)
	}
	_, err := provider.Sign(scheme, provider.SignInput{Secret: secret, Now: time.Now(), ID: "msg_check"})
	return err
}

func isNumber(s string) bool {
	_, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
	return err == nil
}

// CheckHeaders refuses headers that cannot go on the wire: a name that is
// not an HTTP token, a value with a control character other than tab (a
// line break, NUL, ESC, DEL…), which Go's client refuses to send.
func CheckHeaders(h storage.Headers) error {
	for _, x := range h {
		if !isToken(x.Name) {
			return fmt.Errorf("header name %q is not a valid HTTP header name", x.Name)
		}
		if i := strings.IndexFunc(x.Value, isControl); i >= 0 {
			what := "a control character"
			if c := x.Value[i]; c == '\r' || c == '\n' {
				what = "a line break"
			}
			return fmt.Errorf("header %s: the value has %s (%s), which HTTP cannot carry; remove it, or send the data in the body",
				x.Name, what, sanitize.Line(x.Value[i:i+1]))
		}
	}
	return nil
}

// isControl is what RFC 9110 leaves out of a field value: C0 controls
// but tab, and DEL.
func isControl(r rune) bool { return r < ' ' && r != '\t' || r == 0x7f }

// isToken reports whether s is an RFC 9110 token, as header names must be.
var isToken = provider.IsToken

// ParseHeader reads one header as a user types it: "Name: value".
func ParseHeader(s string) (storage.Header, error) {
	h, ok := storage.CutHeader(s)
	if !ok {
		return h, fmt.Errorf("header %q is not in the form 'Name: value'", s)
	}
	return h, CheckHeaders(storage.Headers{h})
}

// CreateSubscription checks s and stores it.
func CreateSubscription(ctx context.Context, db *storage.DB, s *storage.Subscription) error {
	if err := CheckSubscription(s); err != nil {
		return err
	}
	return db.CreateSubscription(ctx, s)
}

// UpdateSubscription checks s and rewrites the stored s.ID with it.
func UpdateSubscription(ctx context.Context, db *storage.DB, s *storage.Subscription) error {
	if err := CheckSubscription(s); err != nil {
		return err
	}
	return db.UpdateSubscription(ctx, s)
}

// FindSubscription picks a subscription by name, or by id when ref is a
// number (names never are: CheckSubscription refuses them).
func FindSubscription(ctx context.Context, db *storage.DB, ref string) (*storage.Subscription, error) {
	ref = strings.TrimSpace(ref)
	if isNumber(ref) {
		id, _ := strconv.ParseInt(strings.TrimPrefix(ref, "#"), 10, 64)
		return db.GetSubscription(ctx, id)
	}
	return db.SubscriptionByName(ctx, ref)
}

// Accepts reports whether s takes events of type eventType: it takes all
// when its list is empty, else those named or matched by a pattern. A
// trailing * takes any rest, slashes included (shopify.* takes
// shopify.orders/create); other patterns are path.Match globs.
func Accepts(s *storage.Subscription, eventType string) bool {
	if len(s.Events) == 0 {
		return true
	}
	for _, p := range s.Events {
		if prefix, ok := strings.CutSuffix(p, "*"); ok && strings.HasPrefix(eventType, prefix) {
			return true
		}
		if ok, _ := path.Match(p, eventType); ok || p == eventType {
			return true
		}
	}
	return false
}
