package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"gaff/storage"
)

// flood posts numbered requests from many clients at once and remembers
// every one that was acknowledged, so a test can check each is stored.
type flood struct {
	url     string
	clients int
	total   int    // requests to send; 0: until stopped
	maxBody int    // bodies are 0..maxBody random bytes
	body    []byte // or, when set, every body is this one
	// overload: connection errors are counted, not failures (a sender cut
	// off mid-body by a 503 may see one).
	overload bool
	limit    time.Duration // per request: a hang check, not a speed check

	next    atomic.Int64
	stopped atomic.Bool
	ending  atomic.Bool
	mu      sync.Mutex
	acked   []ack
	codes   map[int]int
	errs    int
	ackedN  atomic.Int64
}

// ack is a request gaff answered 2xx, and the id it said it stored it as.
type ack struct {
	seq int
	id  int64
}

func (f *flood) stop() { f.stopped.Store(true) }

// end says gaff is going away: from now on a client's connection error is
// expected, and ends that client.
func (f *flood) end() { f.ending.Store(true) }

// run blocks until every client has stopped: total reached, stop called, or
// (after end) its connection failed.
func (f *flood) run(t *testing.T) {
	f.codes = map[int]int{}
	client := &http.Client{
		Timeout:   f.limit,
		Transport: &http.Transport{MaxIdleConnsPerHost: f.clients, MaxConnsPerHost: f.clients, DisableCompression: true},
	}
	defer client.CloseIdleConnections()
	var wg sync.WaitGroup
	for range f.clients {
		wg.Go(func() {
			for !f.stopped.Load() {
				seq := int(f.next.Add(1))
				if f.total > 0 && seq > f.total {
					return
				}
				code, id, err := f.post(client, seq)
				f.mu.Lock()
				if err != nil {
					f.errs++
				} else {
					f.codes[code]++
				}
				if err == nil && code/100 == 2 {
					f.acked = append(f.acked, ack{seq, id})
				}
				f.mu.Unlock()
				if err == nil && code/100 == 2 {
					f.ackedN.Add(1)
				}
				switch {
				case err == nil, f.overload && !f.ending.Load():
				case f.ending.Load():
					return
				default:
					t.Errorf("request %d while gaff was running: %v", seq, err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// floodBody is request seq's body: random bytes of a random size, the same
// every time they are asked for, so nothing need be kept to check them.
func floodBody(seq, max int) []byte {
	r := rand.New(rand.NewPCG(uint64(seq), 0x9af))
	b := make([]byte, r.IntN(max+1))
	for i := range b {
		b[i] = byte(r.Uint32())
	}
	return b
}

func floodTarget(seq int) string { return fmt.Sprintf("/flood/%d?seq=%d", seq, seq) }

func (f *flood) post(client *http.Client, seq int) (int, int64, error) {
	body := f.body
	if body == nil {
		body = floodBody(seq, f.maxBody)
	}
	req, err := http.NewRequest("POST", f.url+floodTarget(seq), bytes.NewReader(body))
	if err != nil {
		return 0, 0, err
	}
	s := strconv.Itoa(seq)
	req.Header["X-Seq"] = []string{s}
	// A repeated header, and its twin in another case: both kept, in order.
	req.Header["X-Dup"] = []string{"a" + s, "c" + s}
	req.Header["x-dup"] = []string{"b" + s}
	req.Header.Set("Content-Type", "application/octet-stream")
	resp, err := client.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return 0, 0, err
	}
	var answer struct {
		ID int64 `json:"gaff_id"`
	}
	if resp.StatusCode/100 == 2 {
		if err := json.Unmarshal(b, &answer); err != nil || answer.ID == 0 {
			return 0, 0, fmt.Errorf("2xx without an id: %q", b)
		}
	}
	return resp.StatusCode, answer.ID, nil
}

// checkStored opens the database as `gaff show` would and checks that every
// acknowledged request is there byte for byte: method, target, body, and
// its headers in order with repeats.
func (f *flood) checkStored(t *testing.T, dbPath string) {
	t.Helper()
	db, err := storage.Open(dbPath, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ids := map[int64]int{}
	for _, a := range f.acked {
		if other, dup := ids[a.id]; dup {
			t.Fatalf("requests %d and %d were both acknowledged as id %d", other, a.seq, a.id)
		}
		ids[a.id] = a.seq
		r, err := db.GetRequest(context.Background(), a.id)
		if err != nil {
			t.Fatalf("request %d was acknowledged as id %d but is not stored: %v", a.seq, a.id, err)
		}
		s := strconv.Itoa(a.seq)
		if r.Method != "POST" || r.Target != floodTarget(a.seq) || !bytes.Equal(r.Body, floodBody(a.seq, f.maxBody)) || r.Truncated {
			t.Fatalf("id %d: stored %s %s with %d bytes (truncated %v), sent request %d", a.id, r.Method, r.Target, len(r.Body), r.Truncated, a.seq)
		}
		var got []string
		for _, h := range r.Headers {
			switch h.Name {
			case "X-Seq", "X-Dup", "x-dup":
				got = append(got, h.Name+": "+h.Value)
			}
		}
		// net/http's client writes header keys sorted, values in order.
		if want := []string{"X-Dup: a" + s, "X-Dup: c" + s, "X-Seq: " + s, "x-dup: b" + s}; !slices.Equal(got, want) {
			t.Fatalf("id %d: headers %q, want %q", a.id, got, want)
		}
	}
}

func (f *flood) summary() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return fmt.Sprintf("%d acknowledged, answers %v, %d connection errors", len(f.acked), f.codes, f.errs)
}

// checkAllAnswered200 fails if any request gaff answered got anything but
// 200: a graceful stop lets what it accepted finish.
func (f *flood) checkAllAnswered200(t *testing.T) {
	t.Helper()
	f.mu.Lock()
	defer f.mu.Unlock()
	for code, n := range f.codes {
		if code != 200 {
			t.Errorf("%d requests were answered %d during a graceful stop", n, code)
		}
	}
}
