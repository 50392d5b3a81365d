package team

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"gaff/storage"
)

// Records packed in one message come back byte for byte, bodies with
// newlines and binary included; a body over the limit is cut to fit.
func TestRecordsRoundTripAndCut(t *testing.T) {
	mk := func(id int64, body string) *storage.Request {
		r := &storage.Request{Body: []byte(body), Headers: storage.Headers{{Name: "X-A", Value: "1"}, {Name: "x-a", Value: "2"}}}
		r.ID, r.Method, r.Target, r.Time, r.Size, r.Note = id, "POST", "/p?q=1", time.Unix(0, 1234567891), int64(len(body)), "a note"
		return r
	}
	in := []*storage.Request{mk(1, "line\nline\n"), mk(2, "\x00\xff\n{}"), mk(3, "")}
	var data []byte
	for _, r := range in {
		rec, err := record("alice", captureKey("db", r.ID), r, 1<<20)
		if err != nil {
			t.Fatal(err)
		}
		data = append(data, rec...)
	}
	out, err := decode("alice", data)
	if err != nil || len(out) != 3 {
		t.Fatalf("%d records, %v", len(out), err)
	}
	for i, r := range out {
		w := in[i]
		if !bytes.Equal(r.Body, w.Body) || r.Target != w.Target || !r.Time.Equal(w.Time) || r.Origin != "alice" ||
			r.OriginKey != captureKey("db", w.ID) || len(r.Headers) != 2 || r.Headers[1].Name != "x-a" || r.Truncated {
			t.Errorf("record %d: %+v", i, r)
		}
	}

	const limit = 64 << 10
	big := mk(4, strings.Repeat("z", 3*limit))
	rec, err := record("alice", "db-4", big, limit)
	if err != nil || len(rec) > limit-headerRoom {
		t.Fatalf("the big record is %d bytes (limit %d), %v", len(rec), limit, err)
	}
	got, err := decode("alice", rec)
	if err != nil || len(got) != 1 || !got[0].Truncated || got[0].Size != int64(3*limit) ||
		!strings.Contains(got[0].Note, "a note; the body was cut to") || !bytes.HasPrefix(big.Body, got[0].Body) {
		t.Fatalf("the big record came back as %+v, %v", got, err)
	}
	if _, err := decode("alice", []byte(`{"v":1,"key":"k","body_len":5}`+"\nab")); err == nil {
		t.Fatal("a short body was read")
	}
}

// record is r's record on its own.
func record(from, key string, r *storage.Request, limit int) ([]byte, error) {
	rc := newRecorder()
	body, err := rc.encode(from, key, r, limit)
	if err != nil {
		return nil, err
	}
	return append(bytes.Clone(rc.head.Bytes()), body...), nil
}
