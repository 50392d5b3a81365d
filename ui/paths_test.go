package ui

import "testing"

func TestDisplayPath(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"/caf%C3%A9/%F0%9F%9A%80", "/café/🚀"},
		{"/plain/path", "/plain/path"},
		{"/a%2Fb/%c3%a9", "/a%2Fb/é"},        // an encoded slash is not a separator
		{"/a%2fb", "/a%2fb"},                 // nor in lower case
		{"/100%25/x%20y", "/100%25/x y"},     // nor is an encoded percent an escape
		{"/bad%ZZ/%C3%A9", "/bad%ZZ/%C3%A9"}, // an invalid escape: all as sent
		{"/trail%", "/trail%"},
		{"/half%C3", "/half%C3"},                     // not UTF-8
		{"/x%1B%5B2J", "/x%1B%5B2J"},                 // a control character
		{"/x%E2%80%AEgnp.exe", "/x%E2%80%AEgnp.exe"}, // a bidi override
	} {
		if got := displayPath(tc.in); got != tc.want {
			t.Errorf("displayPath(%q) = %q, want %q", tc.in, got, tc.want)
		}
	}
	if got := displayTarget("/caf%C3%A9?q=%C3%A9"); got != "/café?q=%C3%A9" {
		t.Errorf("displayTarget decoded the query or missed the path: %q", got)
	}
}

// The list row and the detail title show the decoded path; the overview
// keeps the URL as sent.
func TestDecodedPathOnScreen(t *testing.T) {
	h := newHarness(t, 80, 24)
	h.insert(req(1, "POST", "/caf%C3%A9/%F0%9F%9A%80", hdrs("Content-Type", "text/plain"), []byte("hi")))
	h.contains("POST   /café/🚀")
	h.lacks("%C3%A9")
	h.keys("enter")
	h.contains("POST /café/🚀  200")
	h.keys("tab", "tab", "tab")
	h.contains("overview]", "/caf%C3%A9/%F0%9F%9A%80")
}
