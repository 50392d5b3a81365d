package policy_test

import (
	"context"
	"slices"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/policy"
	"gaff/storage"
)

func TestParseResponseRuleErrors(t *testing.T) {
	for _, bad := range []string{"", "abc", "/x", "/x 99", "/x 200 delay=forever", "/x 200 body=@/no/such/file",
		"/x 200 header=nocolon", "/x 200 color=red", "x 200", "/x 200 delay=10m", "/x 200 'unclosed"} {
		if _, err := policy.ParseResponseRule(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	r, err := policy.ParseResponseRule(`/a 418 delay=1s header="X-A: 1" header='X-B: two words' body="hi there"`)
	if err != nil || r.Prefix != "/a" || r.Status != 418 || r.Delay != time.Second || len(r.Header) != 2 || r.Header[1].Value != "two words" || r.Body != "hi there" {
		t.Fatalf("%+v %v", r, err)
	}
}

func TestPolicySurvivesRestart(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	rule, _ := policy.ParseResponseRule("/x 503")
	p := &policy.Policy{Secrets: map[string]string{"github": "s1", "stripe": "whsec_abc"}, NoHandshakes: map[string]bool{"dropbox-challenge": true},
		RejectInvalid: true, Responses: []policy.ResponseRule{rule}}
	if err := policy.Save(ctx, db, p); err != nil {
		t.Fatal(err)
	}
	got, err := policy.Load(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if got.Secrets["stripe"] != "whsec_abc" || !got.NoHandshakes["dropbox-challenge"] || !got.RejectInvalid || len(got.Responses) != 1 || got.Responses[0].Status != 503 {
		t.Fatalf("loaded %+v", got)
	}
	q := got.Clone()
	delete(q.Secrets, "github")
	q.Responses = nil
	q.RejectInvalid = false
	policy.Save(ctx, db, q)
	got, _ = policy.Load(ctx, db)
	if _, ok := got.Secrets["github"]; ok || len(got.Responses) != 0 || got.RejectInvalid {
		t.Fatalf("removals not saved: %+v", got)
	}
}

func TestMaskNeverShowsTheSecret(t *testing.T) {
	for _, s := range []string{"whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw", "It's a Secret to Everybody", "short"} {
		m := policy.Mask(s)
		if strings.Contains(m, s[:len(s)-4]) && len(s) > 8 || m == s {
			t.Errorf("policy.Mask(%q) = %q shows too much", s, m)
		}
	}
	if policy.Mask("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw") != "whsec_••••••LaSw" {
		t.Error(policy.Mask("whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"))
	}
}

// Where nothing captures (replay --resign), the layers still give the
// secrets in force: a run's override over the saved one.
func TestLayeredSecretsWithoutAHandler(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	if err := policy.Save(ctx, db, &policy.Policy{Secrets: map[string]string{"github": "saved", "slack": "saved-slack"}}); err != nil {
		t.Fatal(err)
	}
	l, err := policy.Layer(ctx, db, &policy.Overrides{Secrets: map[string]string{"github": "flag"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	for id, want := range map[string]string{"github": "flag", "slack": "saved-slack", "stripe": ""} {
		if got, ok := l.Secret(id); got != want || ok != (want != "") {
			t.Errorf("Secret(%q) = %q, %v; want %q", id, got, ok, want)
		}
	}
}

func TestParseRulesThatChangeOverTime(t *testing.T) {
	for spec, want := range map[string]string{
		"/flaky seq=":              "seq= is empty",
		"/flaky seq=500,,200":      "is not a status code",
		"/flaky seq=500,99":        "not an HTTP status",
		"/flaky 500 seq=500,200":   "both a status",
		"/s 503 rate=130%":         "outside 0–100%",
		"/s 503 rate=0%":           "outside 0–100%",
		"/s 503 rate=30":           "a share like rate=30%",
		"/g 410 after=-1":          "not a count",
		"/g 410 after=x":           "not a count",
		"/rl 429 retry-after=soon": "whole number of seconds",
		"/d 200 drip=x":            "not a duration",
		"/d 200 drip=0s":           "not a duration",
		"/d 200 drip=10m":          "outside 0–2m0s",
		"/x hang reset":            "hang and reset together",
		"/x 200 hang":              "no status",
		"/x reset body=hi":         "nowhere to go",
		"/x hang drip=1s":          "no body to drip",
		"/x hang delay=1s":         "drop delay=",
		"/x":                       "no status",
		"/x rate=50%":              "no status",
		"/x 200 sometimes":         "not key=value",
	} {
		_, err := policy.ParseResponseRule(spec)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one saying %q", spec, err, want)
		}
	}
	// Every kind survives String and back, which is how the settings
	// screen edits and the database keeps them.
	for _, spec := range []string{"/flaky seq=500,500,200", "/sometimes 503 rate=12.5%", "/gone 410 after=3",
		"/rl 429 retry-after=5", "/x hang", "/x reset rate=30% after=2", "/x delay=1s reset", "/d 200 drip=10s body=slow",
		"503 rate=30%"} {
		r, err := policy.ParseResponseRule(spec)
		if err != nil {
			t.Fatalf("%q: %v", spec, err)
		}
		back, err := policy.ParseResponseRule(r.String())
		if err != nil || back.String() != r.String() {
			t.Errorf("%q → %q → %q, %v", spec, r.String(), back.String(), err)
		}
	}
}

// The step a sequence is on and the counts follow the requests, and Reset
// starts them afresh.
func TestRuleStateCountsAndResets(t *testing.T) {
	r, _ := policy.ParseResponseRule("/flaky seq=500,503,200 after=1")
	p := &policy.Policy{Responses: []policy.ResponseRule{r}, State: policy.NewRuleStates(7)}
	var got []int
	for range 4 {
		req := &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/flaky"}}
		status := 200
		if a := p.Decide(req); a != nil {
			status = a.Status
		}
		got = append(got, status)
	}
	if want := []int{200, 500, 503, 200}; !slices.Equal(got, want) {
		t.Fatalf("statuses %v, want %v", got, want)
	}
	c := p.State.Counts(r)
	if c.Matched != 4 || c.Answered != 3 || r.Step(c) != 2 {
		t.Fatalf("counts %+v step %d", c, r.Step(c))
	}
	p.State.Reset()
	if c := p.State.Counts(r); c != (policy.RuleCounts{}) || r.Step(c) != 0 {
		t.Fatalf("after reset %+v", c)
	}
}
