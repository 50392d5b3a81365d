package storage

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkSerialInsert is the latency of one capture with no other
// writer: the linger must not cost a lone writer anything (a timer-based
// 200 µs linger cost ~1.4 ms here, as Go rounds short timers up).
//
//	go test ./storage -run '^$' -bench SerialInsert -benchtime 2000x
func BenchmarkSerialInsert(b *testing.B) {
	for _, c := range []struct {
		name   string
		linger time.Duration
	}{{"no-linger", -1}, {"default-linger", 0}} {
		b.Run(c.name, func(b *testing.B) {
			d, err := Open(filepath.Join(b.TempDir(), "x.db"), Options{Linger: c.linger})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			for b.Loop() {
				if err := d.InsertRequest(context.Background(), sample(1)); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkConcurrentInsert is the storage side of ingest: 50 captures of
// 1 KB at a time, as wrk's connections send them, with no HTTP around.
//
//	go test ./storage -run '^$' -bench ConcurrentInsert -benchtime 50000x
func BenchmarkConcurrentInsert(b *testing.B) {
	d, err := Open(filepath.Join(b.TempDir(), "x.db"), Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer d.Close()
	body := bytes.Repeat([]byte(`{"k":"v"},`), 100)
	var next atomic.Int64
	var wg sync.WaitGroup
	start := time.Now()
	for range 50 {
		wg.Go(func() {
			for next.Add(1) <= int64(b.N) {
				r := sample(1)
				r.Body = body
				if err := d.InsertRequest(context.Background(), r); err != nil {
					b.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "req/s")
}

// BenchmarkWriterBatchSize is the writer's cost per capture by the size of
// its batch: one transaction of n 1 KB captures, as runTx stores them, with
// no HTTP and no waiting. What a batch costs beyond its rows (the
// transaction, the pages every commit writes) is the difference between
// the sizes.
//
//	go test ./storage -run '^$' -bench WriterBatchSize
func BenchmarkWriterBatchSize(b *testing.B) {
	body := bytes.Repeat([]byte(`{"k":"v"},`), 100)
	for _, n := range []int{1, 4, 13, 32, 64, 128} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			d, err := Open(filepath.Join(b.TempDir(), "x.db"), Options{})
			if err != nil {
				b.Fatal(err)
			}
			defer d.Close()
			rows := 0
			for b.Loop() {
				batch := make([]*job, n)
				for i := range batch {
					r := sample(i)
					r.Body = body
					r.Provider, r.Event, r.DeliveryID = "github", "push", "github:72d3162e-cc78-11e3-81ab-4c9367dc0958"
					batch[i] = &job{row: requestArgs(r), req: r, added: 1}
				}
				if err := d.w.runTx(batch); err != nil {
					b.Fatal(err)
				}
				rows += n
			}
			b.ReportMetric(float64(b.Elapsed().Microseconds())/float64(rows), "µs/capture")
		})
	}
}
