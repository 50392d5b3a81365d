package send_test

import (
	"context"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"gaff/internal/testkit"
	"gaff/send"
	"gaff/storage"
)

// lines collects OnResult's lines; it is called from forwarder goroutines.
type lines struct {
	mu  sync.Mutex
	all []string
}

func (l *lines) add(d *storage.Delivery, event string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.all = append(l.all, send.EventLine(d, event))
}

func (l *lines) get() []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]string(nil), l.all...)
}

func forwards(t *testing.T, db *storage.DB) []*storage.Delivery {
	t.Helper()
	rows, err := db.ListDeliveries(context.Background(), storage.DeliveryFilter{Kind: storage.KindForward, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestForwardSendsEveryCapture(t *testing.T) {
	db := testkit.DB(t)
	base, target := testkit.CaptureServer(t)
	var l lines
	fw, err := send.NewForwarder(newSender(db, 0), base+"/hook", send.ForwardOptions{OnResult: l.add})
	if err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		fw.Enqueue(testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/", Event: "push"}, Body: []byte{byte(i)}}))
	}
	fw.Close()
	rows := forwards(t, db)
	if len(rows) != 5 {
		t.Fatalf("%d forwards stored", len(rows))
	}
	for _, d := range rows {
		if d.Status != 200 || d.RequestID == 0 || d.URL != base+"/hook" {
			t.Errorf("forward %+v", d)
		}
	}
	if n, _ := target.CountRequests(context.Background()); n != 5 {
		t.Fatalf("target got %d", n)
	}
	for _, line := range l.get() {
		if !strings.HasPrefix(line, "<-- [200] push POST "+base+"/hook (") || !strings.HasSuffix(line, "ms)") {
			t.Errorf("line %q", line)
		}
	}
}

// A target that never answers must not hold up captures: when the queue is
// full, Enqueue records the capture as not forwarded and returns.
func TestForwardNeverBlocksTheCapture(t *testing.T) {
	release := make(chan struct{})
	url := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		io.ReadAll(r.Body)
		<-release
	})
	db := testkit.DB(t)
	var l lines
	fw, err := send.NewForwarder(newSender(db, 0), url, send.ForwardOptions{Workers: 1, Queue: 2, OnResult: l.add})
	if err != nil {
		t.Fatal(err)
	}
	for range 10 {
		fw.Enqueue(testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/slow"}}))
	}
	close(release)
	fw.Close()
	rows := forwards(t, db)
	sent, full := 0, 0
	for _, d := range rows {
		switch {
		case d.Status == 200:
			sent++
		case strings.Contains(d.Error, "not forwarded: the forward queue is full"):
			full++
		default:
			t.Errorf("unexpected forward %+v", d)
		}
	}
	// One in flight and two queued, or two queued if the worker had not
	// started yet: the rest were turned away, each on record.
	if len(rows) != 10 || sent < 2 || sent > 3 || full != 10-sent {
		t.Fatalf("%d stored: %d sent, %d turned away", len(rows), sent, full)
	}
	if got := l.get(); len(got) != 10 || !strings.Contains(strings.Join(got, "\n"), "<-- [error] POST "+url+"/slow: not forwarded") {
		t.Fatalf("lines %q", got)
	}
}

func TestForwardFailuresAndCutBodies(t *testing.T) {
	db := testkit.DB(t)
	down := "http://" + testkit.UnusedAddr(t)
	fw, err := send.NewForwarder(newSender(db, 0), down, send.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	fw.Enqueue(testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/a"}}))
	fw.Enqueue(testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/cut", Truncated: true}, Body: []byte("par")}))
	fw.Close()
	fw.Enqueue(testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/after-close"}})) // must not panic
	rows := forwards(t, db)
	if len(rows) != 2 {
		t.Fatalf("%d forwards", len(rows))
	}
	byURL := map[string]string{}
	for _, d := range rows {
		byURL[d.URL] = d.Error
	}
	if !strings.Contains(byURL[down+"/a"], "connection refused") || !strings.Contains(byURL[down+"/cut"], "only part of the body") {
		t.Fatalf("errors %q", byURL)
	}
	if _, err := send.NewForwarder(newSender(db, 0), "localhost:3000", send.ForwardOptions{}); err == nil {
		t.Fatal("a malformed target was accepted")
	}
}

// In proxy mode the provider gets the handler's own answer, and the
// attempt is stored once.
func TestProxyReturnsTheTargetsAnswer(t *testing.T) {
	url := plainTarget(t, func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("X-From", "handler")
		w.Header().Set("Connection", "close")
		w.WriteHeader(http.StatusAccepted)
		w.Write(append([]byte("handled "), body...))
	})
	db := testkit.DB(t)
	fw, err := send.NewForwarder(newSender(db, 0), url, send.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	defer fw.Close()
	r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/p"}, Body: []byte("evt")})
	a, err := fw.Proxy(context.Background(), r)
	if err != nil || a.Status != 202 || string(a.Body) != "handled evt" || a.Header.Get("X-From") != "handler" {
		t.Fatalf("%v %+v", err, a)
	}
	for _, h := range a.Header {
		if strings.EqualFold(h.Name, "Connection") || strings.EqualFold(h.Name, "Content-Length") {
			t.Errorf("relayed %s", h.Name)
		}
	}
	if rows := forwards(t, db); len(rows) != 1 || rows[0].ID != a.Delivery.ID {
		t.Fatalf("stored %d forwards", len(rows))
	}
}

func TestProxyFallsBackOnError(t *testing.T) {
	db := testkit.DB(t)
	fw, err := send.NewForwarder(newSender(db, 0), "http://"+testkit.UnusedAddr(t), send.ForwardOptions{})
	if err != nil {
		t.Fatal(err)
	}
	r := testkit.Store(t, db, &storage.Request{Summary: storage.Summary{Method: "POST", Target: "/p"}})
	if a, err := fw.Proxy(context.Background(), r); err == nil || a != nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("%v %+v", err, a)
	}
	fw.Close()
	if rows := forwards(t, db); len(rows) != 1 || !strings.Contains(rows[0].Error, "connection refused") {
		t.Fatalf("stored %+v", rows)
	}
}
