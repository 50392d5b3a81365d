package provider

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/hex"
	"strings"
	"testing"
	"time"
)

// discordSigned signs body the way Discord does, with a fresh key pair.
func discordSigned(t *testing.T, body string) (pubHex string, priv ed25519.PrivateKey, r *Request) {
	t.Helper()
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ts := "1700000000"
	sig := ed25519.Sign(priv, []byte(ts+body))
	return hex.EncodeToString(pub), priv, req("POST", "/interactions", body,
		"Content-Type", "application/json", "User-Agent", "Discord-Interactions/1.0 (+https://discord.com)",
		"X-Signature-Ed25519", hex.EncodeToString(sig), "X-Signature-Timestamp", ts)
}

func TestVerifyDiscord(t *testing.T) {
	body := `{"type":2,"data":{"name":"ping"}}`
	pub, _, r := discordSigned(t, body)
	otherPub, _, _ := discordSigned(t, body)
	tampered := *r
	tampered.Body = []byte(`{"type":2,"data":{"name":"pong"}}`)
	tests := []struct {
		name, key string
		r         *Request
		want      string
		fault     string
	}{
		{"good", pub, r, Valid, ""},
		{"good, upper-case key", strings.ToUpper(pub), r, Valid, ""},
		{"another key", otherPub, r, Invalid, FaultSignature},
		{"tampered body", pub, &tampered, Invalid, FaultSignature},
		{"key not hex", "not-a-key", r, NoSecret, FaultSecret},
		{"key too short", pub[:40], r, NoSecret, FaultSecret},
		{"no key", "", r, NoSecret, ""},
		{"unsigned", pub, req("POST", "/", body), Unsigned, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v := Verify(Discord, tt.key, tt.r, time.Now())
			if v.Result != tt.want || v.Fault != tt.fault {
				t.Fatalf("%+v, want %s/%s", v, tt.want, tt.fault)
			}
		})
	}
}
