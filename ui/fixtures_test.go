package ui

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"time"

	"gaff/storage"
)

var t0 = time.Date(2026, 11, 22, 12, 4, 0, 0, time.UTC)

func hdrs(kv ...string) storage.Headers {
	var h storage.Headers
	for i := 0; i+1 < len(kv); i += 2 {
		h = append(h, storage.Header{Name: kv[i], Value: kv[i+1]})
	}
	return h
}

func req(sec int, method, target string, h storage.Headers, body []byte) *storage.Request {
	return &storage.Request{
		Summary: storage.Summary{Time: t0.Add(time.Duration(sec) * time.Second), Method: method, Target: target,
			Size: int64(len(body)), Status: 200, ContentType: h.Get("Content-Type")},
		Host: "127.0.0.1:4747", Proto: "HTTP/1.1", RemoteAddr: "127.0.0.1:53422", Headers: h, Body: body,
	}
}

const githubPush = `{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0000000000000000000000000000000000000000","repository":{"id":186853002,"name":"hello-world","full_name":"octo/hello-world","private":false,"owner":{"login":"octo","id":21031067}},"pusher":{"name":"octo","email":"octo@example.com"},"commits":[{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Fix the \u001b[31m widget","timestamp":"2026-11-22T12:03:59Z","added":[],"removed":[],"modified":["README.md"]}],"head_commit":null}`

const stripeEvent = `{"id":"evt_1QbTEST","object":"event","api_version":"2024-06-20","created":1763812999,"data":{"object":{"id":"pi_3QbTEST","object":"payment_intent","amount":2000,"currency":"usd","status":"succeeded"}},"livemode":false,"pending_webhooks":1,"type":"payment_intent.succeeded"}`

func fixtures() []*storage.Request {
	var gz bytes.Buffer
	zw := gzip.NewWriter(&gz)
	zw.Write([]byte(`{"compressed":true,"items":[1,2,3]}`))
	zw.Close()
	bin := make([]byte, 100)
	for i := range bin {
		bin[i] = byte(i * 7)
	}
	out := []*storage.Request{
		req(1, "POST", "/hooks/github", hdrs("Host", "127.0.0.1:4747", "User-Agent", "GitHub-Hookshot/8e03811", "Content-Type", "application/json",
			"X-GitHub-Event", "push", "X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958", "X-Hub-Signature-256", "sha256=abc"), []byte(githubPush)),
		req(5, "POST", "/stripe", hdrs("Content-Type", "application/json; charset=utf-8", "Stripe-Signature", "t=1763812999,v1=deadbeef"), []byte(stripeEvent)),
		req(9, "POST", "/slack/commands?team=T1", hdrs("Content-Type", "application/x-www-form-urlencoded"), []byte("token=xyz&team_id=T1DC2JH3J&text=hello+world&response_url=https%3A%2F%2Fhooks.slack.com%2Fx")),
		req(12, "PUT", "/upload/image.bin", hdrs("Content-Type", "application/octet-stream"), bin),
		req(15, "POST", "/gz", hdrs("Content-Type", "application/json", "Content-Encoding", "gzip"), gz.Bytes()),
		req(20, "GET", "/meta?hub.mode=subscribe&hub.challenge=1158201444&x=\x1b]0;pwned\x07", hdrs("X-Evil\x1b[2J", "\x1b]52;c;aGk=\x07"), nil),
	}
	out[0].Provider, out[0].Signature = "github", "valid"
	out[1].Provider, out[1].Signature, out[1].SigReason = "stripe", "invalid", "timestamp 612 s old, outside 300 s tolerance (the signature matches)"
	out[2].Provider, out[2].Signature = "slack", "no-secret"
	out[5].Provider, out[5].Handshake = "meta", "answered Meta subscription challenge"
	// As capture names them from these bytes (provider.EventName).
	out[0].Event, out[1].Event = "push", "payment_intent.succeeded"
	return out
}

func many(n int) []*storage.Request {
	out := make([]*storage.Request, n)
	for i := range out {
		out[i] = req(i, "POST", fmt.Sprintf("/n/%d", i+1), hdrs("Content-Type", "text/plain"), []byte(fmt.Sprint(i+1)))
	}
	return out
}
