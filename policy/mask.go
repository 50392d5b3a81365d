package policy

import "strings"

// Mask shows enough of a secret to tell two apart and no more: secrets are
// never shown whole on screen or in logs.
func Mask(secret string) string {
	if secret == "" {
		return ""
	}
	if len(secret) <= 8 {
		return strings.Repeat("•", 6)
	}
	head := ""
	if i := strings.Index(secret, "_"); i > 0 && i <= 6 {
		head = secret[:i+1] // whsec_, sk_: the format is not secret
	}
	return head + "••••••" + secret[len(secret)-4:]
}
