package provider

import (
	"crypto/hmac"
	"crypto/sha1"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"net/url"
	"slices"
	"strings"
	"time"
)

// verifyTwilio checks X-Twilio-Signature = base64(HMAC-SHA1(auth token,
// URL + for each POST parameter sorted by name: name + value)).
//
// Twilio signs the URL it was configured with, which a receiver behind a
// tunnel or proxy can only reconstruct, and Twilio's own back ends are not
// consistent about default ports; so, like Twilio's SDKs, gaff tries the
// URL with and without the port, and with both https and http, and the
// URL forms twilio-node tries (twilioNodeForms).
//
// For JSON bodies Twilio puts bodySHA256=<hex sha256(body)> in the URL and
// signs the URL alone; the body then has to match that hash.
//
// A Webhooks rule can make Twilio sign with a shared key instead of the
// auth token, and with HMAC-SHA256; X-Twilio-Webhooks-Signature-Settings
// then names the key and the algorithm, and the secret to give is that
// key's.
func verifyTwilio(secret string, r *Request, _ time.Time) Verdict {
	if !r.has("X-Twilio-Signature") {
		return unsigned()
	}
	if secret == "" {
		return noSecret("X-Twilio-Signature")
	}
	alg, keyID, bad := twilioAlgorithm(r)
	if bad != nil {
		return *bad
	}
	value := strings.TrimSpace(r.header("X-Twilio-Signature"))
	sig, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(sig) != alg.hash().Size() {
		return malformed("X-Twilio-Signature %q is not a base64 %s", clip(value), alg.name)
	}
	urls, err := twilioURLs(r)
	if err != nil {
		return Verdict{Result: Invalid, Fault: FaultMalformed, Reason: "cannot rebuild the URL Twilio signed: " + err.Error()}
	}
	bodyHash, jsonBody := r.query()["bodySHA256"]
	var suffix []byte
	if !jsonBody {
		suffix = twilioParams(r)
	}
	matched := false
	for _, u := range urls {
		if hmac.Equal(sig, mac(alg.hash, []byte(secret), []byte(u), suffix)) {
			matched = true
		}
	}
	if !matched {
		v := mismatch()
		if keyID != "" {
			v.Reason += " (X-Twilio-Webhooks-Signature-Settings says a Webhooks rule signed it with shared key " + clip(keyID) +
				": give that key's secret as the twilio secret, not the auth token)"
		}
		return v
	}
	if jsonBody {
		sum := sha256.Sum256(r.Body)
		want := hex.EncodeToString(sum[:])
		if len(bodyHash) == 0 || subtle.ConstantTimeCompare([]byte(strings.ToLower(bodyHash[0])), []byte(want)) != 1 {
			return Verdict{Result: Invalid, Fault: FaultSignature, Reason: "signature does not match: the URL is signed but the body differs from its bodySHA256"}
		}
	}
	return valid()
}

type twilioHMAC struct {
	name string // as the reason says it
	hash func() hash.Hash
}

// twilioAlgorithms are the algorithms X-Twilio-Webhooks-Signature-Settings
// may name.
var twilioAlgorithms = map[string]twilioHMAC{
	"HMAC_SHA1":   {"HMAC-SHA1", sha1.New},
	"HMAC_SHA256": {"HMAC-SHA256", sha256.New},
}

// twilioAlgorithm reads "key=KS…,algorithm=HMAC_SHA256" from
// X-Twilio-Webhooks-Signature-Settings; without the header Twilio signs
// with the auth token and HMAC-SHA1.
func twilioAlgorithm(r *Request) (alg twilioHMAC, keyID string, bad *Verdict) {
	const name = "X-Twilio-Webhooks-Signature-Settings"
	algorithm := "HMAC_SHA1"
	for item := range strings.SplitSeq(r.header(name), ",") {
		k, v, _ := strings.Cut(item, "=")
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "key":
			keyID = strings.TrimSpace(v)
		case "algorithm":
			algorithm = strings.ToUpper(strings.TrimSpace(v))
		}
	}
	alg, ok := twilioAlgorithms[algorithm]
	if !ok {
		v := malformed("%s names algorithm %q; Twilio signs with HMAC_SHA1 or HMAC_SHA256", name, clip(algorithm))
		return alg, keyID, &v
	}
	return alg, keyID, nil
}

// twilioParams concatenates form parameters sorted by name, each name
// followed by its value; repeated values are de-duplicated and sorted, as
// twilio-node does.
func twilioParams(r *Request) []byte {
	if r.method() != "POST" || r.mediaType() != "application/x-www-form-urlencoded" {
		return nil
	}
	form, _ := url.ParseQuery(string(r.Body)) // keep what parses; a bad pair cannot be signed anyway
	names := make([]string, 0, len(form))
	for k := range form {
		names = append(names, k)
	}
	slices.Sort(names)
	var b strings.Builder
	for _, k := range names {
		vals := slices.Clone(form[k])
		slices.Sort(vals)
		for _, v := range slices.Compact(vals) {
			b.WriteString(k)
			b.WriteString(v)
		}
	}
	return []byte(b.String())
}

// twilioURLs lists the URLs Twilio may have signed for r, the captured
// URL first.
func twilioURLs(r *Request) ([]string, error) {
	scheme, authority, rest := splitURL(r.URL)
	if authority == "" {
		authority = r.header("X-Forwarded-Host")
		if authority == "" {
			authority = r.header("Host")
		}
		if authority == "" {
			return nil, errors.New("the capture has neither a full URL nor a Host header")
		}
	}
	// A tunnel such as ngrok ends TLS and forwards plain HTTP, so the scheme
	// the capture saw may not be the one Twilio used: try the captured one,
	// then the forwarded one, then both.
	var schemes []string
	for _, s := range []string{scheme, strings.ToLower(strings.TrimSpace(r.header("X-Forwarded-Proto"))), "https", "http"} {
		if (s == "https" || s == "http") && !slices.Contains(schemes, s) {
			schemes = append(schemes, s)
		}
	}
	rests := []string{rest}
	if !strings.HasPrefix(rest, "/") {
		// URL parsers print an empty path as "/", and Twilio's may have.
		rests = append(rests, "/"+rest)
	}
	userinfo, hostport := "", authority
	if i := strings.LastIndexByte(authority, '@'); i >= 0 {
		userinfo, hostport = authority[:i+1], authority[i+1:]
	}
	host, _ := splitHostPort(hostport)
	var out []string
	add := func(u string) {
		if !slices.Contains(out, u) {
			out = append(out, u)
		}
	}
	for _, s := range schemes {
		def := ":443"
		if s == "http" {
			def = ":80"
		}
		for _, hp := range []string{hostport, host, host + def} {
			for _, rs := range rests {
				add(s + "://" + userinfo + hp + rs)
			}
		}
	}
	for _, u := range slices.Clone(out) {
		for _, f := range twilioNodeForms(u) {
			add(f)
		}
	}
	return out, nil
}

// splitURL splits an absolute URL into lower-cased scheme, authority and
// the rest (path, query, no fragment) without re-encoding anything: the
// signature covers the bytes Twilio used. A relative URL has no scheme or
// authority.
func splitURL(raw string) (scheme, authority, rest string) {
	if i := strings.IndexByte(raw, '#'); i >= 0 {
		raw = raw[:i]
	}
	s, after, ok := strings.Cut(raw, "://")
	if !ok || s == "" || strings.ContainsAny(s, "/?") {
		return "", "", raw
	}
	end := strings.IndexAny(after, "/?")
	if end < 0 {
		end = len(after)
	}
	return strings.ToLower(s), after[:end], after[end:]
}

// splitHostPort is net.SplitHostPort without the errors: a bracketed IPv6
// host keeps its brackets, and a missing port is "".
func splitHostPort(hp string) (host, port string) {
	if strings.HasPrefix(hp, "[") {
		if i := strings.IndexByte(hp, ']'); i >= 0 {
			host, rest := hp[:i+1], hp[i+1:]
			if p, ok := strings.CutPrefix(rest, ":"); ok {
				return host, p
			}
			return host, ""
		}
		return hp, ""
	}
	if i := strings.LastIndexByte(hp, ':'); i >= 0 {
		return hp[:i], hp[i+1:]
	}
	return hp, ""
}
