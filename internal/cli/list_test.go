package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"gaff/internal/testkit"
	"gaff/storage"
)

// list --json prints whole requests newest first, only the matches of
// --search, up to --limit, across more than one page of the walk.
func TestListJSONSearchesAndLimitsNewestFirst(t *testing.T) {
	db, path := testkit.DBFile(t)
	for i := range 700 {
		method := "POST"
		if i%2 == 0 {
			method = "PUT"
		}
		testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: method, Target: "/n"}, Body: []byte(`{"i":1}`)})
	}
	for n, err := db.IndexSome(context.Background()); n > 0 || err != nil; n, err = db.IndexSome(context.Background()) {
		if err != nil {
			t.Fatal(err)
		}
	}
	db.Close()
	cmd := Root("test")
	var out bytes.Buffer
	cmd.SetOut(&out)
	cmd.SetArgs([]string{"list", "--db", path, "--json", "--search", "method:PUT", "--limit", "300"})
	if err := cmd.Execute(); err != nil {
		t.Fatal(err)
	}
	var ids []int64
	for line := range strings.Lines(out.String()) {
		var r struct {
			ID     int64  `json:"id"`
			Method string `json:"method"`
			Body   string `json:"body"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil || r.Method != "PUT" || r.Body != `{"i":1}` {
			t.Fatalf("line %q: %v", line, err)
		}
		ids = append(ids, r.ID)
	}
	if len(ids) != 300 || ids[0] != 699 || !slices.IsSortedFunc(ids, func(a, b int64) int { return int(b - a) }) {
		t.Fatalf("%d ids, from %v to %v", len(ids), ids[:1], ids[len(ids)-1:])
	}
}

// A row never answered (a hang or reset rule: status 0) shows — in the
// status column, as in the TUI, not a 0 that reads as a status sent.
func TestListRowOfAnUnansweredCapture(t *testing.T) {
	var out bytes.Buffer
	writeListRow(&out, &storage.Summary{ID: 4, Method: "POST", Target: "/stuck"})
	fields := strings.Fields(out.String())
	if len(fields) < 5 || fields[4] != "—" {
		t.Fatalf("row %q: want — as its status", out.String())
	}
}
