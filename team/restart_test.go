package team

import (
	"context"
	"testing"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
)

// streamCount is how many captures the team's stream holds, each once.
func streamCount(t *testing.T, url string) int {
	t.Helper()
	nc, err := nats.Connect(url)
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	s, err := js.Stream(context.Background(), "gaff_t")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
		m, err := s.GetMsg(context.Background(), seq)
		if err != nil {
			t.Fatal(err)
		}
		rs, err := decode("alice", m.Data)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rs {
			if seen[r.OriginKey] {
				t.Fatalf("%s was shipped twice", r.OriginKey)
			}
			seen[r.OriginKey] = true
		}
	}
	return len(seen)
}

// A member that stops and starts again ships from its saved watermark:
// what it captured while away goes out once, what it shipped before does
// not go again, and what was stored before it first joined is not shared.
func TestMemberResumesFromItsWatermark(t *testing.T) {
	s := startServer(t)
	url := s.URL("127.0.0.1")
	db := openDB(t)
	capture(t, db, "/before-joining", nil)
	m := join(t, url, "alice", db)
	waitFor(t, "connected", func() bool { return m.State().Phase == Connected })
	for range 3 {
		capture(t, db, "/first", nil)
	}
	// Acknowledged too: the stream may hold a message before its
	// acknowledgement reaches the member and moves the watermark.
	waitFor(t, "3 shipped", func() bool { return streamCount(t, url) == 3 && m.State().Behind == 0 })
	m.Stop()
	capture(t, db, "/while-away", nil)
	capture(t, db, "/while-away", nil)
	if v, _, _ := db.Setting(context.Background(), markKey("t")); v != "4" {
		t.Fatalf("the watermark saved on stop is %q, want 4", v)
	}
	m = join(t, url, "alice", db)
	waitFor(t, "5 shipped", func() bool { return m.State().Behind == 0 && streamCount(t, url) == 5 })
	capture(t, db, "/after", nil)
	waitFor(t, "6 shipped", func() bool { return streamCount(t, url) == 6 })
}

// A member started while the team server is down captures on, says it is
// offline, and ships what it captured once the server is up.
func TestMemberShipsOnceTheServerComesUp(t *testing.T) {
	store := t.TempDir()
	s, err := StartServer(ServerOptions{Host: "127.0.0.1", Port: -1, StoreDir: store, Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	port, url := s.Port(), s.URL("127.0.0.1")
	s.Stop()
	db := openDB(t)
	m := join(t, url, "alice", db)
	waitFor(t, "offline", func() bool { return m.State().Phase == Offline })
	capture(t, db, "/while-down", nil)
	capture(t, db, "/while-down", nil)
	if st := m.State(); st.Behind != 2 || st.String() != "offline · shipping 2 behind" {
		t.Fatalf("state %+v: %s", st, st)
	}
	s, err = StartServer(ServerOptions{Host: "127.0.0.1", Port: port, StoreDir: store, Token: "s3cret"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	waitFor(t, "both shipped", func() bool { return m.State().Phase == Connected && streamCount(t, url) == 2 })
}
