package provider

import (
	"crypto/sha256"
	"errors"
	"strconv"
	"strings"
	"time"
)

// standardFamilies are the header families Standard Webhooks receivers
// accept: Svix's original svix-* and the standard's webhook-*.
var standardFamilies = [][3]string{
	{"Svix-Id", "Svix-Timestamp", "Svix-Signature"},
	{"Webhook-Id", "Webhook-Timestamp", "Webhook-Signature"},
}

// maxSignatureEntries bounds the work a hostile signature list can cause;
// senders list one signature per active secret, a handful at most.
const maxSignatureEntries = 64

// parseSignatureList reads "v1,<b64> v1,<b64> v1a,<b64>" and returns the
// v1 (HMAC) signatures. other counts entries of other versions (v1a is
// ed25519), which HMAC verifiers ignore.
func parseSignatureList(value string) (v1 []string, other int, err error) {
	entries := strings.Fields(value)
	if len(entries) > maxSignatureEntries {
		return nil, 0, errors.New("signature list has more than 64 entries")
	}
	for _, e := range entries {
		version, sig, ok := strings.Cut(e, ",")
		if !ok {
			return nil, 0, errors.New("signature entry " + strconv.Quote(clip(e)) + " is not version,signature")
		}
		if version == "v1" {
			v1 = append(v1, sig)
		} else {
			other++
		}
	}
	if len(v1) == 0 && other == 0 {
		return nil, 0, errors.New("signature list is empty")
	}
	return v1, other, nil
}

// verifyStandardWebhooks checks "<id>.<ts>.<body>" under HMAC-SHA256 keyed
// by the base64 key after whsec_, with ±300 s on the timestamp, as the
// Standard Webhooks reference libraries do. When both header families are
// present, either may carry the valid signature.
func verifyStandardWebhooks(secret string, r *Request, now time.Time) Verdict {
	var present [][3]string
	for _, f := range standardFamilies {
		if r.has(f[2]) {
			present = append(present, f)
		}
	}
	if len(present) == 0 {
		return unsigned()
	}
	if secret == "" {
		return noSecret(strings.ToLower(present[0][2]))
	}
	key, err := standardWebhooksKey(secret)
	if err != nil {
		return badSecret("%v", err)
	}
	var first Verdict
	for i, f := range present {
		v := verifyStandardFamily(key, f, r, now)
		if v.Result == Valid {
			return v
		}
		if i == 0 {
			first = v
		}
	}
	return first
}

func verifyStandardFamily(key []byte, f [3]string, r *Request, now time.Time) Verdict {
	idName, tsName, sigName := strings.ToLower(f[0]), strings.ToLower(f[1]), strings.ToLower(f[2])
	id := r.header(f[0])
	if id == "" {
		return malformed("%s without %s", sigName, idName)
	}
	if !r.has(f[1]) {
		return malformed("%s without %s", sigName, tsName)
	}
	ts, bad := parseUnix(tsName, r.header(f[1]))
	if bad != nil {
		return *bad
	}
	sigs, other, err := parseSignatureList(r.header(f[2]))
	if err != nil {
		return malformed("%s: %v", sigName, err)
	}
	if len(sigs) == 0 {
		return Verdict{Result: NoSecret, Fault: FaultSecret,
			Reason: sigName + " carries only " + strconv.Itoa(other) + " non-v1 (e.g. v1a ed25519) signature(s); gaff checks v1 HMAC signatures only"}
	}
	want := mac(sha256.New, key, []byte(id+"."+strconv.FormatInt(ts, 10)+"."), r.Body)
	matched, anyB64 := false, false
	for _, s := range sigs {
		m, ok := matchBase64(s, want)
		anyB64 = anyB64 || ok
		matched = matched || m
	}
	if !anyB64 {
		return malformed("%s v1 signature is not base64", sigName)
	}
	if !matched {
		return mismatch()
	}
	return checkAge(time.Unix(ts, 0), now, Tolerance, true)
}
