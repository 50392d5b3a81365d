package provider

import (
	"net/http"
	"time"
)

// req builds a Request from alternating header names and values.
func req(method, url, body string, kv ...string) *Request {
	h := http.Header{}
	for i := 0; i+1 < len(kv); i += 2 {
		h.Add(kv[i], kv[i+1])
	}
	return &Request{Method: method, URL: url, Header: h, Body: []byte(body)}
}

// withHeaders returns a copy of r with the pairs set (replacing same names).
func withHeaders(r *Request, pairs []HeaderPair) *Request {
	c := *r
	c.Header = r.Header.Clone()
	if c.Header == nil {
		c.Header = http.Header{}
	}
	for _, p := range pairs {
		c.Header.Set(p.Name, p.Value)
	}
	return &c
}

func unix(s int64) time.Time { return time.Unix(s, 0) }

func unixMilli(ms int64) time.Time { return time.UnixMilli(ms) }
