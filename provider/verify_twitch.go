package provider

import (
	"crypto/sha256"
	"strings"
	"time"
)

// verifyTwitch checks Twitch-Eventsub-Message-Signature = "sha256=" +
// hex(HMAC-SHA256(secret, message id + message timestamp + body)), then
// Twitch's documented replay rule: reject messages older than 10 minutes.
func verifyTwitch(secret string, r *Request, now time.Time) Verdict {
	const sigName = "Twitch-Eventsub-Message-Signature"
	if !r.has(sigName) {
		return unsigned()
	}
	if secret == "" {
		return noSecret(sigName)
	}
	value := r.header(sigName)
	sig, ok := strings.CutPrefix(strings.TrimSpace(value), "sha256=")
	if !ok {
		return malformed("%s %q does not start with sha256=", sigName, clip(value))
	}
	id := r.header("Twitch-Eventsub-Message-Id")
	raw := r.header("Twitch-Eventsub-Message-Timestamp")
	if id == "" || raw == "" {
		return malformed("%s without Twitch-Eventsub-Message-Id and -Timestamp", sigName)
	}
	ts, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(raw))
	if err != nil {
		return malformed("Twitch-Eventsub-Message-Timestamp %q is not RFC 3339", clip(raw))
	}
	match, ok := matchHex(sig, mac(sha256.New, []byte(secret), []byte(id+raw), r.Body))
	if !ok {
		return malformed("%s digest is not hex", sigName)
	}
	if !match {
		return mismatch()
	}
	return checkAge(ts, now, twitchMaxAge, false)
}
