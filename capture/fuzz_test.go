package capture

import (
	"bytes"
	"maps"
	"slices"
	"strings"
	"testing"

	"gaff/storage"
)

// FuzzParseHead feeds the lenient parsers that recover a request's head from
// a connection's bytes (head.go, refused.go) whatever a sender might write.
// Its seeds, the hostile corpus among them, are in testdata/fuzz; run it for
// real with: go test -run='^$' -fuzz=FuzzParseHead -fuzztime=5m ./capture/
func FuzzParseHead(f *testing.F) {
	f.Add([]byte("POST /hook?a=1 HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a: 2\r\nContent-Length: 2\r\n\r\nhi"), []byte("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: invalid header"))
	f.Fuzz(func(t *testing.T, raw, reply []byte) {
		checkHeaders(t, parseHead(raw))

		start := requestLineStart(raw)
		if start >= 0 {
			if start >= len(raw) || start > 0 && raw[start-1] != '\n' {
				t.Fatalf("request line at %d is not at a line start", start)
			}
			rest := raw[start:]
			line, after, _ := bytes.Cut(rest, []byte("\n"))
			if !looksLikeRequestLine(line) {
				t.Fatalf("line %q does not look like a request line", line)
			}
			if requestLineStart(after) >= 0 {
				t.Fatalf("a later request line was passed over in %q", rest)
			}
		}

		if end := headEnd(raw); end > 0 {
			head := raw[:end]
			if end > len(raw) || raw[end-1] != '\n' {
				t.Fatalf("head end %d is not after a newline", end)
			}
			if i := bytes.Index(head, []byte("\n\n")); i >= 0 && i+2 < end {
				t.Fatalf("head %q runs past a blank line", head)
			}
		}

		const maxBody = 64
		req := parseRefused(raw, reply, maxBody)
		if (req == nil) != (start < 0) {
			t.Fatalf("parseRefused = %v with a request line at %d", req, start)
		}
		if req == nil {
			return
		}
		if req.Method == "" || strings.ContainsAny(req.Method, " \n") || int64(len(req.Body)) > maxBody || req.Size != int64(len(req.Body)) {
			t.Fatalf("parsed %q as method %q, body %d bytes, size %d", raw, req.Method, len(req.Body), req.Size)
		}
		if strings.ContainsAny(req.Target, " \n") {
			t.Fatalf("target %q", req.Target)
		}
		checkHeaders(t, req.Headers)
	})
}

// checkHeaders: each parsed header is one line, its name holds no colon,
// its value no surrounding blanks; and parsing what it parsed, written out
// again, gives the same list.
func checkHeaders(t *testing.T, h storage.Headers) {
	t.Helper()
	var again bytes.Buffer
	again.WriteString("GET / HTTP/1.1\r\n")
	for _, x := range h {
		if strings.ContainsAny(x.Name, ":\n") || strings.Contains(x.Value, "\n") {
			t.Fatalf("header %q: %q spans lines or has a colon in its name", x.Name, x.Value)
		}
		if strings.Trim(x.Value, " \t") != x.Value {
			t.Fatalf("value %q keeps surrounding blanks", x.Value)
		}
		again.WriteString(x.Name + ": " + x.Value + "\r\n")
	}
	again.WriteString("\r\n")
	if h2 := parseHead(again.Bytes()); !slices.Equal(h, h2) && !(len(h) == 0 && len(h2) == 0) {
		t.Fatalf("headers %q read back as %q", h, h2)
	}
}

// FuzzSameHeaders: the in-place comparison that runs for every capture
// agrees with the plain map comparison, whatever the head and whatever
// net/http made of it (a value changed, a header added, dropped or moved,
// Cache-Control added from Pragma).
func FuzzSameHeaders(f *testing.F) {
	f.Add([]byte("POST / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nx-a: 2\r\nPragma: no-cache\r\nContent-Length: 2\r\n\r\n"), byte(0), byte(1))
	f.Fuzz(func(t *testing.T, head []byte, how, at byte) {
		raw := parseHead(head)
		if len(raw) > 32 {
			return
		}
		parsed := raw.HTTP()
		keys := slices.Sorted(maps.Keys(parsed))
		if len(keys) > 0 {
			k := keys[int(at)%len(keys)]
			switch how % 6 {
			case 1:
				parsed[k] = append(slices.Clone(parsed[k]), "extra")
			case 2:
				delete(parsed, k)
			case 3:
				parsed[k] = slices.Clone(parsed[k])
				parsed[k][0] += "x"
			case 4:
				slices.Reverse(parsed[k])
			}
		}
		if how%6 == 5 {
			parsed.Set("Cache-Control", "no-cache")
		}
		if a, b := sameHeaders(raw, parsed), sameHeadersMap(raw, parsed); a != b {
			t.Fatalf("in place %v, map %v: %q vs %v", a, b, raw, parsed)
		}
	})
}
