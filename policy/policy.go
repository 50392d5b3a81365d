// Package policy is how gaff answers a capture: the provider secrets that
// give signature verdicts and answer handshakes, the handshakes switched
// off, the refusal of invalid signatures and the user's own responses; its
// saved form, the --respond syntax, this run's flags layered over what was
// saved, and the masking of secrets on screen. The capture handler, the UI
// and the command line all use it.
package policy

import (
	"fmt"
	"maps"
	"net/http"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// Answer is what gaff replies to a capture.
type Answer struct {
	Status int
	Header storage.Headers
	Body   []byte
	Delay  time.Duration // wait before answering, to test a provider's timeout
	Drip   time.Duration // send the body slowly, over this long
	// Hang holds the connection without an answer; Reset closes it without
	// one. The capture is stored first either way.
	Hang, Reset bool
	// Label says why this answer, for the UI ("answered Slack challenge").
	Label string
}

// Policy is how gaff answers: provider secrets (for signature verdicts and
// handshakes that need one), which handshakes are off, whether invalid
// signatures are refused, and the user's own responses. It is immutable
// once built; the handler swaps whole policies atomically, so the TUI can
// change it while captures run.
type Policy struct {
	// Secrets by provider id ("github", "stripe", …). Special keys:
	// "meta-verify-token" for Meta's subscription challenge.
	Secrets       map[string]string
	NoHandshakes  map[string]bool // handshake kinds switched off; "all" for every one
	RejectInvalid bool
	Responses     []ResponseRule // see Match
	// State is where rules that change over time keep count; shared by
	// every clone, never saved (see RuleStates).
	State *RuleStates
}

// MetaVerifyTokenKey is the Secrets key of Meta's hub.verify_token.
const MetaVerifyTokenKey = "meta-verify-token"

// ResponseRule is an answer the user chose, for every path (Prefix "") or
// those under Prefix.
type ResponseRule struct {
	Prefix string          `json:"prefix"`
	Status int             `json:"status"`
	Header storage.Headers `json:"headers,omitempty"`
	Body   string          `json:"body,omitempty"`
	Delay  time.Duration   `json:"delay,omitempty"`
	// Answers that change over time (README.md, "Your own answers").
	Seq        []int         `json:"seq,omitempty"`         // statuses in turn; the last sticks
	Rate       float64       `json:"rate,omitempty"`        // percent answered by the rule; 0: all
	After      int           `json:"after,omitempty"`       // this many get the default answer first
	RetryAfter string        `json:"retry_after,omitempty"` // seconds, for the Retry-After header
	Drip       time.Duration `json:"drip,omitempty"`
	Hang       bool          `json:"hang,omitempty"`
	Reset      bool          `json:"reset,omitempty"`
}

// MaxDelay bounds a configured answer delay: long enough to trip any
// provider's timeout (the longest is 30 s), short enough not to pile up
// connections.
const MaxDelay = 2 * time.Minute

// Clone copies p so a copy can be changed and swapped in.
func (p *Policy) Clone() *Policy {
	c := *p
	c.Secrets = maps.Clone(p.Secrets)
	c.NoHandshakes = maps.Clone(p.NoHandshakes)
	c.Responses = append([]ResponseRule(nil), p.Responses...)
	if c.Secrets == nil {
		c.Secrets = map[string]string{}
	}
	if c.NoHandshakes == nil {
		c.NoHandshakes = map[string]bool{}
	}
	return &c
}

// Validate reports a rule that cannot be served.
func (r ResponseRule) Validate() error {
	if err := r.validateStatus(); err != nil {
		return err
	}
	if err := r.validateTiming(); err != nil {
		return err
	}
	if r.Prefix != "" && !strings.HasPrefix(r.Prefix, "/") {
		return fmt.Errorf("path prefix %q must start with /", r.Prefix)
	}
	for _, h := range r.Header {
		if h.Name == "" || strings.ContainsAny(h.Name, " :\r\n") || strings.ContainsAny(h.Value, "\r\n") {
			return fmt.Errorf("header %q is not a valid header", h.Name+": "+h.Value)
		}
	}
	return nil
}

// Match returns the rule for path: the longest matching prefix wins, and a
// rule with no prefix applies to everything else.
func (p *Policy) Match(path string) *ResponseRule {
	var best *ResponseRule
	for i := range p.Responses {
		r := &p.Responses[i]
		if r.Prefix != "" && !strings.HasPrefix(path, r.Prefix) {
			continue
		}
		if best == nil || len(r.Prefix) > len(best.Prefix) {
			best = r
		}
	}
	return best
}

func (p *Policy) handshakeConfig(now time.Time) provider.HandshakeConfig {
	cfg := provider.HandshakeConfig{
		MetaVerifyToken:    p.Secrets[MetaVerifyTokenKey],
		ZoomSecretToken:    p.Secrets[provider.Zoom],
		XConsumerSecret:    p.Secrets[provider.X],
		DiscordPublicKey:   p.Secrets[provider.Discord],
		SlackSigningSecret: p.Secrets[provider.Slack],
		TwitchSecret:       p.Secrets[provider.Twitch],
		Now:                now,
	}
	// Built for every capture: with nothing disabled (the usual case) the
	// map stays nil, which reads as all enabled.
	if len(p.NoHandshakes) == 0 {
		return cfg
	}
	cfg.Disabled = map[string]bool{}
	for _, k := range provider.HandshakeKinds() {
		if p.NoHandshakes["all"] || p.NoHandshakes[k] {
			cfg.Disabled[k] = true
		}
	}
	return cfg
}

// Decide is the capture handler's decision gaff runs with: it names the provider and
// the event, checks the signature, answers a handshake if this is one, and otherwise applies
// --reject-invalid and the user's responses. Pure computation, no I/O:
// every handshake must be answered within the provider's few seconds.
func (p *Policy) Decide(r *storage.Request) *Answer {
	pr := providerRequest(r)
	a := p.decide(r, pr)
	// After decide: a handshake may be what names the provider.
	r.Event = provider.EventName(r.Provider, pr)
	// The writer marks repeats of it (ARCHITECTURE.md, "Duplicates").
	r.DeliveryID = provider.DeliveryID(r.Provider, pr)
	return a
}

func (p *Policy) decide(r *storage.Request, pr *provider.Request) *Answer {
	r.Provider = provider.Detect(pr)
	if r.Provider == "" {
		r.Provider = providerBySignature(pr)
	}
	if r.Provider != "" {
		v := provider.Verify(r.Provider, p.Secrets[r.Provider], pr, r.Time)
		r.Signature, r.SigReason = v.Result, v.Reason
	} else {
		// No provider's signature header either (providerBySignature
		// looked): every capture gets one of the four verdicts.
		r.Signature = provider.Unsigned
	}
	if a, ok := provider.Handshake(pr, p.handshakeConfig(r.Time)); a != nil {
		if !ok {
			r.Note = joinNote(r.Note, a.Label)
		} else {
			r.Handshake = a.Label
			if r.Provider == "" {
				r.Provider = providerOfHandshake(a.Kind)
			}
			return &Answer{Status: a.Status, Header: pairs(a.Header), Body: a.Body, Label: a.Label}
		}
	}
	if p.RejectInvalid && r.Signature == provider.Invalid {
		return &Answer{
			Status: http.StatusUnauthorized,
			Header: storage.Headers{{Name: "Content-Type", Value: "text/plain; charset=utf-8"}},
			Body:   []byte("gaff: invalid " + provider.Name(r.Provider) + " signature: " + r.SigReason + " (--reject-invalid)\n"),
		}
	}
	if rule := p.Match(r.Path()); rule != nil {
		return p.answer(rule)
	}
	return nil
}

// providerRequest adapts a capture for provider/: it rebuilds the URL the
// sender signed (Twilio signs the full URL).
func providerRequest(r *storage.Request) *provider.Request {
	return &provider.Request{Method: r.Method, URL: r.SenderURL(), Header: r.Headers.HTTP(), Body: r.Body}
}

// bySignature names the provider whose signature header a request carries,
// for requests detection could not place (a hand-made curl test, say), so
// they still get a verdict.
var bySignature = []struct{ header, provider string }{
	{"X-Hub-Signature-256", provider.GitHub}, {"X-Hub-Signature", provider.GitHub},
	{"Stripe-Signature", provider.Stripe}, {"X-Slack-Signature", provider.Slack},
	{"X-Shopify-Hmac-Sha256", provider.Shopify}, {provider.ShopifyEventsHmac, provider.Shopify},
	{"Webhook-Signature", provider.StandardWebhooks},
	{"Svix-Signature", provider.StandardWebhooks}, {"X-Twilio-Signature", provider.Twilio},
}

func providerBySignature(r *provider.Request) string {
	for _, x := range bySignature {
		if r.Header.Get(x.header) != "" {
			return x.provider
		}
	}
	return ""
}

func providerOfHandshake(kind string) string {
	id, _, _ := strings.Cut(kind, "-")
	if id == "msgraph" || id == "x" {
		return id
	}
	for _, p := range provider.IDs() {
		if p == id {
			return p
		}
	}
	return ""
}

func pairs(h []provider.HeaderPair) storage.Headers {
	out := make(storage.Headers, len(h))
	for i, x := range h {
		out[i] = storage.Header{Name: x.Name, Value: x.Value}
	}
	return out
}

func joinNote(a, b string) string {
	if a == "" {
		return b
	}
	return a + "; " + b
}
