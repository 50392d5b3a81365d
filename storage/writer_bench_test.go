package storage

import (
	"context"
	"path/filepath"
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
