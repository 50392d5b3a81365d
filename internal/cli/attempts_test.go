package cli

import (
	"context"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/storage"
)

// Repeats found by their body (a sender without delivery ids) are named
// as the TUI names them: how they were matched, not the key's hash.
func TestAttemptNotesOfBodyRepeats(t *testing.T) {
	db := testkit.DB(t)
	now := time.Now()
	var last *storage.Request
	for i := range 2 {
		last = testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Time: now.Add(time.Duration(i) * time.Second),
			Method: "POST", Target: "/hook", DeliveryID: storage.BodyKeyPrefix + "5f3a"}})
	}
	notes, err := attemptNotes(context.Background(), db, last)
	if err != nil || len(notes) != 3 {
		t.Fatalf("notes %q, %v", notes, err)
	}
	if want := "arrived 2 times (same method, path and body within 10m):"; notes[0] != want || strings.Contains(strings.Join(notes, "\n"), "5f3a") {
		t.Fatalf("first note %q, want %q", notes[0], want)
	}
}
