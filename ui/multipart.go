package ui

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"strings"

	"gaff/internal/bytesize"
	"gaff/sanitize"
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
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, 0, err
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, 0, errors.New("no boundary in Content-Type")
	}
	mr := multipart.NewReader(bytes.NewReader(b), boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, 0, err
		}
		total++
		if total > maxParts {
			// Read through the rest only to count it.
			if _, err := io.Copy(io.Discard, p); err != nil {
				return nil, 0, err
			}
			continue
		}
		body, err := io.ReadAll(p)
		if err != nil {
			return nil, 0, err
		}
		bp := bodyPart{name: p.FormName(), filename: p.FileName(), ctype: p.Header.Get("Content-Type"), body: body}
		bp.kind, bp.lang = classify(bp.ctype, body)
		parts = append(parts, bp)
	}
	if total == 0 {
		return nil, 0, errors.New("no parts before the closing boundary")
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
