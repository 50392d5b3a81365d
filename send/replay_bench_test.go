package send_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// BenchmarkReplayOverhead compares a replay (read the capture, send it,
// store the attempt) with a plain net/http client sending the same request
// to the same loopback server. They are timed in turn in one loop so that
// noise from a shared machine falls on all; the ratio is reported as
// x-overhead. ns-send/op is gaff's client alone (no database), which says
// how much of the overhead is storing the attempt.
func BenchmarkReplayOverhead(b *testing.B) {
	url := plainTarget(b, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"ok":true}`))
	})
	db := testkit.DB(b)
	body := bytes.Repeat([]byte(`{"k":"v"}`), 110) // ~1 KB, a typical webhook
	r := testkit.Store(b, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/hook?x=1"},
		Headers: storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-GitHub-Event", Value: "push"}}, Body: body})
	s := newSender(db, 0)
	direct := &http.Client{Transport: http.DefaultTransport.(*http.Transport).Clone()}
	ctx := context.Background()

	sendDirect := func() {
		req, _ := http.NewRequestWithContext(ctx, "POST", url+"/hook?x=1", bytes.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "push")
		resp, err := direct.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	sendReplay := func() {
		d, err := s.Replay(ctx, r.ID, url, false)
		if err != nil || d.Status != 200 {
			b.Fatalf("%v %+v", err, d)
		}
	}
	out, err := send.BuildReplay(r, url)
	if err != nil {
		b.Fatal(err)
	}
	sendOnly := func() {
		if d := s.Client.Do(ctx, out); d.Status != 200 {
			b.Fatalf("%+v", d)
		}
	}
	sendDirect() // warm the connection pools
	sendReplay()

	// Each runs first, second and third in turn: whatever follows a
	// database commit (the writer goroutine still busy on a 2-core machine)
	// is slower, and that must not fall on one side only.
	kinds := []func(){sendDirect, sendReplay, sendOnly}
	var spent [3]time.Duration
	i := 0
	for b.Loop() {
		for k := range 3 {
			j := (i + k) % 3
			t0 := time.Now()
			kinds[j]()
			spent[j] += time.Since(t0)
		}
		i++
	}
	tDirect, tReplay, tSend := spent[0], spent[1], spent[2]
	b.ReportMetric(float64(tDirect.Nanoseconds())/float64(b.N), "ns-direct/op")
	b.ReportMetric(float64(tReplay.Nanoseconds())/float64(b.N), "ns-replay/op")
	b.ReportMetric(float64(tSend.Nanoseconds())/float64(b.N), "ns-send/op")
	b.ReportMetric(float64(tReplay)/float64(tDirect), "x-overhead")
}
