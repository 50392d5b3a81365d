package provider

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
)

const (
	alnumChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
	upperChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
	digitChars = "0123456789"
)

// GenerateSecret makes a fresh secret in the format the scheme's provider
// hands out, so a user can paste it into a receiver that checks the format
// (Standard Webhooks libraries reject a secret that is not base64).
func GenerateSecret(scheme string) (string, error) {
	switch scheme {
	case SchemeStandardWebhooks:
		return "whsec_" + base64.StdEncoding.EncodeToString(randomBytes(24)), nil
	case SchemeStripe:
		return "whsec_" + randomFrom(alnumChars, 32), nil
	case SchemeSlack:
		return randomHex(32), nil
	case SchemeGitHub:
		return randomHex(40), nil
	case SchemeShopify:
		return randomHex(64), nil
	case SchemeNone:
		return "", nil
	}
	return "", unknownSchemeError(scheme)
}

func unknownSchemeError(scheme string) error {
	return fmt.Errorf("unknown signing scheme %q; use one of %v", scheme, Schemes())
}

// randomBytes reads from crypto/rand, which never fails on supported
// platforms (Go 1.24+ crashes the program rather than return an error).
func randomBytes(n int) []byte {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return b
}

func randomHex(nChars int) string {
	s := hex.EncodeToString(randomBytes((nChars + 1) / 2))
	return s[:nChars]
}

// randomFrom picks n characters uniformly from set (len(set) ≤ 256) by
// rejection sampling, so ids have no modulo bias.
func randomFrom(set string, n int) string {
	out := make([]byte, 0, n)
	limit := 256 - 256%len(set)
	for len(out) < n {
		for _, b := range randomBytes(n - len(out) + 8) {
			if int(b) >= limit {
				continue
			}
			out = append(out, set[int(b)%len(set)])
			if len(out) == n {
				break
			}
		}
	}
	return string(out)
}

// randomDigits returns n decimal digits with a non-zero first digit, so the
// result is also a valid JSON number.
func randomDigits(n int) string {
	if n <= 0 {
		return ""
	}
	return randomFrom("123456789", 1) + randomFrom(digitChars, n-1)
}

// newUUID returns a random (version 4) UUID in canonical form.
func newUUID() string {
	b := randomBytes(16)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	h := hex.EncodeToString(b)
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// CheckSecret says why secret can never check provider id's signatures,
// for the providers whose secret has a format: Discord's public key (hex)
// and Standard Webhooks' whsec_ base64 key. Any text is an HMAC key, so
// the others are never refused.
func CheckSecret(id, secret string) error {
	var err error
	switch id {
	case Discord:
		_, err = discordKey(secret)
	case StandardWebhooks:
		_, err = standardWebhooksKey(secret)
	}
	return err
}
