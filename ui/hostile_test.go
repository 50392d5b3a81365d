package ui

import (
	"regexp"
	"strings"
	"testing"

	"gaff/internal/hostile"
	"gaff/sanitize"
	"gaff/storage"
)

// sgr matches the colour sequences the styles write; nothing else may
// carry an ESC to the terminal.
var sgr = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkScreenSafe fails unless line is styled text whose every character
// reaches the terminal as plain text.
func checkScreenSafe(t *testing.T, what string, line string) {
	t.Helper()
	plain := sgr.ReplaceAllString(line, "")
	if i := sanitize.Unsafe(plain, false); i >= 0 {
		t.Fatalf("%s: %q reaches the terminal in %q", what, plain[i:min(len(plain), i+8)], line[:min(len(line), 200)])
	}
}

func checkSourceSafe(t *testing.T, what string, src lineSource) {
	t.Helper()
	for i := 0; i < src.Count(); i++ {
		l, ok := src.Line(i)
		if !ok {
			t.Fatalf("%s: line %d of %d missing", what, i, src.Count())
		}
		checkScreenSafe(t, what, l)
	}
}

// Every way the detail shows a body, headers or a query keeps each attack
// visible as text.
func TestHostileInputRendersAsText(t *testing.T) {
	st := DefaultStyles()
	for _, a := range hostile.Corpus() {
		b := []byte(a.Payload)
		form := []byte(a.Payload + "=" + a.Payload + "&k=" + a.Payload)
		for name, src := range map[string]lineSource{
			"json":      &jsonSource{j: newJSONLines(b), hl: newHighlighter("json", &st.Code)},
			"text":      newTextLines(b, newHighlighter("xml", &st.Code), false),
			"raw":       newTextLines(b, nil, true),
			"hex":       &hexLines{src: b, off: st.Code.Offset},
			"form":      formLines(form, &st),
			"query":     queryLines(string(form), &st),
			"headers":   headerLines(storage.Headers{{Name: a.Payload, Value: a.Payload}}, &st),
			"overview":  overviewLines(&storage.Request{Summary: storage.Summary{Method: a.Payload, Target: "/" + a.Payload}, RemoteAddr: a.Payload, Headers: storage.Headers{{Name: "X-Forwarded-For", Value: a.Payload}}}, &st),
			"json-form": &jsonSource{j: newJSONLines(form)},
		} {
			checkSourceSafe(t, a.Name+" as "+name, src)
		}
	}
}

// FuzzFormLines: any form body or query shows as pairs of safe text, one
// line per pair at most. Its seeds are in testdata/fuzz; run it for real
// with: go test -run='^$' -fuzz=FuzzFormLines -fuzztime=5m ./ui/
func FuzzFormLines(f *testing.F) {
	for _, s := range []string{"a=1&b=2", "a=%zz&=&&b", "k=%1b%5d0%3bx%07", "%e2%80%ae=rtl", "a+b=c+d&a=1"} {
		f.Add([]byte(s))
	}
	st := DefaultStyles()
	f.Fuzz(func(t *testing.T, body []byte) {
		lines := formLines(body, &st)
		if len(lines) > strings.Count(string(body), "&")+1 {
			t.Fatalf("%d lines from %d pairs at most", len(lines), strings.Count(string(body), "&")+1)
		}
		for _, l := range lines {
			checkScreenSafe(t, "form", l)
		}
		if q := queryLines(string(body), &st); len(q) == 0 {
			t.Fatal("a query shows nothing, not even that it is empty")
		}
	})
}
