package storage

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// MaxCounted bounds the counts below: a flood of one delivery must not
// make a page of the list or the detail count a million rows. A count at
// the bound means "at least".
const MaxCounted = 10000

// The delivery_id seek keeps these on requests_by_delivery; the id bounds
// skip earlier groups of the same body key.
const (
	attemptsSQL = `SELECT ` + summaryCols + ` FROM requests
		WHERE ` + byDelivery + ` AND id >= ? AND (id = ? OR duplicate_of = ?) ORDER BY id ASC LIMIT ?`
	attemptsAfterSQL = `SELECT count(*) FROM (SELECT 1 FROM requests
		WHERE ` + byDelivery + ` AND id > ? AND duplicate_of = ? LIMIT ?)`
	// A provider's delivery id has one group, every row of it after the
	// first: its count needs only the index, not each row's duplicate_of
	// (the detail refreshes it at every commit, and a flood of one
	// delivery made that 10,000 row reads).
	providerAttemptsAfterSQL = `SELECT count(*) FROM (SELECT 1 FROM requests
		WHERE ` + byDelivery + ` AND id > ? LIMIT ?)`
	attemptSQL = `SELECT count(*) FROM (SELECT 1 FROM requests
		WHERE ` + byDelivery + ` AND id >= ? AND id <= ? LIMIT ?)`
)

// Attempts lists the captures of s's delivery, first to last: the first
// capture and every repeat of it, at most limit of them, and how many more
// there are (up to MaxCounted). A capture without a delivery id is its
// own only attempt.
func (d *DB) Attempts(ctx context.Context, s *Summary, limit int) ([]Summary, int, error) {
	ctx = ctxOrBackground(ctx)
	if s.DeliveryID == "" {
		return []Summary{*s}, 0, nil
	}
	first := s.DuplicateOf
	if first == 0 {
		first = s.ID
	}
	out, err := readSummaries(ctx, d.ro, attemptsSQL, []any{s.DeliveryID, first, first, first, limit + 1}, false)
	if err != nil {
		return nil, 0, err
	}
	for i := range out {
		out[i].Attempt = i + 1
	}
	if len(out) <= limit {
		return out, 0, nil
	}
	out = out[:limit]
	var more int
	if strings.HasPrefix(s.DeliveryID, BodyKeyPrefix) {
		more, err = countOne(ctx, d.ro, attemptsAfterSQL, s.DeliveryID, out[limit-1].ID, first, MaxCounted)
	} else {
		more, err = countOne(ctx, d.ro, providerAttemptsAfterSQL, s.DeliveryID, out[limit-1].ID, MaxCounted)
	}
	return out, more, err
}

// fillAttempts sets Attempt on the repeats among ss: a count over the
// delivery index between the first capture and each repeat, bounded by
// MaxCounted. Firsts need no query (Attempt 1). The repeats of one
// delivery on a page count on from each other, oldest first: a page of 50
// repeats of one flooded delivery costs one bounded count and 49 short
// ones, not 50 counts of up to MaxCounted each, at every refresh.
func fillAttempts(ctx context.Context, db queryer, ss []Summary) error {
	type counted struct {
		id int64
		n  int
	}
	var last map[string]counted // by delivery id and first capture
	order := make([]int, len(ss))
	for i := range order {
		order[i] = i
	}
	slices.SortFunc(order, func(a, b int) int { return cmp.Compare(ss[a].ID, ss[b].ID) })
	for _, i := range order {
		s := &ss[i]
		if s.DuplicateOf == 0 {
			if s.DeliveryID != "" {
				s.Attempt = 1
			}
			continue
		}
		// Rows of one body key after a later group's first belong to that
		// group, so the id range [first, s] holds only this group's rows.
		key := s.DeliveryID + "\x00" + strconv.FormatInt(s.DuplicateOf, 10)
		from, base := s.DuplicateOf, 0
		if prev, ok := last[key]; ok {
			from, base = prev.id+1, prev.n
		}
		if base >= MaxCounted {
			s.Attempt = MaxCounted
			continue
		}
		n, err := countOne(ctx, db, attemptSQL, s.DeliveryID, from, s.ID, MaxCounted-base)
		if err != nil {
			return err
		}
		s.Attempt = base + n
		if last == nil {
			last = make(map[string]counted)
		}
		last[key] = counted{s.ID, s.Attempt}
	}
	return nil
}

// countOne runs a query of one count.
func countOne(ctx context.Context, db queryer, q string, args ...any) (int, error) {
	rows, err := db.QueryContext(ctx, q, args...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	var n int
	if rows.Next() {
		err = rows.Scan(&n)
	}
	if err == nil {
		err = rows.Err()
	}
	return n, err
}

// Ordinal writes n as an English ordinal: 1st, 2nd, 3rd, 4th, 11th, 21st.
// At MaxCounted it adds "+", since the count stopped there.
func Ordinal(n int) string {
	suffix := "th"
	switch {
	case n%100 >= 11 && n%100 <= 13:
	case n%10 == 1:
		suffix = "st"
	case n%10 == 2:
		suffix = "nd"
	case n%10 == 3:
		suffix = "rd"
	}
	s := fmt.Sprintf("%d%s", n, suffix)
	if n >= MaxCounted {
		s += "+"
	}
	return s
}

// DuplicateMark is how lists show a repeat: "dup #12 (2nd)", or "" for a
// capture that repeats nothing.
func (s *Summary) DuplicateMark() string {
	if s.DuplicateOf == 0 {
		return ""
	}
	if s.Attempt < 2 {
		return fmt.Sprintf("dup #%d", s.DuplicateOf)
	}
	return fmt.Sprintf("dup #%d (%s)", s.DuplicateOf, Ordinal(s.Attempt))
}

// AttemptsShown is how many arrivals of one delivery the detail and gaff
// show list; the rest are counted ("and 12 more").
const AttemptsShown = 50

// AttemptLine describes one arrival of a delivery for the detail and gaff
// show: "#7  Nov 28 06:53:46.456  +1.3s  answered 500". prev is the
// arrival before it, nil for the first.
func AttemptLine(a, prev *Summary) string {
	gap := "first"
	if prev != nil {
		gap = "+" + GapText(a.Time.Sub(prev.Time))
	}
	return fmt.Sprintf("#%-6d %s  %-8s %s", a.ID, a.Time.Format("Jan 02 15:04:05.000"), gap, AnswerText(a.Status))
}

// BodyKeyMatch says how repeats without a delivery id were found, where a
// body key's hash would mean nothing to a reader.
func BodyKeyMatch() string {
	return "same method, path and body within " + GapText(BodyKeyWindow)
}

// AnswerText says what gaff answered a capture: a row of status 0 was
// never answered (a hang or reset rule, ARCHITECTURE.md "Answers that
// change over time").
func AnswerText(status int) string {
	if status == 0 {
		return "not answered"
	}
	return "answered " + strconv.Itoa(status)
}

// GapText writes the time between two arrivals as a person reads a retry
// schedule: 250ms, 1.3s, 5m, 1h20m, 3d4h.
func GapText(d time.Duration) string {
	if d < 0 {
		return "-" + GapText(-d) // a teammate's clock may run behind
	}
	switch {
	case d < time.Second:
		return fmt.Sprintf("%dms", d.Milliseconds())
	case d < time.Minute:
		return strconv.FormatFloat(d.Seconds(), 'f', 1, 64) + "s"
	case d < time.Hour:
		return fmt.Sprintf("%dm%s", int(d.Minutes()), unlessZero(int(d.Seconds())%60, "s"))
	case d < 24*time.Hour:
		return fmt.Sprintf("%dh%s", int(d.Hours()), unlessZero(int(d.Minutes())%60, "m"))
	}
	return fmt.Sprintf("%dd%s", int(d.Hours())/24, unlessZero(int(d.Hours())%24, "h"))
}

func unlessZero(n int, unit string) string {
	if n == 0 {
		return ""
	}
	return strconv.Itoa(n) + unit
}

// CountText writes a count, with "+" when a bounded count stopped at
// MaxCounted (capped) and the true number is larger.
func CountText(n int, capped bool) string {
	if capped {
		return strconv.Itoa(n) + "+"
	}
	return strconv.Itoa(n)
}
