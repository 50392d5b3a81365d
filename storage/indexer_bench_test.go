package storage

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"
)

// BenchmarkIndexCatchUp100k is how long 100,000 captures stored in a burst
// take to become searchable once the burst ends: the indexer alone, on
// 1 KB GitHub-push-like JSON bodies.
//
//	go test ./storage -run '^$' -bench IndexCatchUp100k -benchtime 1x
func BenchmarkIndexCatchUp100k(b *testing.B) {
	const n = 100_000
	for b.Loop() {
		b.StopTimer()
		d, err := Open(filepath.Join(b.TempDir(), "x.db"), Options{})
		if err != nil {
			b.Fatal(err)
		}
		ctx := context.Background()
		for i := 0; i < n; i += 1000 {
			var rs []*Request
			for k := i; k < i+1000; k++ {
				rs = append(rs, pushSample(k))
			}
			if err := d.InsertRequests(ctx, rs); err != nil {
				b.Fatal(err)
			}
		}
		b.StartTimer()
		start := time.Now()
		if left, err := d.CatchUpIndex(ctx); err != nil || left != 0 {
			b.Fatalf("%d left (%v)", left, err)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s/100k")
		b.StopTimer()
		d.Close()
		b.StartTimer()
	}
}

// pushSample is capture k of a burst: a GitHub push of about 1 KB.
func pushSample(k int) *Request {
	r := sample(k)
	r.Headers = Headers{{"Host", "127.0.0.1:4747"}, {"Content-Type", "application/json"}, {"X-GitHub-Event", "push"},
		{"X-GitHub-Delivery", fmt.Sprintf("72d3162e-cc78-11e3-81ab-%012d", k)}, {"Content-Length", "1000"}}
	r.Body = fmt.Appendf(nil, `{"ref":"refs/heads/main","before":"%040x","after":"%040x","repository":{"id":%d,"name":"hello-world","full_name":"octo/hello-world","private":false},"pusher":{"name":"octocat","email":"octocat@example.com"},"sender":{"login":"octocat","id":1},"commits":[{"id":"%040x","message":"Update README.md with a longer description of the change so the body is about one kilobyte long, like a small real push event number %d","timestamp":"2026-11-22T12:00:00Z","author":{"name":"Octo Cat","email":"octocat@example.com"},"added":[],"removed":[],"modified":["README.md"]}],"head_commit":{"id":"%040x","tree_id":"f9d2a07e9488b91af2641b26b9407fe22a451433","distinct":true}}`, k, k*7, k, k*13, k, k*17)
	return r
}
