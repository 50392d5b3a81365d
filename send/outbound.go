package send

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"time"

	"gaff/provider"
	"gaff/storage"
)

// signed builds what one attempt sends: p to url, extra headers set over
// p's (a name in extra replaces p's headers of that name), the message id
// in the scheme's id header, and a signature made at now. Every attempt
// calls it afresh: timestamped schemes refuse a signature older than five
// minutes, so a retry must not reuse the first one.
func signed(url string, p Payload, extra storage.Headers, scheme, secret, msgID string, now time.Time) (Outbound, error) {
	h := SetHeaders(p.Headers, extra)
	if names := idHeaders[scheme]; len(names) > 0 && scheme != provider.SchemeNone && scheme != provider.SchemeStandardWebhooks {
		// Standard Webhooks gets its id from Sign; "none" keeps whatever the payload has.
		h = replaceHeaders(h, nil, []provider.HeaderPair{{Name: names[0], Value: msgID}})
	}
	if len(p.Body) > 0 && h.Get("Content-Type") == "" && json.Valid(p.Body) {
		h = append(h, storage.Header{Name: "Content-Type", Value: "application/json"})
	}
	method := p.Method
	if method == "" {
		method = http.MethodPost
	}
	out := Outbound{Method: method, URL: url, Headers: h, Body: p.Body}
	sig, err := provider.Sign(scheme, provider.SignInput{Body: p.Body, Secret: secret, Now: now, ID: msgID})
	if err != nil {
		return out, err
	}
	out.Headers = replaceHeaders(out.Headers, provider.SignatureHeaders(scheme), sig)
	return out, nil
}

// SetHeaders returns a copy of h without the headers named in extra, then
// extra, whose repeats are kept.
func SetHeaders(h, extra storage.Headers) storage.Headers {
	names := map[string]bool{}
	for _, x := range extra {
		names[strings.ToLower(x.Name)] = true
	}
	out := make(storage.Headers, 0, len(h)+len(extra))
	for _, x := range h {
		if !names[strings.ToLower(x.Name)] {
			out = append(out, x)
		}
	}
	return append(out, extra...)
}

// SendOnce sends one signed request, as `gaff send` does, and returns the
// attempt as a Delivery of kind send (the caller stores it). A signing
// failure (a secret not in the scheme's format) is the attempt's Error;
// nothing is sent then.
func SendOnce(ctx context.Context, client *Client, to, method string, headers storage.Headers, body []byte, scheme, secret string) *storage.Delivery {
	p := Payload{Method: method, Headers: headers, Body: body}
	out, err := signed(to, p, nil, scheme, secret, messageID(scheme, p), time.Now())
	var d *storage.Delivery
	if err != nil {
		d = &storage.Delivery{Time: time.Now(), Method: out.Method, URL: to, Headers: out.Headers, Body: body, Error: "not sent: " + err.Error()}
	} else {
		d = client.Do(ctx, out)
	}
	d.Kind = storage.KindSend
	return d
}

// WithEventHeaders completes h with what scheme's receiver library needs
// besides the signature and the delivery id (which signing adds): the
// event type in the scheme's type header, eventType replacing any the
// payload has, and the headers provider.ReceiverHeaders names, where h
// has none. An error says what is missing.
func WithEventHeaders(h storage.Headers, scheme, eventType string) (storage.Headers, error) {
	name, example := provider.EventTypeHeader(scheme)
	switch {
	case eventType != "" && name == "":
		return h, fmt.Errorf("scheme %s carries the event type in the body, not in a header; leave --type out", scheme)
	case eventType != "":
		h = SetHeaders(h, storage.Headers{{Name: name, Value: eventType}})
	case name != "" && h.Get(name) == "":
		return h, fmt.Errorf("%s receivers refuse a delivery without %s: name the event with --type (e.g. --type %s) or --header '%s: %s'",
			provider.Name(scheme), name, example, name, example)
	}
	for _, x := range provider.ReceiverHeaders(scheme) {
		if h.Get(x.Name) == "" {
			h = append(h, storage.Header{Name: x.Name, Value: x.Value})
		}
	}
	return h, nil
}
