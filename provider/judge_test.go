package provider

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"github.com/slack-go/slack"
	"github.com/stripe/stripe-go/v82/webhook"
)

// The providers' own Go libraries judge gaff's verdicts: for each request,
// gaff calls it valid exactly when the library accepts it. They check
// timestamps against the wall clock, so the requests are signed now.

func TestStripeGoAgrees(t *testing.T) {
	const secret = "whsec_judge"
	body := []byte(`{"id":"evt_1","object":"event"}`)
	now := time.Now()
	sig := func(at time.Time) (string, string) {
		ts := strconv.FormatInt(at.Unix(), 10)
		return ts, hmacHex(secret, ts+"."+string(body))
	}
	tsNow, v1Now := sig(now)
	tsOld, v1Old := sig(now.Add(-time.Hour))
	tsAhead, v1Ahead := sig(now.Add(time.Hour))
	for _, c := range []struct{ name, header string }{
		{"now", "t=" + tsNow + ",v1=" + v1Now},
		{"an hour old", "t=" + tsOld + ",v1=" + v1Old},
		{"an hour ahead", "t=" + tsAhead + ",v1=" + v1Ahead},
		{"later t wins", "t=" + tsOld + ",t=" + tsNow + ",v1=" + v1Now},
		{"earlier t loses", "t=" + tsNow + ",t=" + tsOld + ",v1=" + v1Now},
		{"space after comma", "t=" + tsNow + ", v1=" + v1Now},
		{"one good v1 of several, and a v0", "t=" + tsNow + ",v1=00ff,v1=" + v1Now + ",v0=abcd"},
		{"wrong secret", "t=" + tsNow + ",v1=" + hmacHex("whsec_other", tsNow+"."+string(body))},
		{"v0 only", "t=" + tsNow + ",v0=" + v1Now},
	} {
		t.Run(c.name, func(t *testing.T) {
			judge := webhook.ValidatePayload(body, c.header, secret)
			v := Verify(Stripe, secret, req("POST", "/", string(body), "Stripe-Signature", c.header), now)
			if (judge == nil) != (v.Result == Valid) {
				t.Fatalf("stripe-go says %v, gaff says %+v", judge, v)
			}
		})
	}
}

func TestSlackGoAgrees(t *testing.T) {
	const secret = "8f742231b10e8888abcd99yyyzzz85a5"
	now := time.Now()
	for _, c := range []struct {
		name string
		at   time.Time
		key  string
	}{
		{"now", now, secret},
		{"an hour old", now.Add(-time.Hour), secret},
		{"an hour ahead", now.Add(time.Hour), secret},
		{"four minutes ahead", now.Add(4 * time.Minute), secret},
		{"wrong secret", now, "other"},
	} {
		t.Run(c.name, func(t *testing.T) {
			ts := strconv.FormatInt(c.at.Unix(), 10)
			h := http.Header{}
			h.Set("X-Slack-Request-Timestamp", ts)
			h.Set("X-Slack-Signature", "v0="+hmacHex(c.key, "v0:"+ts+":"+slackVectorBody))
			sv, judge := slack.NewSecretsVerifier(h, secret)
			if judge == nil {
				sv.Write([]byte(slackVectorBody))
				judge = sv.Ensure()
			}
			v := Verify(Slack, secret, &Request{Method: "POST", URL: "/", Header: h, Body: []byte(slackVectorBody)}, now)
			if (judge == nil) != (v.Result == Valid) {
				t.Fatalf("slack-go says %v, gaff says %+v", judge, v)
			}
		})
	}
}
