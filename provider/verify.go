package provider

import (
	"crypto/hmac"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Verdict results, as stored and printed in JSON output (a contract).
const (
	Valid    = "valid"
	Invalid  = "invalid"
	Unsigned = "unsigned"  // the request carries no signature header of its provider
	NoSecret = "no-secret" // it does, but no usable secret was given to check it
)

// Fault says which part of a signature failed, for UIs that colour or
// group verdicts without parsing Reason.
const (
	FaultSignature = "signature" // the MAC or signature differs: tampered body or wrong secret
	FaultTimestamp = "timestamp" // the signature matches but its timestamp is outside the tolerance
	FaultMalformed = "malformed" // a signature header cannot be parsed
	FaultSecret    = "secret"    // the configured secret is not in the scheme's format
)

// Verdict is the outcome of checking a request's signature.
type Verdict struct {
	Result string // Valid, Invalid, Unsigned or NoSecret
	// Reason explains any result but Valid in words for the user:
	// "signature does not match", "timestamp 612 s old, outside 300 s
	// tolerance (the signature matches)", "malformed header: …",
	// "unusable secret: …".
	Reason string
	Fault  string // one of the Fault constants, or "" when Valid or Unsigned
}

// Tolerance is how far a signed timestamp may be from the time of receipt
// for Stripe, Slack and Standard Webhooks: 300 s is what each of their
// SDKs defaults to.
const Tolerance = 300 * time.Second

// twitchMaxAge is Twitch's documented replay window (old messages only).
const twitchMaxAge = 10 * time.Minute

type verifier func(secret string, r *Request, now time.Time) Verdict

var verifiers = map[string]verifier{
	GitHub:           verifyHubSignature,
	Meta:             verifyHubSignature,
	Jira:             verifyHubSignature,
	Stripe:           verifyStripe,
	Slack:            verifySlack,
	StandardWebhooks: verifyStandardWebhooks,
	Shopify:          verifyShopify,
	Twilio:           verifyTwilio,
	Discord:          verifyDiscord,
	Zoom:             verifyZoom,
	Linear:           verifyLinear,
	Twitch:           verifyTwitch,
	Dropbox:          verifyDropbox,
	X:                verifyX,
	MSGraph:          verifyMSGraph,
}

// Verify checks r's signature as providerID signs it, keyed by secret (for
// Discord: the application's hex public key). now is the moment the request
// was received — pass the capture time, not the wall clock, or every old
// capture of a timestamped scheme reads as expired.
//
// A request without its provider's signature header is Unsigned; with one
// but without a secret, NoSecret. Signature comparisons are constant-time,
// and no header value, however hostile, makes Verify panic.
func Verify(providerID, secret string, r *Request, now time.Time) Verdict {
	if r == nil {
		return Verdict{Result: Unsigned, Reason: "no request"}
	}
	v, ok := verifiers[providerID]
	if !ok {
		return Verdict{Result: Unsigned, Reason: "gaff knows no signature scheme for this sender"}
	}
	return v(secret, r, now)
}

// VerifiedProviders lists the provider IDs Verify has a scheme for.
func VerifiedProviders() []string {
	var out []string
	for _, id := range IDs() {
		if _, ok := verifiers[id]; ok && id != MSGraph {
			out = append(out, id)
		}
	}
	return out
}

func valid() Verdict { return Verdict{Result: Valid} }

func unsigned() Verdict { return Verdict{Result: Unsigned} }

func noSecret(header string) Verdict {
	return Verdict{Result: NoSecret, Reason: header + " is present but no secret is configured for this provider; pass --secret PROVIDER=SECRET to check it"}
}

func mismatch() Verdict {
	return Verdict{Result: Invalid, Reason: "signature does not match", Fault: FaultSignature}
}

func malformed(format string, args ...any) Verdict {
	return Verdict{Result: Invalid, Reason: "malformed header: " + fmt.Sprintf(format, args...), Fault: FaultMalformed}
}

func badSecret(format string, args ...any) Verdict {
	return Verdict{Result: NoSecret, Reason: "unusable secret: " + fmt.Sprintf(format, args...), Fault: FaultSecret}
}

// maxUnix bounds accepted Unix-second timestamps (year 33658), so
// arithmetic on hostile values cannot overflow and millisecond values are
// caught as malformed.
const maxUnix = 1e12

// parseUnix parses a Unix-seconds timestamp header value.
func parseUnix(header, s string) (int64, *Verdict) {
	ts, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
	if err != nil || ts < 0 || ts >= maxUnix {
		v := malformed("%s %q is not a Unix time in seconds", header, clip(s))
		return 0, &v
	}
	return ts, nil
}

// checkAge compares a signed timestamp with the time of receipt. It runs
// after the signature matched, so its reason can say the signature is
// right and only the clock is not. bothWays also rejects timestamps from
// the future (a sender clock ahead, or a pre-computed replay).
func checkAge(ts time.Time, now time.Time, tolerance time.Duration, bothWays bool) Verdict {
	d := now.Sub(ts)
	tol := int64(tolerance / time.Second)
	switch {
	case d > tolerance:
		return Verdict{Result: Invalid, Fault: FaultTimestamp,
			Reason: fmt.Sprintf("timestamp %d s old, outside %d s tolerance (the signature matches; a replay or a late delivery)", int64(d/time.Second), tol)}
	case bothWays && -d > tolerance:
		return Verdict{Result: Invalid, Fault: FaultTimestamp,
			Reason: fmt.Sprintf("timestamp %d s in the future, outside %d s tolerance (the signature matches; the sender's clock is ahead of this one)", int64(-d/time.Second), tol)}
	}
	return valid()
}

// matchHex reports whether sig, a hex string, encodes want. ok is false
// when sig is not hex at all, so callers can tell garbage from a mismatch.
func matchHex(sig string, want []byte) (match, ok bool) {
	got, err := hex.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false, false
	}
	return hmac.Equal(got, want), true
}

// matchBase64 is matchHex for standard padded base64.
func matchBase64(sig string, want []byte) (match, ok bool) {
	got, err := base64.StdEncoding.DecodeString(strings.TrimSpace(sig))
	if err != nil {
		return false, false
	}
	return hmac.Equal(got, want), true
}

// clip shortens hostile header values quoted in reasons.
func clip(s string) string {
	const max = 40
	if len(s) <= max {
		return s
	}
	return s[:max] + "…"
}
