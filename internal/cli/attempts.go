package cli

import (
	"context"
	"fmt"
	"strings"

	"gaff/sanitize"
	"gaff/storage"
)

// attemptNotes are gaff show's lines about the other arrivals of r's
// delivery (ARCHITECTURE.md, "Duplicates"): none when it arrived once.
func attemptNotes(ctx context.Context, db *storage.DB, r *storage.Request) ([]string, error) {
	list, more, err := db.Attempts(ctx, &r.Summary, storage.AttemptsShown)
	if err != nil || len(list) < 2 {
		return nil, err
	}
	capped := more >= storage.MaxCounted
	times := storage.CountText(len(list)+more, capped)
	head := fmt.Sprintf("delivery %s arrived %s times:", sanitize.Line(r.DeliveryID), times)
	if strings.HasPrefix(r.DeliveryID, storage.BodyKeyPrefix) {
		head = fmt.Sprintf("arrived %s times (%s):", times, storage.BodyKeyMatch())
	}
	notes := []string{head}
	for i := range list {
		var prev *storage.Summary
		if i > 0 {
			prev = &list[i-1]
		}
		line := "  " + storage.AttemptLine(&list[i], prev)
		if list[i].ID == r.ID {
			line = "▸" + line[1:] + "  (this one)"
		}
		notes = append(notes, line)
	}
	if more > 0 {
		notes = append(notes, fmt.Sprintf("  and %s more", storage.CountText(more, capped)))
	}
	return notes, nil
}
