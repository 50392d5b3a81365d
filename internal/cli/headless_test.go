package cli

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"

	"gaff/internal/testkit"
	"gaff/storage"
)

// writeLog records each Write the printer makes.
type writeLog struct{ writes [][]byte }

func (w *writeLog) Write(p []byte) (int, error) {
	w.writes = append(w.writes, bytes.Clone(p))
	return len(p), nil
}

// Each write holds whole lines only: a crash between two writes leaves no
// half line for the next run's output to be glued onto.
func TestHeadlessWritesWholeLinesOnly(t *testing.T) {
	db := testkit.DB(t)
	for _, size := range []int{10, 300 << 10, 5, 70 << 10, 1, 1} {
		r := &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/x"}, Body: []byte(strings.Repeat("a", size))}
		if err := db.InsertRequest(context.Background(), r); err != nil {
			t.Fatal(err)
		}
	}
	var w writeLog
	hl := newHeadless(db, &w, 0, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err := hl.finish(); err != nil {
		t.Fatal(err)
	}
	lines := 0
	for i, p := range w.writes {
		if !bytes.HasSuffix(p, []byte("\n")) {
			t.Fatalf("write %d of %d ends mid-line (%d bytes)", i+1, len(w.writes), len(p))
		}
		lines += bytes.Count(p, []byte("\n"))
	}
	if lines != 6 {
		t.Fatalf("%d lines printed, want 6", lines)
	}
	// The lines carried over from one write to the next arrive whole and
	// in order.
	for i, line := range bytes.Split(bytes.TrimSuffix(bytes.Join(w.writes, nil), []byte("\n")), []byte("\n")) {
		if want := fmt.Sprintf(`{"id":%d,`, i+1); !bytes.HasPrefix(line, []byte(want)) || !bytes.HasSuffix(line, []byte("}")) {
			t.Errorf("line %d starts %.20q, ends %q; want %s… }", i+1, line, line[max(0, len(line)-5):], want)
		}
	}
}
