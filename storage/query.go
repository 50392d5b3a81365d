package storage

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Query is a parsed search: free text matched by the full-text index, and
// field filters that users of mitmproxy and ngrok expect:
//
//	method:POST  status:404  status:4xx  path:/github*  provider:stripe
//	header:X-GitHub-Event=push  header:X-Request-Id  sig:invalid  since:10m
//	event:push  event:pull_request.*  dup:yes  dup:no  delivery:ID  from:alice
//	"exact phrase"  word  prefix*
//
// Terms combine with AND. Every filter with an index behind it becomes a
// full-text term (the index carries method, status, provider and verdict
// tokens in a meta column), so a rare filter is as fast as a rare word.
// Filters the index only approximates (path globs) are checked exactly too.
// Event filters are conditions on the event column, served by its own index.
type Query struct {
	Raw   string
	fts   []string // MATCH terms, ANDed
	where []string // exact SQL conditions on requests r
	args  []any
	// keyed: a where condition is an index seek (event:NAME, event:PREFIX*),
	// so the query needs no full-text term to avoid reading every row.
	keyed bool
	since time.Duration // 0: no bound
	at    time.Time     // absolute since:DATE
}

// Empty reports a query that selects everything.
func (q *Query) Empty() bool {
	return q == nil || len(q.fts) == 0 && len(q.where) == 0 && q.since == 0 && q.at.IsZero()
}

// NeedsIndex reports a query answered through the full-text index, which
// may not hold the newest captures yet. Event filters and since: read the
// rows themselves.
func (q *Query) NeedsIndex() bool { return q != nil && len(q.fts) > 0 }

// QueryError is a malformed query; its message says what to write instead.
type QueryError struct{ Msg string }

func (e *QueryError) Error() string { return e.Msg }

func qerr(format string, args ...any) error { return &QueryError{Msg: fmt.Sprintf(format, args...)} }

const queryHelp = "fields: method: status: path: provider: event: header: sig: dup: delivery: since: from:"

// ParseQuery parses the search syntax above. An error says what is wrong.
func ParseQuery(s string) (*Query, error) {
	q := &Query{Raw: s}
	words, err := queryWords(s)
	if err != nil {
		return nil, err
	}
	for _, w := range words {
		if w.quoted {
			q.fts = append(q.fts, "{target headers body} : "+ftsPhrase(w.text, false))
			continue
		}
		field, value, isField := strings.Cut(w.text, ":")
		if !isField || strings.Contains(field, "/") || field == "" {
			q.addText(w.text)
			continue
		}
		if value == "" {
			return nil, qerr("%s: needs a value, e.g. %s", w.text, example(field))
		}
		if err := q.addField(strings.ToLower(field), value); err != nil {
			return nil, err
		}
	}
	if len(q.fts) == 0 && len(q.where) > 0 && !q.keyed && q.since == 0 && q.at.IsZero() {
		// Only a path glob with no literal start: nothing the index can
		// narrow, so every stored request would be read (never scan the
		// history: ARCHITECTURE.md, "Search and indexing").
		return nil, qerr("%s would read every stored request: start the path or event with a literal (path:/hooks*, event:pull_request.*), or add a word or another filter", strings.TrimSpace(s))
	}
	return q, nil
}

func example(field string) string {
	switch strings.ToLower(field) {
	case "method":
		return "method:POST"
	case "status":
		return "status:4xx"
	case "path":
		return "path:/github*"
	case "provider":
		return "provider:stripe"
	case "event":
		return "event:pull_request.*"
	case "header":
		return "header:X-GitHub-Event=push"
	case "sig":
		return "sig:invalid"
	case "since":
		return "since:10m"
	case "dup":
		return "dup:yes"
	case "delivery":
		return "delivery:github:72d3162e-cc78-11e3"
	case "from":
		return "from:alice"
	}
	return queryHelp
}

func (q *Query) addText(t string) {
	prefix := strings.HasSuffix(t, "*")
	t = strings.TrimSuffix(t, "*")
	if strings.TrimFunc(t, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }) == "" {
		return // nothing the index holds (punctuation only)
	}
	q.fts = append(q.fts, "{target headers body} : "+ftsPhrase(t, prefix))
}

func (q *Query) addField(field, value string) error {
	switch field {
	case "method":
		m := strings.ToUpper(value)
		q.meta("m" + m)
		q.cond("r.method = ?", m)
	case "status":
		return q.addStatus(value)
	case "path":
		return q.addPath(value)
	case "provider":
		p := strings.ToLower(value)
		q.meta("p" + metaToken(p))
		q.cond("r.provider = ?", p)
	case "event":
		q.addEvent(value)
	case "sig", "signature":
		v := strings.ToLower(value)
		switch v {
		case "valid", "invalid", "unsigned", "no-secret":
		case "nosecret":
			v = "no-secret"
		default:
			return qerr("sig:%s: write sig:valid, sig:invalid, sig:unsigned or sig:no-secret", value)
		}
		q.meta("sig" + metaToken(v))
		q.cond("r.signature = ?", v)
	case "header":
		name, val, hasVal := strings.Cut(value, "=")
		if name == "" {
			return qerr("header:%s: write header:NAME or header:NAME=VALUE", value)
		}
		phrase := name
		if hasVal {
			phrase += " " + val
		}
		q.fts = append(q.fts, "headers : "+ftsPhrase(phrase, false))
	case "since":
		return q.addSince(value)
	case "dup":
		return q.addDup(value)
	case "delivery":
		// Every arrival of one delivery (ARCHITECTURE.md, "Duplicates"): a
		// seek on requests_by_delivery, whose partial condition is repeated
		// so that SQLite uses it.
		q.cond("r.delivery_id = ? AND r.delivery_id != ''", value)
		q.keyed = true
	case "from":
		// A teammate's captures (ARCHITECTURE.md, "Team"); names compare
		// as the index's tokens do, case aside.
		q.meta("from" + metaToken(value))
		q.cond("r.origin = ? COLLATE NOCASE", value)
	default:
		return qerr("%s: is not a field (%s); to search for text with a colon, put it in quotes: \"%s:%s\"", field, queryHelp, field, value)
	}
	return nil
}

// addDup: dup:yes finds repeats through their index token, as rare as
// they are. dup:no is a plain condition: nearly every capture is a first,
// so a page fills after reading about a page of rows, and it needs no word
// beside it (when repeats dominate, it reads further; add a filter then).
func (q *Query) addDup(value string) error {
	switch strings.ToLower(value) {
	case "yes", "y", "true":
		q.meta("dupyes")
		q.cond("r.duplicate_of IS NOT NULL")
	case "no", "n", "false":
		q.cond("r.duplicate_of IS NULL")
		q.keyed = true
	default:
		return qerr("dup:%s: write dup:yes (repeats of an earlier delivery) or dup:no (first arrivals)", value)
	}
	return nil
}

// DeliveryQuery is the search for every arrival of deliveryID, quoted
// when it holds spaces (a quote inside cannot be written and is dropped:
// such an id is some sender's noise, and the search then finds nothing).
func DeliveryQuery(deliveryID string) string {
	return `delivery:"` + strings.ReplaceAll(deliveryID, `"`, "") + `"`
}

func (q *Query) meta(token string) { q.fts = append(q.fts, "meta : "+ftsPhrase(token, false)) }

func (q *Query) cond(c string, args ...any) {
	q.where = append(q.where, c)
	q.args = append(q.args, args...)
}

func (q *Query) addStatus(v string) error {
	lv := strings.ToLower(v)
	if len(lv) == 3 && lv[1:] == "xx" && lv[0] >= '1' && lv[0] <= '5' {
		q.meta("s" + lv)
		base := int(lv[0]-'0') * 100
		q.cond("r.status BETWEEN ? AND ?", base, base+99)
		return nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < 100 || n > 599 {
		return qerr("status:%s: write a code like status:404 or a class like status:4xx", v)
	}
	q.meta("s" + v)
	q.cond("r.status = ?", n)
	return nil
}

// addPath: a glob over the path (* and ? wildcards; no wildcard means the
// path exactly). The index finds candidates by the literal leading
// segments; GLOB on the stored target checks exactly.
func (q *Query) addPath(glob string) error {
	if !strings.HasPrefix(glob, "/") && !strings.HasPrefix(glob, "*") {
		return qerr("path:%s: a path starts with / (path:/github*), or * to match anywhere", glob)
	}
	// Every literal piece between wildcards narrows the candidates through
	// the index: the first, when the glob starts with it, anchored at the
	// start of the path. Words are matched from their start, so a piece
	// that begins inside a word (path:*hub*) finds /hub-x, not /github.
	pieces := globPieces(glob)
	for i, p := range pieces {
		tokens := strings.Join(strings.FieldsFunc(p.text, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }), " ")
		if tokens == "" {
			continue
		}
		prefix := p.wildAfter && !strings.HasSuffix(p.text, "/")
		if i == 0 && !p.wildBefore {
			q.fts = append(q.fts, "target : ^ "+ftsPhrase(tokens, prefix))
		} else {
			q.fts = append(q.fts, "target : "+ftsPhrase(tokens, prefix))
		}
	}
	if strings.ContainsAny(glob, "*?[") {
		// The target carries the query too: a glob ending in * covers it; one
		// that does not must match the path part alone.
		q.cond("(r.target GLOB ? OR r.target GLOB ?)", glob, glob+"[?]*")
	} else {
		q.cond("(r.target = ? OR r.target GLOB ?)", glob, globEscape(glob)+"[?]*")
	}
	return nil
}

// addEvent: the event name exactly, or a glob over it (event:pull_request.*).
// Names are matched as the provider spells them (case matters: Discord's
// PING, Graph's Message.created). A glob that starts with a literal is a
// range on the event index; one that starts with a wildcard needs another
// term to narrow it.
func (q *Query) addEvent(glob string) {
	if strings.ContainsAny(glob, "*?[") {
		q.cond("r.event GLOB ?", glob)
	} else {
		q.cond("r.event = ?", glob)
	}
	q.keyed = q.keyed || !strings.ContainsAny(glob[:1], "*?[")
}

type globPiece struct {
	text                  string
	wildBefore, wildAfter bool
}

// globPieces splits a glob into its literal runs ([…] classes count as
// wildcards).
func globPieces(glob string) []globPiece {
	var out []globPiece
	var cur strings.Builder
	wild, inClass := false, false
	for _, r := range glob {
		switch {
		case inClass:
			inClass = r != ']'
			continue
		case r == '*' || r == '?' || r == '[':
			inClass = r == '['
			if cur.Len() > 0 {
				out = append(out, globPiece{text: cur.String(), wildBefore: wild, wildAfter: true})
				cur.Reset()
			}
			wild = true
			continue
		}
		cur.WriteRune(r)
	}
	if cur.Len() > 0 {
		out = append(out, globPiece{text: cur.String(), wildBefore: wild})
	}
	return out
}

func globEscape(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch r {
		case '*', '?', '[':
			b.WriteString("[" + string(r) + "]")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

func (q *Query) addSince(v string) error {
	if d, err := parseAge(v); err == nil {
		q.since = d
		return nil
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02T15:04", "2006-01-02 15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, time.Local); err == nil {
			q.at = t
			return nil
		}
	}
	return qerr("since:%s: write an age like since:10m, since:2h, since:7d, or a date like since:2026-11-22", v)
}

// parseAge accepts Go durations plus d (days) and w (weeks).
func parseAge(v string) (time.Duration, error) {
	if n, unit := strings.TrimRight(v, "dw"), strings.TrimLeft(v, "0123456789"); unit == "d" || unit == "w" {
		k, err := strconv.Atoi(n)
		day := 24 * time.Hour
		if unit == "w" {
			day *= 7
		}
		// Past ~290 years the product would wrap, perhaps to a small age
		// that --keep-for would prune by.
		if err != nil || k <= 0 || int64(k) > int64(math.MaxInt64/day) {
			return 0, fmt.Errorf("bad age")
		}
		return time.Duration(k) * day, nil
	}
	d, err := time.ParseDuration(v)
	if err != nil || d <= 0 {
		return 0, fmt.Errorf("bad age")
	}
	return d, nil
}

// ftsPhrase quotes text as one FTS5 phrase, so nothing a user types can be
// read as FTS syntax. FTS5 reads a NUL as the end of the query, leaving the
// quote open; the tokenizer splits words there anyway, so it becomes a space.
func ftsPhrase(s string, prefix bool) string {
	s = strings.ReplaceAll(s, "\x00", " ")
	p := `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
	if prefix {
		p += " *"
	}
	return p
}

// metaToken keeps only what the tokenizer keeps, so the token written at
// indexing and the one searched are the same.
func metaToken(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			return unicode.ToLower(r)
		}
		return -1
	}, s)
}

type queryWord struct {
	text   string
	quoted bool
}

// queryWords splits on spaces; "…" is one quoted phrase; field:"a b" keeps
// the quotes' content as the value.
func queryWords(s string) ([]queryWord, error) {
	var out []queryWord
	var cur strings.Builder
	in, quoted, had := false, false, false
	flush := func() {
		if had {
			out = append(out, queryWord{cur.String(), quoted})
		}
		cur.Reset()
		quoted, had = false, false
	}
	for _, r := range s {
		switch {
		case r == '"':
			if in {
				in = false
			} else {
				// A quote that opens a word makes it a phrase; inside a
				// word (header:"X-A=b c") it only groups the value.
				in, quoted, had = true, quoted || !had, true
			}
		case unicode.IsSpace(r) && !in:
			flush()
		default:
			cur.WriteRune(r)
			had = true
		}
	}
	if in {
		return nil, qerr("a quote is not closed: %s", s)
	}
	flush()
	return out, nil
}

// ParseAge reads an age as since: does (10m, 2h, 7d, 2w), for --keep-for.
func ParseAge(v string) (time.Duration, error) { return parseAge(v) }
