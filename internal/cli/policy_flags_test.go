package cli

import (
	"context"
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"gaff/capture"
	"gaff/internal/testkit"
	"gaff/policy"
)

// Flags apply for the run; the settings screen edits and saves only the
// saved layer, so a flag never becomes permanent by accident.
func TestFlagsApplyOverTheSavedPolicyAndAreNeverSaved(t *testing.T) {
	db := testkit.DB(t)
	ctx := context.Background()
	saved := &policy.Policy{Secrets: map[string]string{"stripe": "whsec_saved"}, NoHandshakes: map[string]bool{}}
	if err := policy.Save(ctx, db, saved); err != nil {
		t.Fatal(err)
	}
	h := capture.New(capture.Config{DB: db})
	f := policyFlags{secretFlags: secretFlags{specs: []string{"github=from-flag", "stripe=whsec_flag"}}, rejectInvalid: true, responds: []string{"/x 503"}}
	p, err := f.parse()
	if err != nil {
		t.Fatal(err)
	}
	l, err := policy.Layer(ctx, db, p, h.SetPolicy)
	if err != nil {
		t.Fatal(err)
	}
	eff := h.Policy()
	if eff.Secrets["github"] != "from-flag" || eff.Secrets["stripe"] != "whsec_flag" || !eff.RejectInvalid || eff.Match("/x") == nil {
		t.Fatalf("flags not in force: %+v", eff)
	}
	if l.Policy().Secrets["github"] != "" || l.Policy().RejectInvalid {
		t.Fatalf("the saved layer holds flags: %+v", l.Policy())
	}
	// The settings screen changes something and saves its layer.
	edited := l.Policy().Clone()
	edited.Secrets["slack"] = "slack-secret"
	l.SetPolicy(edited)
	if err := policy.Save(ctx, db, l.Policy()); err != nil {
		t.Fatal(err)
	}
	back, _ := policy.Load(ctx, db)
	if back.Secrets["github"] != "" || back.RejectInvalid || len(back.Responses) != 0 || back.Secrets["stripe"] != "whsec_saved" || back.Secrets["slack"] != "slack-secret" {
		t.Fatalf("saved %+v", back)
	}
	// …and the flags still apply over the new layer.
	if eff := h.Policy(); eff.Secrets["github"] != "from-flag" || eff.Secrets["slack"] != "slack-secret" || !eff.RejectInvalid {
		t.Fatalf("after the edit: %+v", eff)
	}
	if l.Overrides()["secret.github"] == "" || l.Overrides()["reject_invalid"] == "" {
		t.Fatalf("overrides %v", l.Overrides())
	}
}

// For one provider --secret wins over --secret-file, and the file over
// GAFF_SECRET_<PROVIDER>; the settings screen is told which one applies.
func TestSecretSourcesInOrder(t *testing.T) {
	t.Setenv("GAFF_SECRET_GITHUB", "gh-env")
	t.Setenv("GAFF_SECRET_STRIPE", "whsec_env")
	t.Setenv("GAFF_SECRET_SLACK", "slack-env")
	t.Setenv("GAFF_SECRET_META_VERIFY_TOKEN", "meta-env")
	t.Setenv("GAFF_SECRET_SVIX", "") // empty: not set
	file := filepath.Join(t.TempDir(), "secrets")
	os.WriteFile(file, []byte("# comment\n\ngithub=gh-file\n  svix = whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw \nstripe=whsec_file\n"), 0o600)
	f := policyFlags{secretFlags: secretFlags{specs: []string{"github=gh-flag"}, file: file}}
	p, err := f.parse()
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{"github": "gh-flag", "stripe": "whsec_file", "slack": "slack-env", "meta-verify-token": "meta-env",
		"standard-webhooks": "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}
	if !maps.Equal(p.Secrets, want) {
		t.Errorf("secrets %v, want %v", p.Secrets, want)
	}
	if n := p.Notes; n["secret.github"] != "--secret github" || n["secret.stripe"] != "--secret-file" || n["secret.slack"] != "GAFF_SECRET_SLACK" {
		t.Errorf("notes %v", n)
	}
	// A line that is not PROVIDER=SECRET is named, its secret masked.
	os.WriteFile(file, []byte("github=ok\nstripe whsec_abcdefghijklmnop\n"), 0o600)
	if _, err := f.parse(); err == nil || !strings.Contains(err.Error(), "line 2") || strings.Contains(err.Error(), "abcdefgh") {
		t.Errorf("a bad line: %v", err)
	}
}

// basic auth comes from the flag, else the file, else GAFF_BASIC_AUTH.
func TestBasicAuthSourcesInOrder(t *testing.T) {
	t.Setenv("GAFF_BASIC_AUTH", "env:password-env")
	file := filepath.Join(t.TempDir(), "auth")
	os.WriteFile(file, []byte("file:password-file\n"), 0o600)
	for _, c := range []struct{ flag, file, want, from string }{
		{"flag:password-flag", file, "flag:password-flag", "--basic-auth"},
		{"", file, "file:password-file", "--basic-auth-file"},
		{"", "", "env:password-env", "GAFF_BASIC_AUTH"},
	} {
		v, from, err := valueSource("--basic-auth", c.flag, "--basic-auth-file", c.file, "GAFF_BASIC_AUTH")
		if err != nil || v != c.want || from != c.from {
			t.Errorf("flag %q file %q: %q from %s (%v), want %q from %s", c.flag, c.file, v, from, err, c.want, c.from)
		}
	}
}

// Two --respond rules for one prefix: only one could ever answer (the
// later replaces the earlier), so gaff refuses them at start and says how
// to write one rule instead.
func TestRespondRefusesTwoRulesForOnePrefix(t *testing.T) {
	f := policyFlags{responds: []string{"/x 503 rate=30%", "/y 500", "/x 500"}}
	if _, err := f.parse(); err == nil || !strings.Contains(err.Error(), `"/x 500"`) || !strings.Contains(err.Error(), "/x 503 rate=30%") {
		t.Fatalf("err %v; want both rules for /x named", err)
	}
	f = policyFlags{responds: []string{"500", "/x 503", "/x/y 404"}}
	if _, err := f.parse(); err != nil {
		t.Fatalf("distinct prefixes refused: %v", err)
	}
}
