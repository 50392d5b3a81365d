package ui

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/storage"
)

// These benchmarks check the promise that gaff scales with history
// (ARCHITECTURE.md, "Promises and the measurements behind them"): the same
// operations on 1,000,000 stored requests and on a 1,000-request baseline
// measured in the same run. Building the large database takes minutes the
// first time; it is kept in $GAFF_BENCH_DIR (default: the temp dir) and
// reused.
//
//	go test ./ui -run '^$' -bench 'Million' -benchtime 50x -timeout 2h
//
// GAFF_BENCH_ROWS overrides the large size (e.g. 100000 for a quicker run).

func benchRows() int {
	if n, err := strconv.Atoi(os.Getenv("GAFF_BENCH_ROWS")); err == nil && n > 0 {
		return n
	}
	return 1_000_000
}

// benchDB returns the path of a database holding n requests of mixed
// sizes, building it if needed. 1 in 100,000 bodies carries the rare word
// "zanzibar"; every JSON body says "repository".
func benchDB(b *testing.B, n int) string {
	dir := os.Getenv("GAFF_BENCH_DIR")
	if dir == "" {
		dir = filepath.Join(os.TempDir(), "gaff-bench")
	}
	path := filepath.Join(dir, fmt.Sprintf("requests-%d.db", n))
	if st, err := os.Stat(path + ".done"); err == nil && st.Size() >= 0 {
		return path
	}
	os.Remove(path)
	b.Logf("building %s (once)…", path)
	db, err := storage.Open(path, storage.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	start := time.Now().Add(-time.Duration(n) * time.Second)
	const batch = 2000
	for i := 0; i < n; i += batch {
		var rs []*storage.Request
		for k := i; k < min(n, i+batch); k++ {
			rs = append(rs, benchRequest(rng, k, start.Add(time.Duration(k)*time.Second)))
		}
		if err := db.InsertRequests(context.Background(), rs); err != nil {
			b.Fatal(err)
		}
	}
	for {
		k, err := db.IndexSome(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if k == 0 {
			break
		}
	}
	os.WriteFile(path+".done", nil, 0o600)
	return path
}

var benchWords = strings.Fields("alpha bravo charlie delta echo foxtrot golf hotel india juliet kilo lima mike november oscar papa quebec romeo sierra tango uniform victor whiskey xray yankee zulu")

func benchRequest(rng *rand.Rand, i int, at time.Time) *storage.Request {
	size := 500 + rng.IntN(1000)
	switch p := rng.IntN(1000); {
	case p == 0:
		size = 256 << 10
	case p < 10:
		size = 32 << 10
	case p < 100:
		size = 4 << 10
	}
	var b strings.Builder
	b.WriteString(`{"repository":{"full_name":"octo/repo-` + strconv.Itoa(i%500) + `"},"words":"`)
	for b.Len() < size {
		b.WriteString(benchWords[rng.IntN(len(benchWords))])
		b.WriteByte(' ')
	}
	if i%100_000 == 7 {
		b.WriteString("zanzibar")
	}
	b.WriteString(`"}`)
	provider, method, status := "github", "POST", 200
	switch i % 10 {
	case 3:
		provider = "stripe"
	case 7:
		provider, method, status = "", "GET", 404
	}
	return &storage.Request{
		Summary: storage.Summary{Time: at, Method: method, Target: "/hooks/" + provider + "/" + strconv.Itoa(i), Size: int64(b.Len()),
			Status: status, Provider: provider},
		Host: "127.0.0.1:4747", Proto: "HTTP/1.1", RemoteAddr: "127.0.0.1:5000",
		Headers: storage.Headers{{Name: "Content-Type", Value: "application/json"}, {Name: "X-GitHub-Event", Value: "push"}},
		Body:    []byte(b.String()),
	}
}

func benchSizes(b *testing.B) []struct {
	name string
	path string
} {
	n := benchRows()
	return []struct {
		name string
		path string
	}{
		{"baseline-1k", benchDB(b, 1000)},
		{fmt.Sprintf("history-%dk", n/1000), benchDB(b, n)},
	}
}

func rssMB() float64 {
	data, _ := os.ReadFile("/proc/self/status")
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.Atoi(strings.Fields(line)[1])
			return float64(kb) / 1024
		}
	}
	return 0
}

// BenchmarkMillionFirstFrame: open the database, build the UI, load the
// first page and the count, render the first frame.
func BenchmarkMillionFirstFrame(b *testing.B) {
	for _, sz := range benchSizes(b) {
		b.Run(sz.name, func(b *testing.B) {
			for b.Loop() {
				db, err := storage.Open(sz.path, storage.Options{})
				if err != nil {
					b.Fatal(err)
				}
				h := newHarnessDB(b, db, 120, 40)
				if !strings.Contains(h.screen(), "/hooks/") {
					b.Fatal("no rows on the first frame")
				}
				db.Close()
			}
			runtime.GC()
			b.ReportMetric(rssMB(), "MB-rss")
		})
	}
}

// BenchmarkMillionKeypress: one key and the frame after it, with every
// database read its command needs.
func BenchmarkMillionKeypress(b *testing.B) {
	for _, sz := range benchSizes(b) {
		db, err := storage.Open(sz.path, storage.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, k := range []string{"j", "pgdown", "G-then-k"} {
			b.Run(sz.name+"/"+k, func(b *testing.B) {
				h := newHarnessDB(b, db, 120, 40)
				key := k
				if k == "G-then-k" {
					h.keys("G")
					key = "k"
				}
				for b.Loop() {
					h.send(keyPress(key))
					_ = h.app.View()
				}
				b.ReportMetric(rssMB(), "MB-rss")
			})
		}
		b.Run(sz.name+"/open-detail", func(b *testing.B) {
			h := newHarnessDB(b, db, 120, 40)
			for b.Loop() {
				h.keys("j")
				_ = h.app.View()
			}
		})
		db.Close()
	}
}

// BenchmarkMillionSearch: the first page of results, as the list asks.
func BenchmarkMillionSearch(b *testing.B) {
	for _, sz := range benchSizes(b) {
		db, err := storage.Open(sz.path, storage.Options{ReadOnly: true})
		if err != nil {
			b.Fatal(err)
		}
		for _, q := range []struct{ name, query string }{
			{"rare-word", "zanzibar"},
			{"common-word", "repository"},
			{"rare-filter", "provider:stripe status:5xx"},
			{"common-filter", "method:POST provider:github"},
			{"path-glob", "path:/hooks/stripe/99*"},
		} {
			pq, err := storage.ParseQuery(q.query)
			if err != nil {
				b.Fatal(err)
			}
			b.Run(sz.name+"/"+q.name, func(b *testing.B) {
				for b.Loop() {
					if _, err := db.ListRequests(context.Background(), storage.Page{Query: pq, Limit: pageSize}); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
		db.Close()
	}
}

// BenchmarkLargeBody: a 25 MiB JSON body, from the load command to the
// first frame, then a page of scrolling, then raw and back.
func BenchmarkLargeBody(b *testing.B) {
	var sb strings.Builder
	sb.WriteString(`{"items":[`)
	for i := 0; sb.Len() < 25<<20; i++ {
		if i > 0 {
			sb.WriteByte(',')
		}
		fmt.Fprintf(&sb, `{"id":%d,"name":"item %d","tags":["a","b","c"],"nested":{"ok":true,"n":null}}`, i, i)
	}
	sb.WriteString(`]}`)
	h := newHarness(b, 120, 40)
	h.insert(req(1, "POST", "/big", hdrs("Content-Type", "application/json"), []byte(sb.String())))
	// open: from the load command to the first frame of the body. The
	// line index that a large body finishes in the background is not part
	// of it (Bubble Tea runs it in its own goroutine).
	h.keys("enter")
	b.Run("open", func(b *testing.B) {
		for b.Loop() {
			h.app.requests.detail.set(nil, nil, nil)
			h.app.requests.loading = 0
			load := h.app.requests.syncDetail()
			h.app.Update(load())
			if !strings.Contains(h.screen(), `"items": [`) {
				b.Fatal("body not shown")
			}
		}
	})
	h.run(h.app.requests.detail.indexCmd())
	h.keys("enter")
	b.Run("pgdown", func(b *testing.B) {
		for b.Loop() {
			h.send(tea.KeyPressMsg{Code: tea.KeyPgDown})
			_ = h.app.View()
		}
	})
	// G on a body whose line index is still being built answers at once
	// and lands when the background index arrives.
	b.Run("G-keypress", func(b *testing.B) {
		for b.Loop() {
			h.app.requests.detail.set(h.app.requests.detail.req, h.app.requests.detail.doc, nil) // drop the line index
			h.keys("G")
			_ = h.app.View()
		}
	})
	b.Run("index-in-background", func(b *testing.B) {
		for b.Loop() {
			h.app.requests.detail.indexCmd()()
		}
	})
	h.run(h.app.requests.detail.indexCmd())
	h.keys("G")
	if !strings.Contains(h.screen(), "]") {
		b.Fatal("G did not reach the end")
	}
	b.Run("raw-toggle", func(b *testing.B) {
		for b.Loop() {
			h.keys("v")
			_ = h.app.View()
		}
	})
	runtime.GC()
	b.ReportMetric(rssMB(), "MB-rss")
}
