package provider

import (
	"bytes"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// Handshake kinds: ids a user can disable (HandshakeConfig.Disabled) and
// the capture stores as "what gaff answered".
const (
	KindSlackURLVerification = "slack-url-verification"
	KindSlackSSLCheck        = "slack-ssl-check"
	KindMSGraphValidation    = "msgraph-validation"
	KindMetaVerification     = "meta-verification"
	KindZoomURLValidation    = "zoom-url-validation"
	KindDropboxChallenge     = "dropbox-challenge"
	KindXCRC                 = "x-crc"
	KindTwitchVerification   = "twitch-verification"
	KindDiscordPing          = "discord-ping"
)

// HandshakeKinds lists every handshake Handshake recognises.
func HandshakeKinds() []string {
	return []string{
		KindSlackURLVerification, KindSlackSSLCheck, KindMSGraphValidation,
		KindMetaVerification, KindZoomURLValidation, KindDropboxChallenge,
		KindXCRC, KindTwitchVerification, KindDiscordPing,
	}
}

// HandshakeConfig holds what some handshakes need to answer.
type HandshakeConfig struct {
	Disabled         map[string]bool // by handshake kind id, e.g. "slack-url-verification"
	MetaVerifyToken  string          // when set, a Meta challenge with another hub.verify_token gets 400
	ZoomSecretToken  string          // needed to answer Zoom's endpoint.url_validation
	XConsumerSecret  string          // needed to answer X's CRC
	DiscordPublicKey string          // hex; needed to answer Discord's PING
	// With these set, a Slack or Twitch verification request whose
	// signature is not valid is refused instead of answered.
	SlackSigningSecret string
	TwitchSecret       string
	Now                time.Time // when the request arrived, for signed timestamps; the wall clock when zero
}

// Answer is the response to a handshake. The caller writes Header, sets
// Content-Length from Body (providers reject chunked answers) and Status.
type Answer struct {
	Kind   string // a Kind… id
	Label  string // what happened, for the UI: "answered Slack challenge"
	Status int
	Header []HeaderPair
	Body   []byte
}

// handshakeBodyLimit bounds the bodies Handshake will parse: every
// handshake request is a few hundred bytes, and parsing a 25 MiB upload
// that merely mentions "url_verification" would be wasted work.
const handshakeBodyLimit = 64 << 10

// Handshake recognises a provider's URL-verification request and computes
// the answer, without I/O, so the capture can reply synchronously.
//
// ok is true when the caller must send the Answer. When a handshake is
// recognised but cannot be answered — Zoom, X and Discord need a secret
// that is not configured — Handshake returns a non-nil *Answer with only
// Kind and Label set and ok false: the caller answers as for any other
// request and may record the Label, so the user learns which secret to
// configure. A disabled kind is not recognised at all.
func Handshake(r *Request, cfg HandshakeConfig) (*Answer, bool) {
	if r == nil {
		return nil, false
	}
	// Every capture comes through here, nearly all of them no handshake:
	// the detectors that parse a JSON body are skipped at once for a
	// request that cannot be one, before any of them scans the body.
	jsonPost := r.method() == "POST" && smallJSONObject(r.Body)
	for _, h := range handshakes {
		if cfg.Disabled[h.kind] || h.jsonPost && !jsonPost {
			continue
		}
		if a := h.try(r, cfg); a != nil {
			a.Kind = h.kind
			return a, a.Status != 0
		}
	}
	return nil, false
}

var handshakes = []struct {
	kind string
	try  func(*Request, HandshakeConfig) *Answer
	// jsonPost: try answers only a POST whose body smallJSON would read.
	jsonPost bool
}{
	// Discord first: with a key configured it must refuse badly signed
	// requests before anything else reads them.
	// Not jsonPost: with a key configured, Discord refuses a badly signed
	// request whatever its body.
	{KindDiscordPing, discordPing, false},
	{KindTwitchVerification, twitchVerification, false},
	{KindSlackURLVerification, slackURLVerification, true},
	{KindSlackSSLCheck, slackSSLCheck, false},
	{KindZoomURLValidation, zoomURLValidation, true},
	{KindMetaVerification, metaVerification, false},
	{KindMSGraphValidation, msgraphValidation, false},
	{KindXCRC, xCRC, false},
	{KindDropboxChallenge, dropboxChallenge, false},
}

const (
	textPlain = "text/plain; charset=utf-8"
	appJSON   = "application/json"
)

func textAnswer(label string, status int, body string) *Answer {
	return &Answer{Label: label, Status: status, Header: []HeaderPair{{"Content-Type", textPlain}}, Body: []byte(body)}
}

func jsonAnswer(label string, v any) *Answer {
	b, _ := json.Marshal(v) // maps and structs of strings always marshal
	return &Answer{Label: label, Status: 200, Header: []HeaderPair{{"Content-Type", appJSON}}, Body: b}
}

func unanswered(label string) *Answer { return &Answer{Label: label} }

// smallJSON decodes r.Body into v when it is a JSON object of plausible
// handshake size that mentions marker somewhere; the cheap checks keep
// arbitrary uploads from being parsed.
func smallJSON(r *Request, marker string, v any) bool {
	b := r.Body
	if !smallJSONObject(b) {
		return false
	}
	if marker != "" && !bytes.Contains(b, []byte(marker)) {
		return false
	}
	return json.Unmarshal(b, v) == nil
}

// smallJSONObject: b is of handshake size and starts like a JSON object.
func smallJSONObject(b []byte) bool {
	if len(b) == 0 || len(b) > handshakeBodyLimit {
		return false
	}
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && t[0] == '{'
}

// slackURLVerification: POST {"type":"url_verification","challenge":c} →
// 200 text/plain c (Slack accepts plain text or {"challenge":c}).
func slackURLVerification(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "POST" {
		return nil
	}
	var m struct{ Type, Challenge string }
	if !smallJSON(r, "url_verification", &m) || m.Type != "url_verification" || m.Challenge == "" {
		return nil
	}
	a := textAnswer("answered Slack challenge", 200, m.Challenge)
	return checkSigned(a, r, cfg, Slack, cfg.SlackSigningSecret, "X-Slack-Signature", http.StatusUnauthorized)
}

// slackSSLCheck: interactivity and slash-command URLs get a form POST with
// ssl_check=1 now and then; any 200 will do.
func slackSSLCheck(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "POST" || len(r.Body) > handshakeBodyLimit || !bytes.Contains(r.Body, []byte("ssl_check=1")) {
		return nil
	}
	form, _ := url.ParseQuery(string(r.Body))
	if form.Get("ssl_check") != "1" {
		return nil
	}
	a := textAnswer("answered Slack SSL check", 200, "")
	return checkSigned(a, r, cfg, Slack, cfg.SlackSigningSecret, "X-Slack-Signature", http.StatusUnauthorized)
}

// zoomURLValidation: POST {"event":"endpoint.url_validation","payload":
// {"plainToken":p}} → {"plainToken":p,"encryptedToken":hex(HMAC(secret, p))}.
func zoomURLValidation(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "POST" {
		return nil
	}
	var m struct {
		Event   string
		Payload struct {
			PlainToken string `json:"plainToken"`
		}
	}
	if !smallJSON(r, "endpoint.url_validation", &m) || m.Event != "endpoint.url_validation" || m.Payload.PlainToken == "" {
		return nil
	}
	if cfg.ZoomSecretToken == "" {
		return unanswered("Zoom URL validation not answered: no Zoom secret token configured (--secret zoom=TOKEN)")
	}
	return jsonAnswer("answered Zoom URL validation", struct {
		PlainToken     string `json:"plainToken"`
		EncryptedToken string `json:"encryptedToken"`
	}{m.Payload.PlainToken, hexMAC(sha256.New, []byte(cfg.ZoomSecretToken), []byte(m.Payload.PlainToken))})
}

// metaVerification: GET ?hub.mode=subscribe&hub.challenge=c&hub.verify_token=t
// → 200 c, or 400 when a configured verify token differs from t.
func metaVerification(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "GET" {
		return nil
	}
	q := r.query()
	if q.Get("hub.mode") != "subscribe" || !q.Has("hub.challenge") {
		return nil
	}
	if cfg.MetaVerifyToken != "" && subtle.ConstantTimeCompare([]byte(q.Get("hub.verify_token")), []byte(cfg.MetaVerifyToken)) != 1 {
		return textAnswer("refused Meta verification: hub.verify_token differs from the configured one", 400,
			"hub.verify_token does not match the verify token configured in gaff\n")
	}
	return textAnswer("answered Meta challenge", 200, q.Get("hub.challenge"))
}

// msgraphValidation: ?validationToken=… (subscription and lifecycle URLs)
// → 200 text/plain, the token URL-decoded ("+" is a space).
func msgraphValidation(r *Request, _ HandshakeConfig) *Answer {
	q := r.query()
	if !q.Has("validationToken") {
		return nil
	}
	return textAnswer("answered Microsoft Graph validation", 200, q.Get("validationToken"))
}

// xCRC: GET ?crc_token=t → {"response_token":"sha256="+base64(HMAC(consumer secret, t))}.
func xCRC(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "GET" {
		return nil
	}
	q := r.query()
	if !q.Has("crc_token") {
		return nil
	}
	if cfg.XConsumerSecret == "" {
		return unanswered("X CRC not answered: no consumer secret configured (--secret x=SECRET)")
	}
	token := q.Get("crc_token")
	return jsonAnswer("answered X CRC", map[string]string{
		"response_token": "sha256=" + base64.StdEncoding.EncodeToString(mac(sha256.New, []byte(cfg.XConsumerSecret), []byte(token))),
	})
}

// dropboxChallenge: a bare GET ?challenge=c → 200 c. Dropbox asks for
// nosniff because the challenge is echoed.
func dropboxChallenge(r *Request, _ HandshakeConfig) *Answer {
	if r.method() != "GET" || !r.query().Has("challenge") {
		return nil
	}
	if id := Detect(r); id != "" && id != Dropbox {
		return nil
	}
	a := textAnswer("answered Dropbox challenge", 200, r.query().Get("challenge"))
	a.Header = append(a.Header, HeaderPair{"X-Content-Type-Options", "nosniff"})
	return a
}

// twitchVerification: Twitch-Eventsub-Message-Type: webhook_callback_verification
// with {"challenge":c} → 200 text/plain c, nothing else.
func twitchVerification(r *Request, cfg HandshakeConfig) *Answer {
	if !strings.EqualFold(strings.TrimSpace(r.header("Twitch-Eventsub-Message-Type")), "webhook_callback_verification") {
		return nil
	}
	var m struct{ Challenge string }
	if !smallJSON(r, "challenge", &m) || m.Challenge == "" {
		return nil
	}
	a := textAnswer("answered Twitch challenge", 200, m.Challenge)
	return checkSigned(a, r, cfg, Twitch, cfg.TwitchSecret, "Twitch-Eventsub-Message-Signature", http.StatusForbidden)
}

// checkSigned lets a through as the provider's own receiver library
// would. With the provider's secret configured, a request whose signature
// is anything but valid (forged, missing, replayed) is refused with status
// and its challenge is not echoed: anyone who knows the URL could have
// sent it (Bolt answers 401; Twitch's docs 403). Without the secret, a is
// answered, and its label says the signature went unchecked.
func checkSigned(a *Answer, r *Request, cfg HandshakeConfig, providerID, secret, sigHeader string, status int) *Answer {
	if secret == "" {
		a.Label += " (signature not checked: no " + Name(providerID) + " secret, --secret " + providerID + "=…)"
		return a
	}
	now := cfg.Now
	if now.IsZero() {
		now = time.Now()
	}
	v := Verify(providerID, secret, r, now)
	if v.Result == Valid {
		return a
	}
	why := v.Reason
	if v.Result == Unsigned {
		why = "no " + sigHeader
	}
	return refused(strings.TrimPrefix(a.Label, "answered ")+": "+why, status)
}

// refused is the answer to a request whose signature does not pass, the
// label saying what and why.
func refused(what string, status int) *Answer {
	return textAnswer(fmt.Sprintf("refused %s (%d)", what, status), status, "invalid request signature\n")
}

// discordBody is what discordPing reads of an interaction or a Webhook
// Events payload.
type discordBody struct {
	Type          *int            `json:"type"`
	ApplicationID string          `json:"application_id"`
	Version       *int            `json:"version"`
	Event         json.RawMessage `json:"event"`
}

// discordPing answers the checks Discord makes of an interactions endpoint
// and of a Webhook Events URL.
//
// Discord sends badly signed and unsigned requests on purpose and rejects
// an endpoint that accepts them. So a request shaped like Discord's
// (application_id, type and version) without X-Signature-Ed25519 is
// refused 401, as discord-interactions' middleware refuses it, key or no
// key; and with the public key configured, any request carrying
// X-Signature-Ed25519 that fails the Ed25519 check is refused 401.
//
// A well-signed interactions PING ({"type":1}) gets {"type":1}; a
// well-signed Webhook Events PING ({"type":0}) gets 204 with no body, as
// Discord requires. Other well-signed requests (interactions, and Webhook
// Events of type 1, which carry an "event") are not handshakes.
func discordPing(r *Request, cfg HandshakeConfig) *Answer {
	if r.method() != "POST" {
		return nil
	}
	signed := r.has("X-Signature-Ed25519")
	if !signed && !mayNameApplicationID(r.Body) {
		// Unsigned, only a body with an application_id is refused; most
		// captures never need the parse below.
		return nil
	}
	var m discordBody
	parsed := smallJSON(r, `"type"`, &m) && m.Type != nil
	if !signed {
		if parsed && m.ApplicationID != "" && m.Version != nil {
			return refused("Discord request: no X-Signature-Ed25519 and X-Signature-Timestamp", http.StatusUnauthorized)
		}
		return nil
	}
	eventsPing := parsed && *m.Type == 0
	interactionsPing := parsed && *m.Type == 1 && len(m.Event) == 0
	if strings.TrimSpace(cfg.DiscordPublicKey) == "" {
		if eventsPing || interactionsPing {
			return unanswered("Discord PING not answered: no application public key configured (--secret discord=HEXKEY)")
		}
		return nil
	}
	key, err := discordKey(cfg.DiscordPublicKey)
	if err != nil {
		return unanswered("Discord request not answered: " + err.Error())
	}
	if v := discordCheck(key, r); v != nil {
		return refused("Discord request: "+v.Reason, http.StatusUnauthorized)
	}
	switch {
	case eventsPing:
		return &Answer{Label: "answered Discord Webhook Events PING (204)", Status: 204}
	case interactionsPing:
		return jsonAnswer("answered Discord PING", map[string]int{"type": 1})
	}
	return nil
}

// mayNameApplicationID is false only when json.Unmarshal could not find an
// application_id member in b: no escape that could spell the name, and no
// "application_id" in any case (Unmarshal matches names case-insensitively;
// no letter of this one has a non-ASCII case fold).
func mayNameApplicationID(b []byte) bool {
	if bytes.IndexByte(b, '\\') >= 0 {
		return true
	}
	const before, after = "application", "id"
	for i := bytes.IndexByte(b, '_'); i >= 0; {
		if i >= len(before) && i+len(after) < len(b) &&
			bytes.EqualFold(b[i-len(before):i], []byte(before)) && bytes.EqualFold(b[i+1:i+1+len(after)], []byte(after)) {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '_')
		if j < 0 {
			break
		}
		i += 1 + j
	}
	return false
}
