package provider

import (
	"crypto/sha256"
	"strings"
	"time"
)

// verifySlack checks X-Slack-Signature = "v0=" + hex(HMAC-SHA256(signing
// secret, "v0:<ts>:<body>")) and holds X-Slack-Request-Timestamp to 300 s
// both ways, as Slack's Python SDK does (Bolt for JS checks only age).
func verifySlack(secret string, r *Request, now time.Time) Verdict {
	if !r.has("X-Slack-Signature") {
		return unsigned()
	}
	if secret == "" {
		return noSecret("X-Slack-Signature")
	}
	value := r.header("X-Slack-Signature")
	sig, ok := strings.CutPrefix(strings.TrimSpace(value), "v0=")
	if !ok {
		return malformed("X-Slack-Signature %q does not start with v0=", clip(value))
	}
	if !r.has("X-Slack-Request-Timestamp") {
		return malformed("X-Slack-Signature without X-Slack-Request-Timestamp")
	}
	raw := r.header("X-Slack-Request-Timestamp")
	ts, bad := parseUnix("X-Slack-Request-Timestamp", raw)
	if bad != nil {
		return *bad
	}
	// Slack's SDKs sign the header text as received, not a re-formatting of it.
	want := mac(sha256.New, []byte(secret), []byte("v0:"+raw+":"), r.Body)
	match, ok := matchHex(sig, want)
	if !ok {
		return malformed("X-Slack-Signature digest is not hex")
	}
	if !match {
		return mismatch()
	}
	return checkAge(time.Unix(ts, 0), now, Tolerance, true)
}
