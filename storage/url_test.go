package storage

import "testing"

// The URL of a capture is rebuilt from its request-target in each of the
// four forms HTTP/1.1 allows (RFC 9112 §3.2), as §3.3 says: pasting the
// Host in front of an absolute-form target gave
// http://evil.examplehttp://evil.example/abs?q=1.
func TestSenderURLOfEveryRequestTargetForm(t *testing.T) {
	for _, c := range []struct {
		name, method, target, host, via string
		headers                         Headers
		url, pathQuery                  string
	}{
		{"origin", "POST", "/hook?x=1", "127.0.0.1:4747", "local", nil, "http://127.0.0.1:4747/hook?x=1", "/hook?x=1"},
		{"origin through ngrok", "POST", "/hook", "otter.ngrok.app", "ngrok", nil, "https://otter.ngrok.app/hook", "/hook"},
		{"origin behind a proxy", "POST", "/hook", "127.0.0.1:4747", "local",
			Headers{{Name: "X-Forwarded-Proto", Value: "https"}, {Name: "X-Forwarded-Host", Value: "hooks.example"}}, "https://hooks.example/hook", "/hook"},
		{"absolute", "POST", "http://evil.example/abs?q=1", "evil.example", "local",
			Headers{{Name: "Host", Value: "gaff.local"}}, "http://evil.example/abs?q=1", "/abs?q=1"},
		{"absolute https, no path", "GET", "https://evil.example", "evil.example", "local", nil, "https://evil.example", "/"},
		{"authority (CONNECT)", "CONNECT", "host.example:443", "host.example:443", "local", nil, "http://host.example:443", ""},
		{"CONNECT in origin form", "CONNECT", "/_goRPC_", "127.0.0.1:4747", "local", nil, "http://127.0.0.1:4747/_goRPC_", "/_goRPC_"},
		{"asterisk", "OPTIONS", "*", "gaff.local", "local", nil, "http://gaff.local", ""},
		{"asterisk, another method", "POST", "*", "gaff.local", "local", nil, "http://gaff.local", ""},
		// Refused by the parser and stored as it arrived: still one URL.
		{"no slash", "GET", "hook", "127.0.0.1:4747", "local", nil, "http://127.0.0.1:4747/hook", "/hook"},
		{"no host", "POST", "/hook", "", "local", nil, "http://localhost/hook", "/hook"},
	} {
		r := &Request{Summary: Summary{Method: c.method, Target: c.target, Via: c.via}, Host: c.host, Headers: c.headers}
		if got := r.SenderURL(); got != c.url {
			t.Errorf("%s: SenderURL %q, want %q", c.name, got, c.url)
		}
		if got := r.PathQuery(); got != c.pathQuery {
			t.Errorf("%s: PathQuery %q, want %q", c.name, got, c.pathQuery)
		}
	}
}
