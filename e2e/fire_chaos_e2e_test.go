package e2e

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"gaff/send"
)

// shop is a loopback Stripe receiver that counts what it gets per event
// id, in arrival order. Under /together it holds each request until two
// are in flight (a barrier), so only copies sent at the same moment both
// get a 200.
type shop struct {
	*httptest.Server
	mu       sync.Mutex
	ids      map[string]int
	sigs     map[string][]string
	types    []string
	inFlight int
	both     chan struct{}
}

func newShop(t *testing.T) *shop {
	s := &shop{ids: map[string]int{}, sigs: map[string][]string{}, both: make(chan struct{})}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		var ev struct{ ID, Type string }
		json.Unmarshal(body, &ev)
		s.mu.Lock()
		s.ids[ev.ID]++
		s.sigs[ev.ID] = append(s.sigs[ev.ID], r.Header.Get("Stripe-Signature"))
		s.types = append(s.types, ev.Type)
		if r.URL.Path == "/together" {
			if s.inFlight++; s.inFlight == 2 {
				close(s.both)
			}
		}
		s.mu.Unlock()
		status := http.StatusOK
		if r.URL.Path == "/together" {
			select {
			case <-s.both:
			case <-time.After(20 * time.Second): // only a sender that waits for each answer gets here
				status = http.StatusInternalServerError
			}
		}
		w.WriteHeader(status)
		fmt.Fprintf(w, "charged %s", ev.ID)
	}))
	t.Cleanup(s.Close)
	return s
}

// seen is the event ids that arrived and how often, and the types in order.
func (s *shop) seen() (map[string]int, []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ids := map[string]int{}
	for k, v := range s.ids {
		ids[k] = v
	}
	types := append([]string(nil), s.types...)
	s.types = nil
	return ids, types
}

func TestFireDuplicatesLikeAProvider(t *testing.T) {
	dir := t.TempDir()
	sh := newShop(t)
	for _, add := range [][]string{
		{"subs", "add", "shop", "--to", sh.URL + "/webhooks", "--scheme", "stripe", "--secret", "whsec_test", "--retry", "stripe"},
		{"subs", "add", "racy", "--to", sh.URL + "/together", "--scheme", "stripe", "--secret", "whsec_test", "--retry", "none"},
	} {
		if out, err := gaffIn(t, dir, "", add...); err != nil {
			t.Fatalf("%v: %v\n%s", add, err, out)
		}
	}
	out, _ := gaffIn(t, dir, "", "subs", "list", "--json")
	if !strings.Contains(out, `"retry":"stripe"`) || !strings.Contains(out, `"timeout_ms":15000`) {
		t.Fatalf("the stripe profile and its timeout:\n%s", out)
	}

	out, err := gaffIn(t, dir, "", "subs", "fire", "shop", "--event", "stripe.payment_intent.succeeded", "--duplicate", "2")
	// "delivered after 2 of 13 attempts" would read as a failed first
	// attempt without the header saying that copies count as attempts.
	if err != nil || !strings.Contains(out, "2 copies, one after another, each counted as an attempt") || strings.Count(out, "<-- [200] POST") != 2 ||
		!strings.Contains(out, "copy 2: <-- [200]") || !strings.Contains(out, "event 1: delivered after 2 of 13 attempts") {
		t.Fatalf("--duplicate 2: %v\n%s", err, out)
	}
	ids, _ := sh.seen()
	if len(ids) != 1 {
		t.Fatalf("one event, twice: %v", ids)
	}
	for id, n := range ids {
		sh.mu.Lock()
		sigs := sh.sigs[id]
		sh.mu.Unlock()
		if n != 2 || !strings.Contains(out, "id "+id) || len(sigs) != 2 || sigs[0] != sigs[1] || sigs[0] == "" {
			t.Fatalf("event %s arrived %d times, signatures %q\n%s", id, n, sigs, out)
		}
	}

	out, err = gaffIn(t, dir, "", "subs", "fire", "racy", "--event", "stripe.payment_intent.succeeded", "--duplicate", "2", "--concurrent")
	if err != nil || !strings.Contains(out, "2 copies, at the same moment") || strings.Count(out, "<-- [200] POST") != 2 {
		t.Fatalf("--concurrent: both copies must be in flight before either is answered: %v\n%s", err, out)
	}
	sh.seen()

	batch := []string{"subs", "fire", "shop", "--event", "stripe.customer.created", "--event", "stripe.payment_intent.succeeded",
		"--event", "standard-webhooks.invoice.paid"}
	given := []string{"customer.created", "payment_intent.succeeded", "invoice.paid"}
	if _, err := gaffIn(t, dir, "", batch...); err != nil {
		t.Fatal(err)
	}
	if _, types := sh.seen(); strings.Join(types, ",") != strings.Join(given, ",") {
		t.Fatalf("a batch goes in the order given: %v", types)
	}
	var orders []string
	for range 2 {
		out, err := gaffIn(t, dir, "", append(batch, "--shuffle", "--seed", "7")...)
		_, types := sh.seen()
		if err != nil || !strings.Contains(out, "shuffled with --seed 7: delivering events ") || len(types) != 3 {
			t.Fatalf("--shuffle: %v %v\n%s", err, types, out)
		}
		orders = append(orders, strings.Join(types, ","))
	}
	var want []string
	for _, i := range send.Shuffle(3, 7) {
		want = append(want, given[i])
	}
	if orders[0] != orders[1] || orders[0] != strings.Join(want, ",") {
		t.Fatalf("--seed 7 must repeat its order %v: got %v", want, orders)
	}
	out, err = gaffIn(t, dir, "", append(batch, "--shuffle")...)
	if err != nil || !strings.Contains(out, "shuffled with --seed ") {
		t.Fatalf("--shuffle prints the seed it drew: %v\n%s", err, out)
	}
}

func TestFireChaosRefusesBadInput(t *testing.T) {
	dir := t.TempDir()
	if out, err := gaffIn(t, dir, "", "subs", "add", "shop", "--to", "http://127.0.0.1:9/x", "--retry", "paypal"); err == nil ||
		!strings.Contains(out, `unknown retry profile "paypal"; use one of github, stripe, shopify, slack, svix, zoom, testing, none`) {
		t.Fatalf("unknown profile: %v\n%s", err, out)
	}
	if out, err := gaffIn(t, dir, "", "subs", "add", "shop", "--to", "http://127.0.0.1:9/x", "--retry", "standard"); err != nil ||
		!strings.Contains(out, "retries svix") {
		t.Fatalf("standard is svix: %v\n%s", err, out)
	}
	fire := []string{"subs", "fire", "shop", "--event", "generic.event"}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"--duplicate", "0"}, "--duplicate 0: give how many times to deliver each event, from 1 to 100"},
		{[]string{"--duplicate", "101"}, "--duplicate 101: give how many times"},
		{[]string{"--concurrent"}, "--concurrent sends the copies of --duplicate N at the same moment: add --duplicate 2 or more"},
		{[]string{"--shuffle"}, "--shuffle reorders a batch: give several --event (or --capture)"},
		{[]string{"--event", "github.push", "--seed", "3"}, "--seed repeats the order of a --shuffle: add --shuffle"},
		{[]string{"--duplicate", "2", "--queue"}, "--queue leaves the sending to a running gaff"},
		{[]string{"--capture", "1"}, "say what to fire with one of --event TEMPLATE, --body FILE or --capture ID"},
	} {
		out, err := gaffIn(t, dir, "", append(fire, c.args...)...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("%v: %v\n%s", c.args, err, out)
		}
	}
}
