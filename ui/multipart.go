package ui

import (
	"fmt"
	"strings"

	"gaff/internal/bytesize"
	"gaff/sanitize"
	"gaff/storage"
)

// maxParts is how many parts of a multipart body are shown; a body of
// thousands of tiny parts must not make the screen a list of headers.
const maxParts = 32

// bodyPart is one part of a multipart/form-data body, its bytes copied out
// of the stored body, which is never changed.
type bodyPart struct {
	name, filename, ctype string
	body                  []byte
	kind                  bodyKind
	lang                  string
}

// parseMultipart splits a multipart/form-data body into its first maxParts
// parts and counts the rest. An error means the body is not well-formed
// multipart, and the caller shows it whole instead.
func parseMultipart(contentType string, b []byte) (parts []bodyPart, total int, err error) {
	ps, total, err := storage.Parts(contentType, b, maxParts)
	if err != nil {
		return nil, 0, err
	}
	for _, p := range ps {
		bp := bodyPart{name: p.Name, filename: p.Filename, ctype: p.ContentType, body: p.Body}
		bp.kind, bp.lang = classify(bp.ctype, bp.body)
		parts = append(parts, bp)
	}
	return parts, total, nil
}

// header is the line above a part's body: where it sits, and what it says
// of itself.
func (p *bodyPart) header(i, total int, st *Styles) string {
	fields := []string{st.HeaderName.Render(fmt.Sprintf("part %d of %d", i+1, total))}
	add := func(k, v string) {
		if v != "" {
			fields = append(fields, st.Muted.Render(k+" ")+sanitize.Line(v))
		}
	}
	add("name", p.name)
	add("file", p.filename)
	add("type", p.ctype)
	add("size", bytesize.Format(int64(len(p.body))))
	return strings.Join(fields, "  ")
}

// partsSource shows each part's header, then its body through the view its
// kind has as a whole body, one after the other.
type partsSource struct {
	heads  []string
	bodies []lineSource
}

func newPartsSource(parts []bodyPart, total int, st *Styles) *partsSource {
	s := &partsSource{}
	for i := range parts {
		p := &parts[i]
		s.heads = append(s.heads, p.header(i, total, st))
		s.bodies = append(s.bodies, kindSource(p.kind, p.lang, p.body, nil, st))
	}
	return s
}

// Line walks the parts: each takes its header, its body and a blank line.
func (s *partsSource) Line(i int) (string, bool) {
	if i < 0 {
		return "", false
	}
	for k, body := range s.bodies {
		if i == 0 {
			return s.heads[k], true
		}
		i--
		if n := body.Count(); i < n {
			return body.Line(i)
		} else {
			i -= n
		}
		if i == 0 {
			return "", true
		}
		i--
	}
	return "", false
}

func (s *partsSource) Count() int {
	n := 0
	for _, b := range s.bodies {
		n += 2 + b.Count()
	}
	return n
}
