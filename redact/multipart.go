package redact

import (
	"bytes"
	"mime"
	"strings"
)

// multipart redacts a multipart/form-data body part by part, as a form:
// senders like Mailgun and SendGrid's Inbound Parse post their fields
// (token, signature, addresses) this way. It walks the boundaries rather
// than re-encoding, so every byte outside a replaced value stays, file
// parts included; a body cut short is redacted as far as it goes. ok is
// false when the body is not multipart or its boundary is not in it.
func (x *redactor) multipart(b []byte, contentType string) (out []byte, ok bool) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") || params["boundary"] == "" {
		return nil, false
	}
	delim := []byte("--" + params["boundary"])
	start := bytes.Index(b, delim)
	if start < 0 {
		return nil, false
	}
	var buf bytes.Buffer
	buf.Write(x.text(b[:start]))
	// A delimiter line starts after a line break; Go's reader, like many
	// senders' parsers, takes a bare LF as one.
	sep := append([]byte("\n"), delim...)
	rest := b[start:]
	for {
		buf.Write(delim)
		rest = rest[len(delim):]
		if bytes.HasPrefix(rest, []byte("--")) {
			buf.Write(x.text(rest))
			return buf.Bytes(), true
		}
		end := bytes.Index(rest, sep)
		if end < 0 {
			buf.Write(x.part(rest))
			return buf.Bytes(), true
		}
		cut := end
		if cut > 0 && rest[cut-1] == '\r' {
			cut--
		}
		buf.Write(x.part(rest[:cut]))
		buf.Write(rest[cut : end+1])
		rest = rest[end+1:]
	}
}

// part redacts one part: the rest of its boundary line and its headers
// lose e-mail addresses (a filename can hold one); its content is replaced
// whole when the field's name is secret, else redacted by what it is.
func (x *redactor) part(p []byte) []byte {
	head, content, ok := cutHead(p)
	if !ok {
		return x.text(p)
	}
	var name, ct string
	for _, line := range strings.Split(string(head), "\r\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		switch strings.ToLower(strings.TrimSpace(k)) {
		case "content-disposition":
			if _, ps, err := mime.ParseMediaType(v); err == nil {
				name = ps["name"]
			}
		case "content-type":
			ct = strings.TrimSpace(v)
		}
	}
	out := []byte(x.emails.replace(string(head)))
	if name != "" && len(content) > 0 && x.secretField([]string{name}) {
		return append(out, Placeholder...)
	}
	return append(out, x.body(content, ct)...)
}

// cutHead splits a part at the blank line after its headers, CRLF or
// bare LF.
func cutHead(p []byte) (head, content []byte, ok bool) {
	for i := 0; i < len(p); i++ {
		if p[i] != '\n' {
			continue
		}
		switch {
		case bytes.HasPrefix(p[i+1:], []byte("\r\n")):
			return p[:i+3], p[i+3:], true
		case bytes.HasPrefix(p[i+1:], []byte("\n")):
			return p[:i+2], p[i+2:], true
		}
	}
	return nil, nil, false
}
