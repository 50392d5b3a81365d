package ui

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"gaff/capture"
	"gaff/policy"
)

// The settings screen shows where each rule is, saved or set by --respond,
// as real captures move it; r starts them all afresh.
func TestSettingsShowRuleStateAndResetIt(t *testing.T) {
	h := newHarness(t, 120, 40)
	saved, _ := policy.ParseResponseRule("/gone 410 after=1")
	if err := policy.Save(context.Background(), h.db, &policy.Policy{Responses: []policy.ResponseRule{saved}}); err != nil {
		t.Fatal(err)
	}
	handler := flagRules(t, h, "/flaky seq=500,503,200")
	srv := httptest.NewServer(handler)
	defer srv.Close()
	status := func(path string) int {
		t.Helper()
		resp, err := http.Post(srv.URL+path, "text/plain", strings.NewReader("x"))
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}

	h.keys("S")
	h.checkSize()
	h.contains("/gone", "410 after=1  0 matched, 0 answered", "/flaky", "seq=500,503,200  step 1/3 · 0 matched, 0 answered", "(--respond, this run only)")
	if a, b, c := status("/flaky"), status("/flaky"), status("/gone"); a != 500 || b != 503 || c != 200 {
		t.Fatalf("statuses %d %d %d", a, b, c)
	}
	h.send(dbChangedMsg{})
	h.contains("seq=500,503,200  step 3/3 · 2 matched, 2 answered", "410 after=1  1 matched, 0 answered")

	// The flag's rule cannot be edited here; the screen says why.
	for h.app.settings.items[h.app.settings.cursor].kind != settingFlagResponse {
		h.keys("j")
	}
	h.keys("enter")
	h.contains("set by --respond for this run")

	h.keys("r")
	h.contains("rule counts reset", "step 1/3 · 0 matched, 0 answered", "410 after=1  0 matched, 0 answered")
	if s := status("/flaky"); s != 500 {
		t.Fatalf("after the reset /flaky got %d, want the sequence's first, 500", s)
	}
	h.keys("?")
	h.contains("reset rule counts")
}

// With no saved responses but --respond rules, the screen must not claim
// gaff answers 200 to everything: the flags' rules answer under their
// prefixes.
func TestSettingsDoNotCallFlagRulesNone(t *testing.T) {
	h := newHarness(t, 120, 40)
	flagRules(t, h, "/flaky seq=500,503,200")
	h.keys("S")
	h.contains("/flaky", "+ add a response")
	h.lacks("none: gaff answers 200")
}

// flagRules gives the app a handler whose policy layers spec, as --respond
// does, over what the database holds.
func flagRules(t *testing.T, h *harness, spec string) *capture.Handler {
	t.Helper()
	flag, err := policy.ParseResponseRule(spec)
	if err != nil {
		t.Fatal(err)
	}
	handler := capture.New(capture.Config{DB: h.db})
	l, err := policy.Layer(context.Background(), h.db, &policy.Overrides{Rules: []policy.ResponseRule{flag}}, handler.SetPolicy)
	if err != nil {
		t.Fatal(err)
	}
	h.app.common.deps.Policy = l
	return handler
}

// A hang or reset rule answers nothing; its state says what it did to the
// requests it took instead of calling them answered.
func TestRuleStateOfRulesThatNeverAnswer(t *testing.T) {
	c := policy.RuleCounts{Matched: 3, Answered: 2}
	for spec, want := range map[string]string{"/h hang": "3 matched, 2 held unanswered", "/r reset after=1": "3 matched, 2 reset",
		"/x 503": "3 matched, 2 answered"} {
		r, err := policy.ParseResponseRule(spec)
		if err != nil {
			t.Fatal(err)
		}
		if got := ruleState(r, c); got != want {
			t.Errorf("%s: %q, want %q", spec, got, want)
		}
	}
}
