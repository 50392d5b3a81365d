package diff

import (
	"bytes"
	"fmt"
	"mime"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"gaff/sanitize"
	"gaff/storage"
)

// Requests compares two captures: method, path, query parameters and
// headers by name (a repeated one as a list), then the body — JSON
// structurally with paths from ".", form fields as "form.name", text
// by line as "body:N", anything else as a whole.
func Requests(a, b *storage.Request, opt Options) []Change {
	d := &differ{opt: opt}
	if a.Method != b.Method {
		d.add("method", Changed, a.Method, b.Method)
	}
	if pa, pb := a.Path(), b.Path(); pa != pb {
		d.add("path", Changed, pa, pb)
	}
	qa, _ := url.ParseQuery(a.RawQuery())
	qb, _ := url.ParseQuery(b.RawQuery())
	d.lists("query.", qa, qb)
	d.lists("headers.", headerMap(a.Headers), headerMap(b.Headers))
	d.body(a, b)
	return d.out
}

// headerMap groups by canonical name, so "content-type" and
// "Content-Type" are one header, as HTTP says.
func headerMap(h storage.Headers) map[string][]string {
	m := make(map[string][]string, len(h))
	for _, x := range h {
		k := http.CanonicalHeaderKey(x.Name)
		m[k] = append(m[k], x.Value)
	}
	return m
}

// lists compares name → values maps; one value shows as itself, more as
// a JSON list.
func (d *differ) lists(prefix string, a, b map[string][]string) {
	for _, k := range unionKeys(a, b) {
		va, inA := a[k]
		vb, inB := b[k]
		switch {
		case !inA:
			d.add(prefix+k, Added, "", list(vb))
		case !inB:
			d.add(prefix+k, Removed, list(va), "")
		case !slices.Equal(va, vb):
			d.add(prefix+k, Changed, list(va), list(vb))
		}
	}
}

func list(v []string) string {
	if len(v) == 1 {
		return v[0]
	}
	return compact(v)
}

func (d *differ) body(a, b *storage.Request) {
	if bytes.Equal(a.Body, b.Body) || d.opt.ignored("body") {
		return
	}
	ba, bb := decoded(a), decoded(b)
	if ca, cb := mediaType(a), mediaType(b); ca == cb && ca == "application/x-www-form-urlencoded" {
		fa, errA := url.ParseQuery(string(ba))
		fb, errB := url.ParseQuery(string(bb))
		if errA == nil && errB == nil {
			d.lists("form.", fa, fb)
			return
		}
	}
	if va, err := decode(ba); err == nil {
		if vb, err := decode(bb); err == nil {
			d.value("", va, vb)
			return
		}
	}
	if sanitize.LooksText(ba) && sanitize.LooksText(bb) {
		d.lines(string(ba), string(bb))
		return
	}
	d.add("body", Changed, bytesNote(ba, bb), bytesNote(bb, ba))
}

// maxDecoded bounds a compressed body's decoded size, so a small bomb
// costs little; past it the body is compared as sent.
const maxDecoded = 32 << 20

// decoded is the body as the sender meant it: a gzip or deflate body is
// compared by its content, since two compressors may encode the same JSON
// differently. One that does not decode whole is compared as sent.
func decoded(r *storage.Request) []byte {
	enc := strings.ToLower(strings.TrimSpace(r.Headers.Get("Content-Encoding")))
	if enc == "" || enc == "identity" {
		return r.Body
	}
	out, err := storage.Decompress(enc, r.Body, maxDecoded)
	if err != nil {
		return r.Body
	}
	return out
}

func mediaType(r *storage.Request) string {
	t, _, _ := mime.ParseMediaType(r.Headers.Get("Content-Type"))
	return t
}

// lines compares text bodies line by line, by position: a webhook body is
// one document, not a file edited in the middle, and position keeps the
// paths stable for --ignore.
func (d *differ) lines(a, b string) {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range max(len(la), len(lb)) {
		p := "body:" + strconv.Itoa(i+1)
		switch {
		case i >= len(la):
			d.add(p, Added, "", lb[i])
		case i >= len(lb):
			d.add(p, Removed, la[i], "")
		case la[i] != lb[i]:
			d.add(p, Changed, la[i], lb[i])
		}
	}
}

// bytesNote describes a binary body by its size and where it first
// differs from other, since the bytes themselves are unreadable.
func bytesNote(b, other []byte) string {
	i := 0
	for i < len(b) && i < len(other) && b[i] == other[i] {
		i++
	}
	return fmt.Sprintf("%d bytes (differs from byte %d)", len(b), i)
}
