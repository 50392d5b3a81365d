package main

import (
	"context"
	"path/filepath"
	"testing"

	"gaff/capture"
	"gaff/storage"
)

// Flags apply for the run; the settings screen edits and saves only the
// saved layer, so a flag never becomes permanent by accident.
func TestFlagsApplyOverTheSavedPolicyAndAreNeverSaved(t *testing.T) {
	db, err := storage.Open(filepath.Join(t.TempDir(), "g.db"), storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	saved := &capture.Policy{Secrets: map[string]string{"stripe": "whsec_saved"}, NoHandshakes: map[string]bool{}}
	if err := capture.SavePolicy(ctx, db, saved); err != nil {
		t.Fatal(err)
	}
	h := capture.New(capture.Config{DB: db})
	f := policyFlags{secrets: []string{"github=from-flag", "stripe=whsec_flag"}, rejectInvalid: true, responds: []string{"/x 503"}}
	l, err := f.policy(ctx, db, h)
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
	if err := capture.SavePolicy(ctx, db, l.Policy()); err != nil {
		t.Fatal(err)
	}
	back, _ := capture.LoadPolicy(ctx, db)
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
