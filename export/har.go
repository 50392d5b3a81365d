package export

import (
	"bufio"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"
	"unicode/utf8"

	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// HAR 1.2 (http://www.softwareishard.com/blog/har-12-spec/), the subset
// browser devtools, Postman and Insomnia import. Every required field is
// written, with its type, even when gaff has nothing to put in it.

type harNameValue struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type harPostData struct {
	MimeType string `json:"mimeType"`
	Text     string `json:"text"`
	// Params repeats a form body's fields, decoded, for importers that
	// build the body from them; Text keeps the bytes, as browsers' HARs do.
	Params []harNameValue `json:"params,omitempty"`
	// Encoding "base64" marks a body that is not UTF-8 text; HAR 1.2 has
	// the field on response content only, and importers that know it read
	// it here too. Text alone could not carry the bytes.
	Encoding string `json:"encoding,omitempty"`
}

type harRequest struct {
	Method      string         `json:"method"`
	URL         string         `json:"url"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	QueryString []harNameValue `json:"queryString"`
	PostData    *harPostData   `json:"postData,omitempty"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
}

type harContent struct {
	Size     int    `json:"size"`
	MimeType string `json:"mimeType"`
}

type harResponse struct {
	Status      int            `json:"status"`
	StatusText  string         `json:"statusText"`
	HTTPVersion string         `json:"httpVersion"`
	Cookies     []harNameValue `json:"cookies"`
	Headers     []harNameValue `json:"headers"`
	Content     harContent     `json:"content"`
	RedirectURL string         `json:"redirectURL"`
	HeadersSize int            `json:"headersSize"`
	BodySize    int            `json:"bodySize"`
	Comment     string         `json:"comment,omitempty"`
}

type harTimings struct {
	Send    float64 `json:"send"`
	Wait    float64 `json:"wait"`
	Receive float64 `json:"receive"`
}

type harEntry struct {
	StartedDateTime string      `json:"startedDateTime"`
	Time            float64     `json:"time"`
	Request         harRequest  `json:"request"`
	Response        harResponse `json:"response"`
	Cache           struct{}    `json:"cache"`
	Timings         harTimings  `json:"timings"`
	Comment         string      `json:"comment,omitempty"`
	// Custom fields start with an underscore, as HAR 1.2 requires.
	GaffID    int64  `json:"_gaffId"`
	Provider  string `json:"_provider,omitempty"`
	Signature string `json:"_signature,omitempty"`
	Truncated bool   `json:"_truncated,omitempty"`
}

// writeHAR writes a HAR 1.2 log, one entry per capture: the request as it
// arrived, and as the response what gaff answered. Only the status of that
// answer is stored, so its headers and body are empty; the responses of
// replays and forwards are other exchanges, with other URLs, and are not
// mixed in.
func writeHAR(ctx context.Context, db *storage.DB, w *bufio.Writer, opt Options) error {
	version := opt.Version
	if version == "" {
		version = "dev"
	}
	creator, _ := json.Marshal(map[string]string{"name": "gaff", "version": version})
	w.WriteString(`{"log":{"version":"1.2","creator":`)
	w.Write(creator)
	w.WriteString(`,"entries":[`)
	first := true
	var buf, safe bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	err := eachRequest(ctx, db, opt, func(r *storage.Request) error {
		e, err := harEntryOf(r, opt.Base)
		if err != nil {
			return err
		}
		buf.Reset()
		safe.Reset()
		if err := enc.Encode(e); err != nil {
			return err
		}
		sanitize.WriteJSON(&safe, bytes.TrimRight(buf.Bytes(), "\n"))
		if !first {
			w.WriteByte(',')
		}
		first = false
		w.WriteString("\n")
		_, err = w.Write(safe.Bytes())
		return err
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("\n]}}\n")
	return err
}

func harEntryOf(r *storage.Request, base string) (*harEntry, error) {
	out, err := send.ReplayOf(r, base)
	if err != nil {
		return nil, err
	}
	proto := r.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	req := harRequest{
		Method: r.Method, URL: out.URL, HTTPVersion: proto,
		Cookies: harCookies(out.Headers), Headers: harHeaders(out.Headers, base != ""), QueryString: harQuery(out.URL),
		HeadersSize: -1, BodySize: len(r.Body),
	}
	if len(r.Body) > 0 {
		pd := &harPostData{MimeType: r.Headers.Get("Content-Type")}
		if utf8.Valid(r.Body) {
			pd.Text = string(r.Body)
			if mt, _, _ := mime.ParseMediaType(pd.MimeType); mt == "application/x-www-form-urlencoded" {
				pd.Params = harParams(pd.Text)
			}
		} else {
			pd.Text, pd.Encoding = base64.StdEncoding.EncodeToString(r.Body), "base64"
		}
		req.PostData = pd
	}
	e := &harEntry{
		StartedDateTime: r.Time.UTC().Format(time.RFC3339Nano),
		Request:         req,
		Response: harResponse{
			Status: r.Status, StatusText: http.StatusText(r.Status), HTTPVersion: proto,
			Cookies: []harNameValue{}, Headers: []harNameValue{}, HeadersSize: -1, BodySize: -1,
			Comment: "what gaff answered; gaff keeps the status of its answer, not its headers or body",
		},
		GaffID: r.ID, Provider: r.Provider, Signature: r.Signature, Truncated: r.Truncated,
	}
	if r.Truncated {
		e.Comment = "the body was cut: " + r.Note
	}
	return e, nil
}

// harHeaders lists the headers an importer should send: not the ones it
// makes anew for its own connection and body (Content-Length, Connection
// and the other hop-by-hop headers), which it would otherwise send twice
// or wrong; nor, when the entry goes to another target, the old Host.
func harHeaders(h storage.Headers, newTarget bool) []harNameValue {
	out := make([]harNameValue, 0, len(h))
	for _, x := range h {
		if k := strings.ToLower(x.Name); send.HopByHop(k) && (k != "host" || newTarget) {
			continue
		}
		out = append(out, harNameValue{x.Name, x.Value})
	}
	return out
}

func harCookies(h storage.Headers) []harNameValue {
	out := []harNameValue{}
	for _, line := range h.Values("Cookie") {
		cs, err := http.ParseCookie(line)
		if err != nil {
			continue // a malformed Cookie header is still in headers, as sent
		}
		for _, c := range cs {
			out = append(out, harNameValue{c.Name, c.Value})
		}
	}
	return out
}

// harQuery lists the query's parameters as harParams does.
func harQuery(rawURL string) []harNameValue {
	_, q, _ := strings.Cut(rawURL, "?")
	return harParams(q)
}

// harParams lists the fields of a query or form body in order, repeats
// kept, decoded as HAR wants; a part that does not decode is given as it
// was.
func harParams(q string) []harNameValue {
	out := []harNameValue{}
	for part := range strings.SplitSeq(q, "&") {
		if part == "" {
			continue
		}
		k, v, _ := strings.Cut(part, "=")
		out = append(out, harNameValue{unescapeQuery(k), unescapeQuery(v)})
	}
	return out
}

func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}
