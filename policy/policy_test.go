package policy_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/policy"
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
