package provider

import (
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"time"
)

// stripeSignature is a parsed Stripe-Signature header.
type stripeSignature struct {
	t  int64
	v1 []string
}

// maxStripeElements bounds the work a hostile header can cause.
const maxStripeElements = 64

// parseStripeSignature reads "t=<unix>,v1=<hex>[,v1=…][,v0=…]" as
// Stripe's own libraries do: elements are split on "," alone, so after
// ", " an element starts with a space and is not t or v1; unknown elements
// (v0 test signatures, future schemes) are skipped; a later t replaces an
// earlier one.
func parseStripeSignature(value string) (stripeSignature, error) {
	var s stripeSignature
	haveT := false
	spaced := "" // t or v1 behind a space, which the libraries ignore
	for i, item := range strings.Split(strings.TrimSpace(value), ",") {
		if i >= maxStripeElements {
			return s, errors.New("Stripe-Signature has too many elements")
		}
		k, v, ok := strings.Cut(item, "=")
		if !ok {
			continue
		}
		switch k {
		case "t":
			ts, err := strconv.ParseInt(v, 10, 64)
			if err != nil || ts < 0 || ts >= maxUnix {
				return s, errors.New("Stripe-Signature t=" + strconv.Quote(clip(v)) + " is not a Unix time in seconds")
			}
			s.t, haveT = ts, true
		case "v1":
			s.v1 = append(s.v1, v)
		default:
			if bare := strings.TrimLeft(k, " \t"); bare != k && (bare == "t" || bare == "v1") && spaced == "" {
				spaced = bare
			}
		}
	}
	hint := ""
	if spaced != "" {
		hint = " (\" " + spaced + "=…\" starts with a space: Stripe's libraries split on \",\" alone and ignore it; Stripe never sends spaces)"
	}
	if !haveT {
		return s, errors.New("Stripe-Signature has no t= timestamp" + hint)
	}
	if len(s.v1) == 0 {
		return s, errors.New("Stripe-Signature has no v1= signature" + hint)
	}
	return s, nil
}

// verifyStripe checks any v1 against HMAC-SHA256(whole whsec_ secret,
// "<t>.<body>"), then the timestamp's age. Like stripe-node and stripe-go
// it accepts a timestamp from the future: a sender's clock ahead of this
// one is no reason to call Stripe's own signature invalid.
func verifyStripe(secret string, r *Request, now time.Time) Verdict {
	if !r.has("Stripe-Signature") {
		return unsigned()
	}
	if secret == "" {
		return noSecret("Stripe-Signature")
	}
	sig, err := parseStripeSignature(r.header("Stripe-Signature"))
	if err != nil {
		return malformed("%v", err)
	}
	want := mac(sha256.New, []byte(secret), []byte(strconv.FormatInt(sig.t, 10)+"."), r.Body)
	matched, anyHex := false, false
	for _, v := range sig.v1 {
		m, ok := matchHex(v, want)
		anyHex = anyHex || ok
		matched = matched || m
	}
	if !anyHex {
		return malformed("Stripe-Signature v1 is not hex")
	}
	if !matched {
		return mismatch()
	}
	return checkAge(time.Unix(sig.t, 0), now, Tolerance, false)
}
