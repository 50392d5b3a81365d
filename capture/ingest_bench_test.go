package capture

import (
	"bytes"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gaff/storage"
)

// BenchmarkIngest measures capture throughput over loopback with 50
// concurrent keep-alive clients posting 1 KB of JSON, against a bare
// net/http handler measured in the same run (ARCHITECTURE.md, "Promises and
// the measurements behind them" quotes the figures this should reproduce:
// group commit at roughly half of bare net/http, one transaction per
// request far below).
//
//	go test ./capture -run '^$' -bench Ingest -benchtime 20000x
func BenchmarkIngest(b *testing.B) {
	body := bytes.Repeat([]byte(`{"k":"v"},`), 100)
	bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Write([]byte(`{"ok":true}`))
	})
	run := func(b *testing.B, h http.Handler, wrap func(net.Listener) net.Listener) {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			b.Fatal(err)
		}
		srv := NewServer(h, nil)
		go srv.Serve(wrap(l))
		defer srv.Close()
		url := "http://" + l.Addr().String() + "/hook"
		client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
		const clients = 50
		var next atomic.Int64
		var wg sync.WaitGroup
		start := time.Now()
		b.ResetTimer()
		for c := 0; c < clients; c++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for next.Add(1) <= int64(b.N) {
					resp, err := client.Post(url, "application/json", bytes.NewReader(body))
					if err != nil {
						b.Error(err)
						return
					}
					io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
					if resp.StatusCode != 200 {
						b.Errorf("status %d", resp.StatusCode)
						return
					}
				}
			}()
		}
		wg.Wait()
		b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
	}
	b.Run("bare-net-http", func(b *testing.B) {
		run(b, bare, func(l net.Listener) net.Listener { return l })
	})
	for _, c := range []struct {
		name string
		opt  storage.Options
	}{
		{"gaff-group-commit", storage.Options{}},
		{"gaff-no-linger", storage.Options{Linger: -1}},
		{"gaff-one-tx-per-request", storage.Options{Linger: -1, MaxBatch: 1}},
		{"gaff-synchronous-full", storage.Options{Synchronous: "FULL"}},
	} {
		b.Run(c.name, func(b *testing.B) {
			db, err := storage.Open(filepath.Join(b.TempDir(), strings.ReplaceAll(c.name, "/", "-")+".db"), c.opt)
			if err != nil {
				b.Fatal(err)
			}
			defer db.Close()
			h := New(Config{DB: db})
			run(b, h, func(l net.Listener) net.Listener { return h.Listener(l, "local") })
		})
	}
}

// BenchmarkBody1KB measures only what a 1 KB body with a Content-Length
// costs the handler before its commit (room in the budget, its buffer, the
// pace watch): on a shared machine BenchmarkIngest's figures move more
// with the neighbours than with this path.
func BenchmarkBody1KB(b *testing.B) {
	h := New(Config{})
	body := bytes.Repeat([]byte("x"), 1024)
	w := httptest.NewRecorder()
	b.ReportAllocs()
	for b.Loop() {
		r := httptest.NewRequest("POST", "/x", bytes.NewReader(body))
		req := &storage.Request{Summary: storage.Summary{Time: time.Now()}}
		bb := h.mem.body(r.Context(), r.RemoteAddr)
		if _, err := h.readBody(w, r, bb, req); err != nil || len(req.Body) != len(body) {
			b.Fatal(err)
		}
		bb.close()
	}
}
