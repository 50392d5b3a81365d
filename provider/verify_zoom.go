package provider

import (
	"crypto/sha256"
	"strings"
	"time"
)

// verifyZoom checks x-zm-signature = "v0=" + hex(HMAC-SHA256(secret token,
// "v0:<x-zm-request-timestamp>:<body>")). Zoom documents no tolerance for
// the timestamp, so gaff applies none rather than invent one.
func verifyZoom(secret string, r *Request, _ time.Time) Verdict {
	if !r.has("X-Zm-Signature") {
		return unsigned()
	}
	if secret == "" {
		return noSecret("x-zm-signature")
	}
	value := r.header("X-Zm-Signature")
	sig, ok := strings.CutPrefix(strings.TrimSpace(value), "v0=")
	if !ok {
		return malformed("x-zm-signature %q does not start with v0=", clip(value))
	}
	if !r.has("X-Zm-Request-Timestamp") {
		return malformed("x-zm-signature without x-zm-request-timestamp")
	}
	ts := r.header("X-Zm-Request-Timestamp")
	match, ok := matchHex(sig, mac(sha256.New, []byte(secret), []byte("v0:"+ts+":"), r.Body))
	if !ok {
		return malformed("x-zm-signature digest is not hex")
	}
	if !match {
		return mismatch()
	}
	return valid()
}
