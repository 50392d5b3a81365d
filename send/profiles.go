package send

import (
	"time"

	"gaff/storage"
)

// Retry profiles a subscription can take: each misbehaves like one
// provider when the receiver fails (docs/providers.md, "Retry profiles").
const (
	RetryGitHub  = "github"
	RetryStripe  = "stripe"
	RetryShopify = "shopify"
	RetrySlack   = "slack"
	RetrySvix    = "svix"
	RetryZoom    = "zoom"
	RetryTesting = "testing" // Svix's shape in under a minute, for a dev loop
	RetryNone    = "none"    // one attempt
	// RetryStandard is the name the Svix profile had before there were
	// others; rows and scripts that say it keep working.
	RetryStandard = "standard"
)

// RetryProfile is what a provider does with a delivery it could not make.
type RetryProfile struct {
	// Steps holds the wait before each attempt: entry i is the wait after
	// attempt i (counted from 0, the first being immediate) before attempt
	// i+1.
	Steps []time.Duration
	// Timeout is how long the provider gives the receiver to answer; a
	// subscription's timeout defaults to it.
	Timeout time.Duration
	// GoneDisables: a 410 answer ends the event and switches the
	// subscription off, as Svix does. For the others 410 is one more
	// failure.
	GoneDisables bool
	// RetryHeaders: retries carry X-Slack-Retry-Num and -Reason.
	RetryHeaders bool
}

// doubling is n waits starting at first, each twice the one before: the
// exponential backoff providers describe without publishing the steps.
func doubling(first time.Duration, n int) []time.Duration {
	steps := make([]time.Duration, n)
	for i := range steps {
		steps[i] = first << i
	}
	return steps
}

var svixSteps = []time.Duration{0, 5 * time.Second, 5 * time.Minute, 30 * time.Minute, 2 * time.Hour, 5 * time.Hour, 10 * time.Hour, 10 * time.Hour}

// profiles follow each provider's published behaviour; where a provider
// publishes only an outline, the choice made is in docs/providers.md,
// "Retry profiles".
var profiles = map[string]RetryProfile{
	// GitHub does not retry: a failed delivery waits for a manual redelivery.
	RetryGitHub: {Steps: []time.Duration{0}, Timeout: 10 * time.Second},
	// Live mode, "up to three days with exponential backoff": doubling from
	// a minute, 12 retries, the last about 68 h after the first attempt.
	RetryStripe: {Steps: append([]time.Duration{0}, doubling(time.Minute, 12)...), Timeout: storage.DefaultSubscriptionTimeout},
	// "8 retries over 4 hours", exponential: doubling from a minute, the
	// last step cut so that the eighth retry comes at 4 h.
	RetryShopify: {Steps: append(append([]time.Duration{0}, doubling(time.Minute, 7)...), 113*time.Minute), Timeout: 5 * time.Second},
	// Nearly at once, then a minute, then five.
	RetrySlack: {Steps: []time.Duration{0, 0, time.Minute, 5 * time.Minute}, Timeout: 3 * time.Second, RetryHeaders: true},
	RetrySvix:  {Steps: svixSteps, Timeout: 15 * time.Second, GoneDisables: true},
	RetryZoom:  {Steps: []time.Duration{0, 5 * time.Minute, 20 * time.Minute, time.Hour}, Timeout: 3 * time.Second},
	RetryTesting: {Steps: []time.Duration{0, time.Second, 5 * time.Second, 15 * time.Second, 30 * time.Second},
		Timeout: storage.DefaultSubscriptionTimeout, GoneDisables: true},
	RetryNone: {Steps: []time.Duration{0}, Timeout: storage.DefaultSubscriptionTimeout, GoneDisables: true},
}

// RetryPolicies lists the profiles in the order a picker shows them.
func RetryPolicies() []string {
	return []string{RetryGitHub, RetryStripe, RetryShopify, RetrySlack, RetrySvix, RetryZoom, RetryTesting, RetryNone}
}

// CanonicalRetry is the profile name under which policy is stored: the
// alias standard is svix.
func CanonicalRetry(policy string) string {
	if policy == RetryStandard {
		return RetrySvix
	}
	return policy
}

// Profile is the retry profile called policy (an alias resolved); ok is
// false for a name gaff does not know.
func Profile(policy string) (p RetryProfile, ok bool) {
	p, ok = profiles[CanonicalRetry(policy)]
	return p, ok
}

// MaxAttempts is how many attempts the policy makes in all.
func MaxAttempts(policy string) int {
	p, _ := Profile(policy)
	return len(p.Steps)
}
