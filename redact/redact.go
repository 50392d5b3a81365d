// Package redact takes secrets and personal data out of a capture before
// it leaves the machine (fixtures, exports), keeping its shape: header
// schemes and cookie names stay, bodies stay valid JSON or form, e-mail
// addresses become numbered example.com ones. docs/redaction.md lists
// what is replaced.
package redact

import (
	"bytes"
	"fmt"
	"mime"
	"slices"
	"strconv"
	"strings"

	"gaff/storage"
)

// Placeholder replaces every secret value.
const Placeholder = "REDACTED"

// Options add to the built-in rules.
type Options struct {
	// Fields are more JSON or form fields to replace, as --redact-field
	// takes them: ".data.object.customer" is that path from the body's
	// root (array levels are stepped through, so ".items[].email" and
	// ".items.email" are the same path); a name without a leading dot,
	// like "token", is that key at any depth, compared case-insensitively.
	Fields []string
}

// Check says what is wrong with a --redact-field before anything is read.
func (o Options) Check() error {
	for _, f := range o.Fields {
		t := strings.TrimSpace(f)
		switch {
		case t == "" || t == ".":
			return fmt.Errorf("--redact-field %q names no field; give a key like token or a path like .data.object.customer", f)
		case strings.HasPrefix(t, ".") && strings.Contains(t[1:], ".."), strings.HasSuffix(t, "."):
			return fmt.Errorf("--redact-field %q has an empty step; write a path like .data.object.customer", f)
		}
	}
	return nil
}

// Request returns a redacted copy of r; r itself is left untouched. Size,
// and a Content-Length header that gave the body's length, follow the new
// body.
func Request(r *storage.Request, opt Options) *storage.Request {
	x := newRedactor(opt)
	out := *r
	out.Headers = slices.Clone(r.Headers)
	for i, h := range out.Headers {
		out.Headers[i].Value = x.header(h.Name, h.Value)
	}
	out.Target = x.target(r.Target)
	// The copy owns its body: whoever edits it must not edit r.
	body, ok := x.compressed(r.Body, r.Headers.Get("Content-Encoding"), r.Headers.Get("Content-Type"))
	if !ok {
		body = x.body(r.Body, r.Headers.Get("Content-Type"))
	}
	out.Body = bytes.Clone(body)
	grew := int64(len(out.Body) - len(r.Body))
	out.Size = r.Size + grew
	if grew != 0 {
		old := strconv.Itoa(len(r.Body))
		for i, h := range out.Headers {
			if strings.EqualFold(h.Name, "Content-Length") && strings.TrimSpace(h.Value) == old {
				out.Headers[i].Value = strconv.Itoa(len(out.Body))
			}
		}
	}
	return &out
}

// redactor is one request's redaction: its e-mail numbering is shared by
// headers, query and body so an address reads the same everywhere.
type redactor struct {
	names  map[string]bool // extra field names, lower-case
	paths  [][]string      // extra field paths from the root
	emails emails
}

func newRedactor(opt Options) *redactor {
	x := &redactor{names: map[string]bool{}}
	for _, f := range opt.Fields {
		f = strings.TrimSpace(f)
		if !strings.HasPrefix(f, ".") {
			if f != "" {
				x.names[strings.ToLower(f)] = true
			}
			continue
		}
		var path []string
		for _, seg := range strings.Split(f[1:], ".") {
			seg = strings.TrimSuffix(seg, "[]")
			if i := strings.IndexByte(seg, '['); i >= 0 && strings.HasSuffix(seg, "]") {
				seg = seg[:i]
			}
			if seg != "" {
				path = append(path, seg)
			}
		}
		if len(path) > 0 {
			x.paths = append(x.paths, path)
		}
	}
	return x
}

// secretField says whether the field at path (keys from the root; its
// last element is the field's own name) is to be replaced.
func (x *redactor) secretField(path []string) bool {
	name := path[len(path)-1]
	if secretName(name) || x.names[strings.ToLower(name)] {
		return true
	}
	for _, p := range x.paths {
		if slices.Equal(p, path) {
			return true
		}
	}
	return false
}

// body redacts a body by what it is: JSON (whatever the Content-Type
// says, since senders mislabel), a form, a multipart form, or anything
// else, where only e-mail addresses and "key": "value" pairs of secret
// keys (JSON cut short by --max-body, or embedded in text) are replaced.
func (x *redactor) body(b []byte, contentType string) []byte {
	if len(b) == 0 {
		return b
	}
	if out, ok := x.json(b, nil); ok {
		return out
	}
	if mt, _, _ := mime.ParseMediaType(contentType); mt == "application/x-www-form-urlencoded" {
		return []byte(x.form(string(b)))
	}
	if out, ok := x.multipart(b, contentType); ok {
		return out
	}
	return x.text(b)
}

func (x *redactor) target(t string) string {
	path, query, hasQuery := strings.Cut(t, "?")
	path = x.emails.replace(path)
	if !hasQuery {
		return path
	}
	return path + "?" + x.form(query)
}
