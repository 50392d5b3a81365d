package storage

import (
	"bytes"
	"errors"
	"io"
	"mime"
	"mime/multipart"
)

// Part is one part of a multipart/form-data body, its bytes copied out of
// the stored body, which is never changed.
type Part struct {
	Name, Filename, ContentType string
	Body                        []byte
}

// Parts splits a multipart body into its first max parts and counts the
// rest; the TUI, `gaff show` and the search index all read parts through
// it. An error means the body is not well-formed multipart: the parts read
// before it come back beside it, for a reader that takes what there is.
func Parts(contentType string, body []byte, max int) (parts []Part, total int, err error) {
	_, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		return nil, 0, err
	}
	boundary := params["boundary"]
	if boundary == "" {
		return nil, 0, errors.New("no boundary in Content-Type")
	}
	mr := multipart.NewReader(bytes.NewReader(body), boundary)
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return parts, total, err
		}
		total++
		if total > max {
			// Read through the rest only to count it.
			if _, err := io.Copy(io.Discard, p); err != nil {
				return parts, total, err
			}
			continue
		}
		b, err := io.ReadAll(p)
		if err != nil {
			return parts, total, err
		}
		parts = append(parts, Part{Name: p.FormName(), Filename: p.FileName(), ContentType: p.Header.Get("Content-Type"), Body: b})
	}
	if total == 0 {
		return nil, 0, errors.New("no parts before the closing boundary")
	}
	return parts, total, nil
}
