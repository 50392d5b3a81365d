package provider

import (
	"strings"
	"testing"
)

func TestCheckSecret(t *testing.T) {
	for _, c := range []struct{ id, secret, want string }{
		{Discord, "nothex", "64 hex characters"},
		{Discord, strings.Repeat("ab", 31), "64 hex characters"},
		{StandardWebhooks, "whsec_not*base64", "whsec_ followed by base64"},
		{Discord, strings.Repeat("ab", 32), ""},
		{StandardWebhooks, "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", ""},
		{GitHub, "any text at all", ""},
	} {
		err := CheckSecret(c.id, c.secret)
		if (c.want == "") != (err == nil) || err != nil && !strings.Contains(err.Error(), c.want) {
			t.Errorf("CheckSecret(%s, %q) = %v, want %q", c.id, c.secret, err, c.want)
		}
	}
}
