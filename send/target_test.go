package send_test

import (
	"strings"
	"testing"

	"gaff/send"
)

// A URL the user typed may carry a password. Whatever is wrong with it,
// the error shows where it points, never the password.
func TestTargetErrorsHideThePassword(t *testing.T) {
	for _, c := range []struct{ raw, want string }{
		{"http://u:hunter2@[bad", "http://u:xxxxx@[bad"},
		{"http://u:hunter2@a b/", "http://u:xxxxx@a b/"},
		{"ftp://u:hunter2@host/x", "ftp://u:xxxxx@host/x"},
		{"http://u:hunter2@/x", "has no host"},
		{"u:hunter2@localhost:3000/x", "u:xxxxx@localhost:3000/x"},
		{"127.0.0.1:9000", "did you mean http://127.0.0.1:9000?"},
		{"127.0.0.1:9000/hook", "did you mean http://127.0.0.1:9000/hook?"},
		{"[::1]:9000", "did you mean http://[::1]:9000?"},
	} {
		_, err := send.ParseTarget(c.raw)
		if err == nil || strings.Contains(err.Error(), "hunter2") || !strings.Contains(err.Error(), c.want) {
			t.Errorf("ParseTarget(%q) = %v; want an error with %q and without the password", c.raw, err, c.want)
		}
	}
}

// RedactURL hides the password of URLs Go cannot parse too: they are
// shown in errors and on screen all the same.
func TestRedactURL(t *testing.T) {
	for raw, want := range map[string]string{
		"http://u:hunter2@host/x":       "http://u:xxxxx@host/x",
		"http://u:hunter2@[bad":         "http://u:xxxxx@[bad",
		"http://u:p@ss:w@rd@host/x?a=b": "http://u:xxxxx@host/x?a=b",
		"http://u@host/x":               "http://u@host/x",
		"http://host/x?to=a:b@c":        "http://host/x?to=a:b@c",
		"http://host/p:q@r":             "http://host/p:q@r",
		"not a url at all":              "not a url at all",
		"u:hunter2@localhost:3000/x":    "u:xxxxx@localhost:3000/x",
	} {
		if got := send.RedactURL(raw); got != want {
			t.Errorf("RedactURL(%q) = %q, want %q", raw, got, want)
		}
	}
}
