package provider

import (
	"strings"
	"testing"
)

// Stripe's libraries (stripe-node, stripe-go) split Stripe-Signature on
// "," and "=" alone and let a later t= replace an earlier one; gaff reads
// the header as they do, so it calls valid what they accept.
func TestStripeHeaderEdgesAsStripesLibraries(t *testing.T) {
	const (
		secret = "whsec_test_secret"
		body   = `{"id":"evt_1"}`
		v1     = "v1=248a374f50f943a28b0f6ab50faf9a7e7e29b710fa26df9fb1618b9bf8ea9c9a" // of t=1700000000
	)
	tests := []struct {
		name, header string
		now          int64
		want, fault  string
		in           string // substring of Reason
	}{
		{"a later t replaces an earlier one", "t=1600000000,t=1700000000," + v1, 1700000000, Valid, "", ""},
		{"the earlier t is not the one checked", "t=1700000000,t=1600000000," + v1, 1700000000, Invalid, FaultSignature, ""},
		{"a space after a comma hides v1", "t=1700000000, " + v1, 1700000000, Invalid, FaultMalformed, "starts with a space"},
		{"a space after a comma hides t", v1 + ", t=1700000000", 1700000000, Invalid, FaultMalformed, "starts with a space"},
		{"a timestamp from the future is only a clock ahead", "t=1700000000," + v1, 1700000000 - 3600, Valid, "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(Stripe, secret, req("POST", "/", body, "Stripe-Signature", tt.header), unix(tt.now))
			if v.Result != tt.want || v.Fault != tt.fault || !strings.Contains(v.Reason, tt.in) {
				t.Fatalf("%+v, want %s/%s with reason containing %q", v, tt.want, tt.fault, tt.in)
			}
		})
	}
}
