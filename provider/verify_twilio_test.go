package provider

import (
	"strings"
	"testing"
	"time"
)

const twilioVectorForm = "CallSid=CA1234567890ABCDE&Caller=%2B14158675309&Digits=1234&From=%2B14158675309&To=%2B18005551212"

func twilioForm(url, sig string, kv ...string) *Request {
	return req("POST", url, twilioVectorForm, append([]string{
		"Content-Type", "application/x-www-form-urlencoded", "X-Twilio-Signature", sig}, kv...)...)
}

// twilio-node signs the URL as the WHATWG URL parser prints it, and also
// tries it with the query re-encoded by Node's querystring module; gaff
// accepts what it accepts. Signatures computed with Python's hmac over
// the URL forms twilio-node builds.
func TestTwilioURLFormsTwilioNodeAccepts(t *testing.T) {
	tests := []struct{ name, url, sig string }{
		// new URL() percent-encodes ' and " in the query of an http(s) URL.
		{"URL parser re-encoding", `https://mycompany.com/myapp.php?name=O'Brien&x="q"`, "nZQS2AkSCGst8qOJfhuxIjH2NHA="},
		// querystring.parse then stringify: + is a space (%20), %7e is ~,
		// repeated names are grouped.
		{"legacy querystring", "https://mycompany.com/myapp.php?foo=1+2&bar=%7e&foo=3", "CI1fGQk7xqzMud0UV4asJS7qWiY="},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if v := Verify(Twilio, "12345", twilioForm(tt.url, tt.sig), time.Now()); v.Result != Valid {
				t.Fatalf("%+v, want valid", v)
			}
		})
	}
}

// A Webhooks rule can have Twilio sign with a shared key and HMAC-SHA256;
// X-Twilio-Webhooks-Signature-Settings then names the key and algorithm,
// and the string signed is the same.
func TestTwilioSignatureSettings(t *testing.T) {
	const key = "KSsecret-shared-key"
	const url = "https://mycompany.com/myapp.php?foo=1&bar=2"
	settings := func(alg string) []string {
		return []string{"X-Twilio-Webhooks-Signature-Settings", "key=KS0123456789abcdef0123456789abcdef,algorithm=" + alg}
	}
	sha256Sig := "ppLB23L30cAzLutBPB4I4+8eN8T9zdF+uLW0PyCOGyM="
	tests := []struct {
		name, secret string
		r            *Request
		want, fault  string
		in           string
	}{
		{"HMAC_SHA256", key, twilioForm(url, sha256Sig, settings("HMAC_SHA256")...), Valid, "", ""},
		{"HMAC_SHA256, JSON body", key, req("POST", "https://example.com/myapp?bodySHA256=5ccde7145dfb8f56479710896586cb9d5911809d83afbe34627818790db0aec9",
			`{"CallSid":"CA1234567890ABCDE","Caller":"+12349013030"}`, append([]string{"Content-Type", "application/json",
				"X-Twilio-Signature", "hB+itbzc24Mf7Bde5F0QHFC9FPiMImyo2YT6kDFBrIo="}, settings("HMAC_SHA256")...)...), Valid, "", ""},
		{"HMAC_SHA1 named", "12345", twilioForm(url, "RSOYDt4T1cUTdK1PDd93/VVr8B8=", settings("HMAC_SHA1")...), Valid, "", ""},
		{"HMAC_SHA256 checked with the auth token", "12345", twilioForm(url, sha256Sig, settings("HMAC_SHA256")...), Invalid, FaultSignature, "KS0123456789abcdef0123456789abcdef"},
		{"unknown algorithm", key, twilioForm(url, sha256Sig, settings("HMAC_MD5")...), Invalid, FaultMalformed, "HMAC_MD5"},
		{"SHA-256 signature without the settings header", key, twilioForm(url, sha256Sig), Invalid, FaultMalformed, "HMAC-SHA1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(Twilio, tt.secret, tt.r, time.Now())
			if v.Result != tt.want || v.Fault != tt.fault || !strings.Contains(v.Reason, tt.in) {
				t.Fatalf("%+v, want %s/%s with reason containing %q", v, tt.want, tt.fault, tt.in)
			}
		})
	}
}
