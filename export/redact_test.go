package export_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"gaff/export"
	"gaff/internal/testkit"
	"gaff/redact"
	"gaff/storage"
)

// TestExportRedactsEveryFormat: --redact applies to what every format
// writes, and the database keeps the capture as it came.
func TestExportRedactsEveryFormat(t *testing.T) {
	db := testkit.DB(t)
	r := testkit.Store(t, db, &storage.Request{
		Summary: storage.Summary{Method: "POST", Target: "/slack?api_key=querysecret", Provider: "slack"},
		Host:    "127.0.0.1:4747", Proto: "HTTP/1.1",
		Headers: storage.Headers{{Name: "Content-Type", Value: "application/x-www-form-urlencoded"},
			{Name: "Authorization", Value: "Bearer authsecret"}, {Name: "Cookie", Value: "sid=cookiesecret"},
			{Name: "X-Slack-Signature", Value: "v0=" + strings.Repeat("9", 64)}},
		Body: []byte("token=bodysecret&user_email=ann%40corp.io&customer=cus_42"),
	})
	secrets := []string{"querysecret", "authsecret", "cookiesecret", "9999999999", "bodysecret", "ann", "cus_42"}
	for _, format := range []string{export.FormatJSONL, export.FormatHAR, export.FormatCurl} {
		var out bytes.Buffer
		opt := export.Options{Format: format, Redact: &redact.Options{Fields: []string{"customer"}}}
		if err := export.Write(context.Background(), db, &out, opt); err != nil {
			t.Fatal(err)
		}
		for _, s := range secrets {
			if strings.Contains(out.String(), s) {
				t.Errorf("%s: %q leaked:\n%s", format, s, out.String())
			}
		}
		for _, want := range []string{"Bearer REDACTED", "sid=REDACTED", "v0=REDACTED", "token=REDACTED", "user1%40example.com", "api_key=REDACTED"} {
			if !strings.Contains(out.String(), want) {
				t.Errorf("%s: no %q in:\n%s", format, want, out.String())
			}
		}
		var plain bytes.Buffer
		if err := export.Write(context.Background(), db, &plain, export.Options{Format: format}); err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(plain.String(), "bodysecret") {
			t.Errorf("%s without --redact lost the body:\n%s", format, plain.String())
		}
	}
	stored, err := db.GetRequest(context.Background(), r.ID)
	if err != nil || !bytes.Equal(stored.Body, r.Body) {
		t.Fatalf("the stored capture changed: %v %q", err, stored.Body)
	}
	bad := export.Options{Format: export.FormatJSONL, Redact: &redact.Options{Fields: []string{"."}}}
	if err := export.Write(context.Background(), db, &bytes.Buffer{}, bad); err == nil || !strings.Contains(err.Error(), "--redact-field") {
		t.Fatalf("bad field: %v", err)
	}
}
