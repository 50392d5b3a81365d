package storage

import (
	"context"
	"errors"
	"path/filepath"
	"testing"
	"time"
)

// FuzzParseQuery: whatever a user types in the search box either is refused
// with a QueryError that says what to write, or runs against a real
// database without an SQL or FTS5 syntax error. Its seeds are in
// testdata/fuzz; run it for real with:
// go test -run='^$' -fuzz=FuzzParseQuery -fuzztime=5m ./storage/
func FuzzParseQuery(f *testing.F) {
	d, err := Open(filepath.Join(f.TempDir(), "q.db"), Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { d.Close() })
	ctx := context.Background()
	for i, body := range []string{`{"ref":"refs/heads/main"}`, "zebra crossing", "\xff\xfe", ""} {
		r := sample(i)
		r.Body = []byte(body)
		r.Provider, r.Signature = "github", "valid"
		if err := d.InsertRequest(ctx, r); err != nil {
			f.Fatal(err)
		}
	}
	for {
		n, err := d.IndexSome(ctx)
		if err != nil {
			f.Fatal(err)
		}
		if n == 0 {
			break
		}
	}
	f.Add(`method:POST status:2xx path:/hook* provider:github header:X-Dup=a sig:valid since:1h "refs heads" zebra cross*`)
	f.Fuzz(func(t *testing.T, s string) {
		q, err := ParseQuery(s)
		if err != nil {
			var qe *QueryError
			if !errors.As(err, &qe) || qe.Msg == "" {
				t.Fatalf("%q: error %v is not a QueryError with a message", s, err)
			}
			return
		}
		if q.since < 0 {
			t.Fatalf("%q: negative age %v", s, q.since)
		}
		for _, p := range []Page{{Limit: 3}, {Limit: 3, Before: 3}, {Limit: 3, After: 1}, {Limit: 3, Oldest: true}} {
			p.Query = q
			ctx, cancel := context.WithTimeout(ctx, 10*time.Second)
			_, err := d.ListRequests(ctx, p)
			cancel()
			if err != nil {
				t.Fatalf("%q parses but does not run: %v", s, err)
			}
		}
	})
}

// An age past what time.Duration holds is refused, not wrapped: a wrapped
// --keep-for 106752d could come out as an hour and prune nearly everything.
func TestHugeAgesAreRefused(t *testing.T) {
	for _, s := range []string{"since:106752d", "since:15251w", "since:9223372036854775807d", "since:2562048h"} {
		if q, err := ParseQuery(s); err == nil {
			t.Errorf("%s: accepted as %v", s, q.since)
		}
	}
	if q, err := ParseQuery("since:106751d"); err != nil || q.since != 106751*24*time.Hour {
		t.Errorf("since:106751d: %v", err)
	}
}
