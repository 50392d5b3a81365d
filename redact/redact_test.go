package redact_test

import (
	"encoding/json"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"

	"gaff/redact"
	"gaff/storage"
)

func req(contentType, body string, h ...storage.Header) *storage.Request {
	if contentType != "" {
		h = append(storage.Headers{{Name: "Content-Type", Value: contentType}}, h...)
	}
	return &storage.Request{
		Summary: storage.Summary{ID: 1, Method: "POST", Target: "/hook", Size: int64(len(body))},
		Headers: h, Body: []byte(body),
	}
}

func TestHeaders(t *testing.T) {
	cases := []struct{ name, value, want string }{
		{"Authorization", "Bearer eyJhbGciOi.secret.sig", "Bearer REDACTED"},
		{"authorization", "Basic dXNlcjpwYXNz", "Basic REDACTED"},
		{"Authorization", "rawtoken", "REDACTED"},
		{"Proxy-Authorization", "Bearer x", "Bearer REDACTED"},
		{"Cookie", "session=abc123; theme=dark;csrf=zz", "session=REDACTED; theme=REDACTED;csrf=REDACTED"},
		{"Set-Cookie", "sid=s3cr3t; Path=/; HttpOnly; Secure", "sid=REDACTED; Path=/; HttpOnly; Secure"},
		{"Set-Cookie", "sid=s3cr3t", "sid=REDACTED"},
		{"X-Hub-Signature-256", "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17", "sha256=REDACTED"},
		{"X-Hub-Signature", "sha1=0123456789abcdef0123456789abcdef01234567", "sha1=REDACTED"},
		{"Stripe-Signature", "t=1614265330,v1=5257a869e7ecebeda32affa62cdca3fa51cad7e77a0e56ff536d0ce8e108d8bd,v0=6ffbb59b2300aae63f2723", "t=1614265330,v1=REDACTED,v0=REDACTED"},
		{"X-Slack-Signature", "v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503", "v0=REDACTED"},
		{"webhook-signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE= v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzWInXqJEsHEk05wcw/oE9M0Cd6Jl4qPXWf7Vw6CQ==", "v1,REDACTED v1a,REDACTED"},
		{"Svix-Signature", "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=", "v1,REDACTED"},
		{"X-Shopify-Hmac-Sha256", "XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=", "REDACTED"},
		{"Shopify-Hmac-Sha256", "XWmrwMey6OsLMeiZKwP4FppHH3cmAiiJJAweH5Jo4bM=", "REDACTED"},
		{"X-Twilio-Signature", "RSOYDt4T1cUTdK1PDd93/VVr8B8=", "REDACTED"},
		{"X-Signature-Ed25519", strings.Repeat("ab", 64), "REDACTED"},
		{"Twitch-Eventsub-Message-Signature", "sha256=" + strings.Repeat("c", 64), "sha256=REDACTED"},
		{"Linear-Signature", strings.Repeat("d", 64), "REDACTED"},
		{"X-Zm-Signature", "v0=" + strings.Repeat("e", 64), "v0=REDACTED"},
		{"X-Dropbox-Signature", strings.Repeat("f", 64), "REDACTED"},
		{"X-Twitter-Webhooks-Signature", "sha256=" + strings.Repeat("A", 44), "sha256=REDACTED"},
		{"X-Line-Signature", strings.Repeat("B", 44), "REDACTED"},
		{"X-Gitlab-Token", "glpat-xyz", "REDACTED"},
		{"X-Api-Key", "k-123", "REDACTED"},
		{"X-Webhook-Secret", "shh", "REDACTED"},
		{"From", "Ann <ann@corp.io>", "Ann <user1@example.com>"},
		// Signed data that is not a secret stays: a fixture needs it.
		{"X-Signature-Timestamp", "1700000000", "1700000000"},
		{"X-Slack-Request-Timestamp", "1531420618", "1531420618"},
		{"X-GitHub-Event", "push", "push"},
		{"Webhook-Id", "msg_p5jXN8AQM9LWM0D4loKWxJek", "msg_p5jXN8AQM9LWM0D4loKWxJek"},
		{"Authorization", "", ""},
	}
	for _, c := range cases {
		r := req("", "", storage.Header{Name: c.name, Value: c.value})
		got := redact.Request(r, redact.Options{})
		if v := got.Headers[0].Value; v != c.want {
			t.Errorf("%s: %q → %q, want %q", c.name, c.value, v, c.want)
		}
		if got.Headers[0].Name != c.name {
			t.Errorf("name %q became %q", c.name, got.Headers[0].Name)
		}
		if r.Headers[0].Value != c.value {
			t.Errorf("%s: the original changed", c.name)
		}
	}
}

func TestJSONFieldsAtDepth(t *testing.T) {
	body := `{"token":"xoxb-1","team":{"id":"T1","bot":{"access_token":"xoxp-2","scopes":["chat"]}},` +
		`"items":[{"api_key":"k1","n":1},{"API_KEY":"k2"}],"Client-Secret":"c","clientSecret":"cs",` +
		`"password":12345,"private_key":{"kty":"RSA","d":"abc","ok":true,"none":null},"signing_secret":"s",` +
		`"refresh_token":"r","apikey":"a","secret":"x","tokens_left":3,"token_type":"bearer","note":"keep \u00e9"}`
	r := req("application/json", body)
	got := redact.Request(r, redact.Options{})
	want := `{"token":"REDACTED","team":{"id":"T1","bot":{"access_token":"REDACTED","scopes":["chat"]}},` +
		`"items":[{"api_key":"REDACTED","n":1},{"API_KEY":"REDACTED"}],"Client-Secret":"REDACTED","clientSecret":"REDACTED",` +
		`"password":"REDACTED","private_key":{"kty":"REDACTED","d":"REDACTED","ok":true,"none":null},"signing_secret":"REDACTED",` +
		`"refresh_token":"REDACTED","apikey":"REDACTED","secret":"REDACTED","tokens_left":3,"token_type":"bearer","note":"keep \u00e9"}`
	if string(got.Body) != want {
		t.Fatalf("got\n%s\nwant\n%s", got.Body, want)
	}
	if string(r.Body) != body {
		t.Fatal("the original body changed")
	}
}

// TestJSONLayoutKept: only replaced values change, so a pretty body stays
// pretty and a fixture diff shows the redactions alone.
func TestJSONLayoutKept(t *testing.T) {
	body := "{\n  \"token\" : \"abc\",\n  \"n\": 1.0e5,\n  \"s\": \"\\u00e9\\/x\"\n}\n"
	got := redact.Request(req("text/plain", body), redact.Options{})
	want := "{\n  \"token\" : \"REDACTED\",\n  \"n\": 1.0e5,\n  \"s\": \"\\u00e9\\/x\"\n}\n"
	if string(got.Body) != want {
		t.Fatalf("got %q\nwant %q", got.Body, want)
	}
}

func TestFormFields(t *testing.T) {
	// Slack's slash-command example from its docs, with a payload field
	// holding JSON as interactive messages send.
	payload := url.QueryEscape(`{"token":"t0k","user":{"email":"Road@Runner.io"}}`)
	body := "token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&user_name=roadrunner&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1&Client_Secret=abc&flag&email=road%40runner.io&payload=" + payload
	got := redact.Request(req("application/x-www-form-urlencoded; charset=utf-8", body), redact.Options{})
	vals, err := url.ParseQuery(string(got.Body))
	if err != nil {
		t.Fatalf("not a form any more: %v\n%s", err, got.Body)
	}
	want := map[string]string{"token": "REDACTED", "team_id": "T1DC2JH3J", "user_name": "roadrunner", "text": "",
		"response_url": "https://hooks.slack.com/commands/T1", "Client_Secret": "REDACTED", "flag": "",
		"email": "user1@example.com", "payload": `{"token":"REDACTED","user":{"email":"user1@example.com"}}`}
	for k, v := range want {
		if vals.Get(k) != v {
			t.Errorf("%s = %q, want %q", k, vals.Get(k), v)
		}
	}
	if !strings.HasPrefix(string(got.Body), "token=REDACTED&team_id=T1DC2JH3J&user_name=roadrunner&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1&") {
		t.Errorf("untouched pairs changed bytes or order: %s", got.Body)
	}
}

func TestQuery(t *testing.T) {
	r := req("", "")
	r.Target = "/meta/alice@corp.io?hub.mode=subscribe&hub.verify_token=mine&hub.challenge=123&api_key=k"
	got := redact.Request(r, redact.Options{})
	if want := "/meta/user1@example.com?hub.mode=subscribe&hub.verify_token=REDACTED&hub.challenge=123&api_key=REDACTED"; got.Target != want {
		t.Fatalf("target %q, want %q", got.Target, want)
	}
}

func TestEmailsNumberedPerRequest(t *testing.T) {
	body := `{"a":"ann@corp.io","b":"Bob.Smith+x@mail.example.org","c":["ANN@corp.io","mail ann@corp.io and bob.smith+x@mail.example.org"],"d":"not@an-address"}`
	r := req("application/json", body, storage.Header{Name: "Reply-To", Value: "bob.smith+x@mail.example.org"})
	got := redact.Request(r, redact.Options{})
	if v := got.Headers[1].Value; v != "user1@example.com" {
		t.Errorf("header %q", v)
	}
	want := `{"a":"user2@example.com","b":"user1@example.com","c":["user2@example.com","mail user2@example.com and user1@example.com"],"d":"not@an-address"}`
	if string(got.Body) != want {
		t.Fatalf("got\n%s\nwant\n%s", got.Body, want)
	}
	// Numbering starts again for each request.
	again := redact.Request(req("application/json", `{"x":"zed@z.io"}`), redact.Options{})
	if string(again.Body) != `{"x":"user1@example.com"}` {
		t.Fatalf("second request: %s", again.Body)
	}
}

func TestRedactFieldOption(t *testing.T) {
	body := `{"data":{"object":{"customer":"cus_123","amount":500,"items":[{"sku":"a","customer":"cus_9"}]}},"customer":"top","Plan":"gold","meta":{"plan":"p"}}`
	opt := redact.Options{Fields: []string{".data.object.customer", ".data.object.items[].sku", "plan", "  "}}
	got := redact.Request(req("application/json", body), opt)
	want := `{"data":{"object":{"customer":"REDACTED","amount":500,"items":[{"sku":"REDACTED","customer":"cus_9"}]}},"customer":"top","Plan":"REDACTED","meta":{"plan":"REDACTED"}}`
	if string(got.Body) != want {
		t.Fatalf("got\n%s\nwant\n%s", got.Body, want)
	}
	form := redact.Request(req("application/x-www-form-urlencoded", "plan=gold&customer=c&x=1"), redact.Options{Fields: []string{"plan", ".customer"}})
	if string(form.Body) != "plan=REDACTED&customer=REDACTED&x=1" {
		t.Fatalf("form: %s", form.Body)
	}
	// Without the option, nothing of it is touched.
	if plain := redact.Request(req("application/json", body), redact.Options{}); string(plain.Body) != body {
		t.Fatalf("redacted without being asked: %s", plain.Body)
	}
}

func TestNonJSONBodyOnlyLosesEmails(t *testing.T) {
	body := "Dear ann@corp.io,\ntoken=abc is not a form here\r\n\x00\xff binary too, ann@corp.io"
	got := redact.Request(req("text/plain", body), redact.Options{})
	if want := "Dear user1@example.com,\ntoken=abc is not a form here\r\n\x00\xff binary too, user1@example.com"; string(got.Body) != want {
		t.Fatalf("got %q\nwant %q", got.Body, want)
	}
	multipart := "--b\r\nContent-Disposition: form-data; name=\"note\"\r\n\r\nhello\r\n--b--\r\n"
	if got := redact.Request(req("multipart/form-data; boundary=b", multipart), redact.Options{}); string(got.Body) != multipart {
		t.Fatalf("multipart changed: %q", got.Body)
	}
}

// TestCutShortJSON: --max-body can cut a JSON body; its secrets must not
// leak because it no longer parses.
func TestCutShortJSON(t *testing.T) {
	body := `{"token":"xoxb-1","user":"ann@corp.io","nested":{"client_secret" : "cs","keep":"v"},"tru`
	got := redact.Request(req("application/json", body), redact.Options{})
	want := `{"token":"REDACTED","user":"user1@example.com","nested":{"client_secret" : "REDACTED","keep":"v"},"tru`
	if string(got.Body) != want {
		t.Fatalf("got\n%s\nwant\n%s", got.Body, want)
	}
}

func TestSizeAndContentLengthFollow(t *testing.T) {
	body := `{"token":"a-very-long-secret-token-value-indeed"}`
	n := strconv.Itoa(len(body))
	r := req("application/json", body, storage.Header{Name: "content-length", Value: n})
	got := redact.Request(r, redact.Options{})
	if !json.Valid(got.Body) {
		t.Fatalf("not JSON: %s", got.Body)
	}
	if got.Size != int64(len(got.Body)) || got.Size == r.Size {
		t.Errorf("size %d for a %d-byte body (was %d)", got.Size, len(got.Body), r.Size)
	}
	if cl := got.Headers.Get("Content-Length"); cl != "20" {
		t.Errorf("Content-Length %q, want 20", cl)
	}
	if r.Size != int64(len(body)) || r.Headers.Get("Content-Length") != n {
		t.Error("the original changed")
	}
	// A truncated capture keeps counting the bytes gaff did not keep.
	r.Truncated, r.Size = true, 1000
	shrink := int64(len(body) - len(`{"token":"REDACTED"}`))
	if got := redact.Request(r, redact.Options{}); got.Size != 1000-shrink {
		t.Errorf("truncated size %d, want %d", got.Size, 1000-shrink)
	}
}

func TestCopyOwnsItsData(t *testing.T) {
	r := req("application/json", `{"a":1}`, storage.Header{Name: "X", Value: "y"})
	got := redact.Request(r, redact.Options{})
	got.Body[2] = 'Z'
	got.Headers[1].Value = "changed"
	if string(r.Body) != `{"a":1}` || !slices.Equal(r.Headers, storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X", Value: "y"}}) {
		t.Fatalf("editing the copy edited the original: %s %q", r.Body, r.Headers)
	}
}

func TestCheckFields(t *testing.T) {
	for _, ok := range []string{"token", ".data.object.customer", ".items[].sku", "Plan", "hub.verify_token"} {
		if err := (redact.Options{Fields: []string{ok}}).Check(); err != nil {
			t.Errorf("%q: %v", ok, err)
		}
	}
	for _, bad := range []string{"", " ", ".", ".a..b", ".a."} {
		err := (redact.Options{Fields: []string{bad}}).Check()
		if err == nil || !strings.Contains(err.Error(), "--redact-field") {
			t.Errorf("%q: error %v", bad, err)
		}
	}
}

// Keys named for what they are, not called "secret" or "token": cloud
// access keys, signing and encryption keys, passphrases. A plain "key"
// stays (Jira's issue key is data a test needs).
func TestKeyFieldsByName(t *testing.T) {
	body := `{"aws_secret_access_key":"wJalr","accessKey":"AKIA1","signing_key":"sk","encryptionKey":"ek",` +
		`"passphrase":"p","key":"PROJ-1","public_key_id":"pk1"}`
	want := `{"aws_secret_access_key":"REDACTED","accessKey":"REDACTED","signing_key":"REDACTED","encryptionKey":"REDACTED",` +
		`"passphrase":"REDACTED","key":"PROJ-1","public_key_id":"pk1"}`
	if got := redact.Request(req("application/json", body), redact.Options{}); string(got.Body) != want {
		t.Fatalf("got\n%s\nwant\n%s", got.Body, want)
	}
	form := "access_key=AKIA1&passphrase=p&key=PROJ-1"
	if got := redact.Request(req("application/x-www-form-urlencoded", form), redact.Options{}); string(got.Body) != "access_key=REDACTED&passphrase=REDACTED&key=PROJ-1" {
		t.Fatalf("form: %s", got.Body)
	}
}
