package send

import (
	"strings"
	"testing"

	"gaff/storage"
)

func TestAssertions(t *testing.T) {
	answer := &storage.Delivery{Status: 204, RespHeaders: storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-Seen", Value: "a"}, {Name: "x-seen", Value: "b"}},
		RespBody: []byte(`{"ok":true,"n":1.0,"items":[{"id":"x7"}],"state":"done","none":null}`)}
	cases := []struct {
		spec string
		ok   bool
		got  string // part of what Check says came back
	}{
		{"status=2xx", true, "204"},
		{"status=204", true, "204"},
		{"status=200", false, "status 204"},
		{"status=4XX", false, "status 204"},
		{"header:content-type=application/json", true, ""},
		{"header:X-Seen=b", true, ""},
		{"header:X-Seen=c", false, `X-Seen: "a", "b"`},
		{"header:Location=/x", false, "no Location header"},
		{"body~\"state\":\"do", true, ""},
		{"body~^<html", false, `body "{\"ok\"`},
		{"json:.ok=true", true, ""},
		{"json:.n=1", true, ""},
		{"json:.items[0].id=x7", true, ""},
		{`json:.items[0].id="x7"`, true, ""},
		{"json:.state=done", true, ""},
		{"json:.none=null", true, ""},
		{"json:.ok=false", false, "true"},
		{"json:.state=x", false, `"done"`},
		{"json:.items[1].id=x7", false, "nothing at .items[1]"},
		{"json:.items.id=x7", false, "nothing at .items.id"},
		{"json:.state.x=1", false, "nothing at .state.x"},
	}
	for _, c := range cases {
		a, err := ParseAssertion(c.spec)
		if err != nil {
			t.Errorf("%s: %v", c.spec, err)
			continue
		}
		ok, got := a.Check(answer)
		if ok != c.ok || !strings.Contains(got, c.got) {
			t.Errorf("%s: %t %q; want %t and %q", c.spec, ok, got, c.ok, c.got)
		}
	}
	// Not JSON, and no answer at all.
	a, _ := ParseAssertion("json:.ok=true")
	if ok, got := a.Check(&storage.Delivery{Status: 200, RespBody: []byte("<html>\x1b]0;x")}); ok || !strings.Contains(got, "not JSON") || strings.Contains(got, "\x1b") {
		t.Errorf("html body: %t %q", ok, got)
	}
	a, _ = ParseAssertion("status=2xx")
	if ok, got := a.Check(&storage.Delivery{Error: "connection refused"}); ok || got != "no answer: connection refused" {
		t.Errorf("no answer: %t %q", ok, got)
	}
}

func TestParseAssertionRefuses(t *testing.T) {
	for _, bad := range []string{"status=2x", "status=abc", "status=20x", "status=700", "header:=x", "header:X", "body~(",
		"json:a=1", "json:.a", "json:.a..b=1", "json:.a[x]=1", "json:.a[0=1", "code=200", ""} {
		if _, err := ParseAssertion(bad); err == nil || !strings.Contains(err.Error(), "--assert") {
			t.Errorf("%q: %v", bad, err)
		}
	}
	if p, err := parseJSONPath("."); err != nil || p != nil {
		t.Errorf(". = %v, %v", p, err)
	}
	if p, err := parseJSONPath(".[1].a"); err != nil || len(p) != 2 || p[0].index != 1 || p[1].key != "a" {
		t.Errorf(".[1].a = %v, %v", p, err)
	}
}
