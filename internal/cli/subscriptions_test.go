package cli

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// subscriptions cancel stops a pending event's retries, and says why it
// cannot when the event is no longer pending.
func TestSubscriptionsCancel(t *testing.T) {
	db, path := testkit.DBFile(t)
	ctx := context.Background()
	s := &storage.Subscription{Name: "later", URL: "http://127.0.0.1:1/x", Scheme: "none", Retry: send.RetryStandard, Enabled: true, Timeout: time.Second}
	if err := send.CreateSubscription(ctx, db, s); err != nil {
		t.Fatal(err)
	}
	id, err := send.NewDispatcher(db, send.DispatcherOptions{}).Fire(ctx, s.ID, send.Payload{Body: []byte(`{}`)})
	if err != nil {
		t.Fatal(err)
	}
	db.Close()
	run := func(args ...string) (string, error) {
		cmd := Root("test")
		var out bytes.Buffer
		cmd.SetOut(&out)
		cmd.SetArgs(append(args, "--db", path))
		err := cmd.Execute()
		return out.String(), err
	}
	if out, err := run("subscriptions", "cancel", fmt.Sprintf("#%d", id)); err != nil || !strings.Contains(out, "cancelled") {
		t.Fatalf("cancel: %q, %v", out, err)
	}
	if out, err := run("subscriptions", "events", "later"); err != nil || !strings.Contains(out, "cancelled after 0 of 8 attempts") {
		t.Fatalf("events: %q, %v", out, err)
	}
	if _, err := run("subscriptions", "cancel", "1"); err == nil || !strings.Contains(err.Error(), "only a pending event can be cancelled") {
		t.Fatalf("a second cancel: %v", err)
	}
}
