package ui

import (
	"context"
	"fmt"
	"strings"

	"gaff/sanitize"
	"gaff/storage"
)

// arrivals are the captures of the open request's delivery: what the
// sender did (ARCHITECTURE.md, "Duplicates"). They are read in the
// detail's load commands, never in Update.
type arrivals struct {
	list []storage.Summary // first to last, at most storage.AttemptsShown
	more int               // how many after those
	err  error
}

func loadArrivals(ctx context.Context, db *storage.DB, s *storage.Summary) arrivals {
	list, more, err := db.Attempts(ctx, s, storage.AttemptsShown)
	return arrivals{list: list, more: more, err: err}
}

// arrivalLines are the overview's lines about r's delivery: its id, and
// every arrival with its gap and answer, r's own marked. A capture that
// arrived once shows only its provider's delivery id.
func arrivalLines(r *storage.Request, a arrivals, st *Styles) staticLines {
	row := func(k, v string) string { return st.HeaderName.Render(fmt.Sprintf("%-10s", k)) + v }
	var out staticLines
	bodyKey := strings.HasPrefix(r.DeliveryID, storage.BodyKeyPrefix)
	if r.DeliveryID != "" && !bodyKey {
		out = append(out, row("Delivery", sanitize.Line(r.DeliveryID)))
	}
	if a.err != nil {
		return append(out, st.Error.Render("✗ cannot read the other arrivals: "+sanitize.Line(a.err.Error())))
	}
	if len(a.list) < 2 {
		return out
	}
	why := "same delivery id"
	if bodyKey {
		why = storage.BodyKeyMatch()
	}
	capped := a.more >= storage.MaxCounted
	out = append(out, row("Arrivals", storage.CountText(len(a.list)+a.more, capped)+st.Muted.Render(" ("+why+")")))
	for i := range a.list {
		var prev *storage.Summary
		if i > 0 {
			prev = &a.list[i-1]
		}
		line := storage.AttemptLine(&a.list[i], prev)
		if a.list[i].ID == r.ID {
			out = append(out, st.Bold.Render("▸ "+line+"  ◂ this one"))
		} else {
			out = append(out, "  "+line)
		}
	}
	if a.more > 0 {
		out = append(out, st.Muted.Render("  and "+storage.CountText(a.more, capped)+" more"))
	}
	return append(out, st.Muted.Render("  A lists them, to open one"))
}
