package provider

import (
	"crypto/ed25519"
	"encoding/hex"
	"fmt"
	"strings"
	"time"
)

// discordKey decodes the application public key shown in Discord's
// Developer Portal (64 hex characters).
func discordKey(s string) (ed25519.PublicKey, error) {
	s = strings.TrimSpace(s)
	b, err := hex.DecodeString(s)
	if err != nil || len(b) != ed25519.PublicKeySize {
		return nil, fmt.Errorf("the Discord public key must be %d hex characters (got %d characters); copy it from the application's General Information page", 2*ed25519.PublicKeySize, len(s))
	}
	return ed25519.PublicKey(b), nil
}

// discordCheck is the Ed25519 check of timestamp+body shared by Verify and
// the PING handshake. It returns a non-nil Verdict on anything but a good
// signature.
func discordCheck(key ed25519.PublicKey, r *Request) *Verdict {
	if !r.has("X-Signature-Timestamp") {
		v := malformed("X-Signature-Ed25519 without X-Signature-Timestamp")
		return &v
	}
	sig, err := hex.DecodeString(strings.TrimSpace(r.header("X-Signature-Ed25519")))
	if err != nil || len(sig) != ed25519.SignatureSize {
		v := malformed("X-Signature-Ed25519 is not %d hex characters", 2*ed25519.SignatureSize)
		return &v
	}
	ts := r.header("X-Signature-Timestamp")
	msg := make([]byte, 0, len(ts)+len(r.Body))
	msg = append(append(msg, ts...), r.Body...)
	if !ed25519.Verify(key, msg, sig) {
		v := mismatch()
		return &v
	}
	return nil
}

// verifyDiscord checks X-Signature-Ed25519 over X-Signature-Timestamp +
// body with the application's public key (the "secret" here). Discord
// publishes no timestamp tolerance, so none is applied.
func verifyDiscord(secret string, r *Request, _ time.Time) Verdict {
	if !r.has("X-Signature-Ed25519") {
		return unsigned()
	}
	if strings.TrimSpace(secret) == "" {
		return noSecret("X-Signature-Ed25519")
	}
	key, err := discordKey(secret)
	if err != nil {
		return badSecret("%v", err)
	}
	if v := discordCheck(key, r); v != nil {
		return *v
	}
	return valid()
}
