package e2e

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"gaff/internal/testkit"
	"gaff/storage"
	"gaff/team"
)

// teamServer is an in-process NATS server with JetStream, as `gaff team
// serve` runs it, on a store and port a test may start it again on.
type teamServer struct {
	*team.Server
	store string
	port  int
}

func startTeamServer(t *testing.T) *teamServer {
	t.Helper()
	ts := &teamServer{store: t.TempDir(), port: -1}
	ts.start(t)
	return ts
}

func (ts *teamServer) start(t *testing.T) {
	t.Helper()
	s, err := team.StartServer(team.ServerOptions{Host: "127.0.0.1", Port: ts.port, StoreDir: ts.store, Token: "t0ken"})
	if err != nil {
		t.Fatal(err)
	}
	ts.Server, ts.port = s, s.Port()
	t.Cleanup(s.Stop)
}

func (ts *teamServer) url() string { return ts.URL("127.0.0.1") }

// startMember runs gaff --headless in the team as who, on a database of its own.
func startMember(t *testing.T, url, who string, args ...string) *headlessGaff {
	t.Helper()
	dir := t.TempDir()
	return startMemberAt(t, filepath.Join(dir, "g.db"), url, who, args...)
}

func startMemberAt(t *testing.T, db, url, who string, args ...string) *headlessGaff {
	t.Helper()
	g := startHeadlessAt(t, db, db+".log", append([]string{"--team", url, "--team-name", "e2e", "--as", who}, args...)...)
	g.waitLine(t, "team: connected")
	return g
}

// jsonCapture is what gaff list --json says of a capture, in part.
type jsonCapture struct {
	ID        int64  `json:"id"`
	Path      string `json:"path"`
	Body      string `json:"body"`
	Size      int64  `json:"size"`
	Truncated bool   `json:"truncated"`
	Origin    string `json:"origin"`
	Duplicate *int64 `json:"duplicate_of"`
}

func listJSON(t *testing.T, db string) []jsonCapture {
	t.Helper()
	out, err := gaffCLI(t, "list", "--json", "--limit", "100000", "--db", db)
	if err != nil {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	var rows []jsonCapture
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		if line == "" {
			continue
		}
		var c jsonCapture
		if err := json.Unmarshal([]byte(line), &c); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		rows = append(rows, c)
	}
	return rows
}

// waitForRows polls gaff list until cond holds for its rows. The bound
// only ends a test that would hang; it measures nothing.
func waitForRows(t *testing.T, db, what string, cond func([]jsonCapture) bool) []jsonCapture {
	t.Helper()
	var rows []jsonCapture
	for deadline := time.Now().Add(90 * time.Second); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		if rows = listJSON(t, db); cond(rows) {
			return rows
		}
	}
	t.Fatalf("never: %s; the list has %d rows", what, len(rows))
	return nil
}

func fromWho(rows []jsonCapture, who string) []jsonCapture {
	var out []jsonCapture
	for _, r := range rows {
		if r.Origin == who {
			out = append(out, r)
		}
	}
	return out
}

func TestTeamSharesCapturesWithALateJoiner(t *testing.T) {
	ts := startTeamServer(t)
	adir := t.TempDir()
	adb := filepath.Join(adir, "g.db")
	// What a member keeps to itself: a saved secret (settings) and a
	// subscription with its signing secret.
	if out, err := gaffIn(t, adir, "", "subscriptions", "add", "mine", "--to", "http://127.0.0.1:9/sub-target-XYZ",
		"--scheme", "github", "--secret", "SUBSCRIPTION-SECRET-XYZ"); err != nil {
		t.Fatalf("%v\n%s", err, out)
	}
	db, err := storage.Open(adb, storage.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := db.SetSetting(context.Background(), "secret.github", "SETTINGS-SECRET-XYZ"); err != nil {
		t.Fatal(err)
	}
	db.Close()

	alice := startMemberAt(t, adb, ts.url(), "alice", "--secret", "github=FLAG-SECRET-XYZ")
	post(t, "http://"+alice.addr+"/hooks/github?x=1", `{"n":1}`)
	post(t, "http://"+alice.addr+"/hooks/stripe", `{"n":2}`)

	// Bob joins after the captures: his durable consumer starts at the
	// beginning of the team's history.
	bob := startMember(t, ts.url(), "bob")
	rows := waitForRows(t, bob.db, "alice's two captures at bob's", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 2 })
	if len(rows) != 2 || rows[1].Path != "/hooks/github" || rows[1].Body != `{"n":1}` || rows[0].Body != `{"n":2}` {
		t.Fatalf("bob's list: %+v", rows)
	}
	// Bob's own capture goes to alice, and is not stored twice at his.
	post(t, "http://"+bob.addr+"/from-bob", `{"n":3}`)
	waitForRows(t, alice.db, "bob's capture at alice's", func(r []jsonCapture) bool { return len(fromWho(r, "bob")) == 1 })
	if mine := fromWho(listJSON(t, bob.db), ""); len(mine) != 1 {
		t.Fatalf("bob's own captures: %+v", mine)
	}

	out, err := gaffCLI(t, "list", "--db", bob.db)
	if err != nil || !strings.Contains(out, "/hooks/github?x=1  (from alice)") {
		t.Fatalf("gaff list shows no origin: %v\n%s", err, out)
	}
	id := fmt.Sprint(rows[1].ID)
	if out, err := gaffCLI(t, "show", id, "--db", bob.db); err != nil || !strings.Contains(out, "# shared by teammate alice") {
		t.Fatalf("gaff show shows no origin: %v\n%s", err, out)
	}

	// Bob replays alice's capture to his own server, as he would his own.
	target, got := recordingTarget(t, 200, "ok")
	if out, err := gaffCLI(t, "replay", id, "--to", target, "--db", bob.db); err != nil || !strings.Contains(out, "<-- [200]") {
		t.Fatalf("replay: %v\n%s", err, out)
	}
	if r, body := got.Next(t); r.URL.Path != "/hooks/github" || r.URL.RawQuery != "x=1" || string(body) != `{"n":1}` {
		t.Fatalf("the replay sent %s %q", r.URL, body)
	}

	// Nothing but captures went to the team: no setting, secret or subscription.
	for _, m := range streamMessages(t, ts) {
		if !strings.HasPrefix(m.Subject, "gaff.e2e.captures.") {
			t.Errorf("a message on %s", m.Subject)
		}
		for _, secret := range []string{"SUBSCRIPTION-SECRET-XYZ", "sub-target-XYZ", "SETTINGS-SECRET-XYZ", "FLAG-SECRET-XYZ"} {
			if strings.Contains(string(m.Data), secret) {
				t.Errorf("%s was shipped: %q", secret, m.Data)
			}
		}
	}
}

// streamMessages reads every message of the team's stream.
func streamMessages(t *testing.T, ts *teamServer) []*jetstream.RawStreamMsg {
	t.Helper()
	nc, err := nats.Connect(ts.url())
	if err != nil {
		t.Fatal(err)
	}
	defer nc.Close()
	js, _ := jetstream.New(nc)
	ctx := context.Background()
	s, err := js.Stream(ctx, "gaff_e2e")
	if err != nil {
		t.Fatal(err)
	}
	info, err := s.Info(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var out []*jetstream.RawStreamMsg
	for seq := info.State.FirstSeq; seq <= info.State.LastSeq && seq > 0; seq++ {
		m, err := s.GetMsg(ctx, seq)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, m)
	}
	return out
}

func TestTeamSurvivesTheServerRestartingMidFlood(t *testing.T) {
	ts := startTeamServer(t)
	alice := startMember(t, ts.url(), "alice")
	bob := startMember(t, ts.url(), "bob")
	const n = 300
	var wg sync.WaitGroup
	var mu sync.Mutex
	acked := map[string]bool{}
	flood := func(from, to int) {
		for i := from; i < to; i++ {
			wg.Go(func() {
				resp, _ := post(t, "http://"+alice.addr+"/flood", fmt.Sprintf(`{"i":%d}`, i))
				if resp.StatusCode == 200 {
					mu.Lock()
					acked[fmt.Sprintf(`{"i":%d}`, i)] = true
					mu.Unlock()
				}
			})
			if i%8 == 7 {
				wg.Wait() // bounded: at most 8 in flight
			}
		}
		wg.Wait()
	}
	flood(0, n/3)
	ts.Stop()
	alice.waitLine(t, "team: cannot reach the team server")
	flood(n/3, 2*n/3) // captured and answered while the team server is down
	ts.start(t)
	flood(2*n/3, n)
	if len(acked) != n {
		t.Fatalf("alice answered %d of %d with 200", len(acked), n)
	}
	rows := waitForRows(t, bob.db, "every capture alice answered, at bob's", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) >= n })
	seen := map[string]bool{}
	for _, r := range fromWho(rows, "alice") {
		if seen[r.Body] || !acked[r.Body] {
			t.Fatalf("bob has %s twice, or one alice never answered", r.Body)
		}
		seen[r.Body] = true
	}
	if len(seen) != n {
		t.Fatalf("bob has %d of alice's %d captures", len(seen), n)
	}
}

func TestTeamCutsABodyOverTheMessageLimit(t *testing.T) {
	ts := startTeamServer(t)
	alice := startMember(t, ts.url(), "alice")
	bob := startMember(t, ts.url(), "bob")
	big := `{"pad":"` + strings.Repeat("x", 2<<20) + `"}` // the server takes 1 MiB messages
	if resp, _ := post(t, "http://"+alice.addr+"/big", big); resp.StatusCode != 200 {
		t.Fatalf("alice answered %d", resp.StatusCode)
	}
	post(t, "http://"+alice.addr+"/after", `{}`)
	rows := waitForRows(t, bob.db, "both captures at bob's", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 2 })
	got := rows[1]
	if got.Path != "/big" || !got.Truncated || got.Size != int64(len(big)) || len(got.Body) >= 1<<20 || !strings.HasPrefix(big, got.Body) {
		t.Fatalf("the big capture at bob's: path %s truncated %v size %d body %d bytes", got.Path, got.Truncated, got.Size, len(got.Body))
	}
	if out, err := gaffCLI(t, "show", fmt.Sprint(got.ID), "--db", bob.db); err != nil || !strings.Contains(out, "cut to") {
		t.Fatalf("no note on the cut: %v\n%.400s", err, out)
	}
	// Alice keeps the whole body.
	if mine := listJSON(t, alice.db); len(mine[1].Body) != len(big) {
		t.Fatalf("alice's copy is %d bytes", len(mine[1].Body))
	}
}

func TestTeamErrorsAreClearAndCaptureGoesOn(t *testing.T) {
	// A flag that cannot mean anything stops gaff before it stores anything.
	for _, c := range []struct{ args, want string }{
		{"--pool", "--pool: these apply to the ngrok URL"},
		{"--team-redact", "--team-redact applies to what --team ships"},
		{"--team nats://127.0.0.1:4222 --as x --team-redact-field .", `--team-redact-field "." names no field`},
	} {
		dir := t.TempDir()
		out, err := gaffIn(t, dir, "", strings.Fields(c.args)...)
		if err == nil || !strings.Contains(out, c.want) {
			t.Errorf("gaff %s: err=%v, want an error saying %q; got:\n%s", c.args, err, c.want, out)
		}
		if left, _ := os.ReadDir(dir); len(left) > 0 {
			t.Errorf("gaff %s refused, but left %s behind", c.args, left[0].Name())
		}
	}

	// A team that cannot be joined is said on stderr, and capture goes on:
	// the team is behind capture, never in front of it.
	garbage := filepath.Join(t.TempDir(), "garbage.creds")
	if err := os.WriteFile(garbage, []byte("not a credentials file\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ args, want string }{
		{"--team http://127.0.0.1:4222", "the scheme must be nats:// or tls://"},
		{"--team nats://s3cret@:4222", "name the host and port"},
		{"--team nats://127.0.0.1:4222 --as a.b", `--as "a.b": use 1 to 64 letters`},
		{"--team nats://127.0.0.1:4222 --as x --team-creds /nonexistent.creds", "--team-creds: open /nonexistent.creds: no such file"},
		{"--team nats://127.0.0.1:4222 --as x --team-creds " + garbage, "is not a NATS credentials file"},
	} {
		g := startHeadless(t, strings.Fields(c.args)...)
		line := g.waitLine(t, "gaff: team: cannot join the team")
		if !strings.Contains(line, c.want) || !strings.Contains(line, "captures go on") {
			t.Errorf("gaff %s: %q, want it to say %q and that captures go on", c.args, line, c.want)
		}
		if strings.Contains(line, "s3cret") {
			t.Errorf("gaff %s printed the token: %s", c.args, line)
		}
		if resp, _ := post(t, "http://"+g.addr+"/still", `{}`); resp.StatusCode != 200 {
			t.Fatalf("gaff %s: capture answered %d", c.args, resp.StatusCode)
		}
		if rows := listJSON(t, g.db); len(rows) != 1 || rows[0].Path != "/still" {
			t.Fatalf("gaff %s: %+v", c.args, rows)
		}
		// The team's failure is not gaff's: a stop still exits 0.
		g.cmd.Process.Signal(os.Interrupt)
		if err := g.cmd.Wait(); err != nil {
			t.Errorf("gaff %s exited with %v after a stop", c.args, err)
		}
	}

	ts := startTeamServer(t)
	wrong := strings.Replace(ts.url(), "t0ken", "wrong", 1)
	refused := startHeadless(t, "--team", wrong, "--as", "eve")
	refused.waitLine(t, "team: the team server refused the credentials")
	if resp, _ := post(t, "http://"+refused.addr+"/still", `{}`); resp.StatusCode != 200 {
		t.Fatalf("refused credentials stopped capture: %d", resp.StatusCode)
	}

	down := startHeadless(t, "--team", "nats://"+testkit.UnusedAddr(t), "--as", "dan")
	down.waitLine(t, "team: cannot reach the team server")
	if resp, _ := post(t, "http://"+down.addr+"/still", `{}`); resp.StatusCode != 200 {
		t.Fatalf("an unreachable team server stopped capture: %d", resp.StatusCode)
	}
	for _, db := range []string{refused.db, down.db} {
		if rows := listJSON(t, db); len(rows) != 1 || rows[0].Path != "/still" {
			t.Fatalf("%s: %+v", db, rows)
		}
	}
}

func TestTeamServePrintsTheURLToShare(t *testing.T) {
	store := t.TempDir()
	serve := func() (*exec.Cmd, string) {
		cmd := exec.Command(gaffBinary(t), "team", "serve", "--listen", "127.0.0.1:0", "--store", store)
		out, _ := cmd.StdoutPipe()
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if m := regexp.MustCompile(`gaff --team (nats://\S+) --as NAME`).FindStringSubmatch(sc.Text()); m != nil {
				go io.Copy(io.Discard, out)
				return cmd, m[1]
			}
		}
		t.Fatal("gaff team serve printed no URL to share")
		return nil, ""
	}
	cmd, url := serve()
	if !strings.Contains(url, "@127.0.0.1:") {
		t.Fatalf("the URL carries no token: %s", url)
	}
	if fi, err := os.Stat(filepath.Join(store, "token")); err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("the token file: %v %v", fi, err)
	}
	alice := startMember(t, url, "alice")
	bob := startMember(t, url, "bob")
	post(t, "http://"+alice.addr+"/hook", `{"served":true}`)
	waitForRows(t, bob.db, "alice's capture through gaff team serve", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 1 })

	// Started again on the same store, it keeps the token: the URL
	// teammates have still works.
	cmd.Process.Signal(os.Interrupt)
	cmd.Wait()
	_, again := serve()
	if tok := func(u string) string { return u[:strings.Index(u, "@")] }; tok(again) != tok(url) {
		t.Fatalf("the token changed: %s, then %s", url, again)
	}
}

func TestTeamRedactShipsARedactedCopy(t *testing.T) {
	ts := startTeamServer(t)
	alice := startMember(t, ts.url(), "alice", "--team-redact", "--team-redact-field", "customer")
	bob := startMember(t, ts.url(), "bob")
	req, _ := http.NewRequest("POST", "http://"+alice.addr+"/hook?api_key=KEY-XYZ",
		strings.NewReader(`{"token":"TOKEN-XYZ","email":"ann@corp.example","customer":"cus_XYZ","n":1}`))
	req.Header.Set("Authorization", "Bearer BEARER-XYZ")
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("%v %v", resp, err)
	}
	resp.Body.Close()
	rows := waitForRows(t, bob.db, "alice's capture at bob's", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 1 })
	out, err := gaffCLI(t, "show", fmt.Sprint(rows[0].ID), "--db", bob.db)
	if err != nil || !strings.Contains(out, "Bearer REDACTED") || !strings.Contains(out, `"n":1`) {
		t.Fatalf("bob's copy: %v\n%s", err, out)
	}
	for _, secret := range []string{"KEY-XYZ", "TOKEN-XYZ", "ann@corp.example", "cus_XYZ", "BEARER-XYZ"} {
		if strings.Contains(out, secret) {
			t.Errorf("%s was shipped:\n%s", secret, out)
		}
	}
	// Alice's database keeps the capture as it came.
	if out, err := gaffCLI(t, "show", "1", "--db", alice.db); err != nil || !strings.Contains(out, "TOKEN-XYZ") || !strings.Contains(out, "BEARER-XYZ") {
		t.Fatalf("alice's copy: %v\n%s", err, out)
	}
}

// In the TUI a teammate's capture reads "from bob", and the header says the
// team is connected, then offline when the server stops, while capture
// goes on.
func TestTUITeamShowsOriginAndState(t *testing.T) {
	ts := startTeamServer(t)
	s := startTUI(t, 120, 30, "--team", ts.url(), "--team-name", "e2e", "--as", "alice")
	s.waitFor("team connected")
	bob := startMember(t, ts.url(), "bob")
	post(t, "http://"+bob.addr+"/from-bob", `{"n":1}`)
	s.waitFor("from bob", "/from-bob")
	ts.Stop()
	s.waitFor("team offline")
	curlPost(t, "http://"+s.addr+"/while-offline", "-d", "{}")
	s.waitFor("/while-offline", "shipping 1 behind")
}

// A team server on TLS with a self-signed certificate, as the README makes
// one: a member given the certificate with --team-ca shares; one without
// is told to give it, and captures.
func TestTeamServeOverTLSWithTeamCA(t *testing.T) {
	cert, key := testkit.SelfSignedCert(t)
	cmd := exec.Command(gaffBinary(t), "team", "serve", "--listen", "127.0.0.1:0", "--store", t.TempDir(), "--tls-cert", cert, "--tls-key", key)
	out, _ := cmd.StdoutPipe()
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	// Up to the line that tells teammates to trust the certificate.
	var url string
	told := false
	for sc := bufio.NewScanner(out); !told && sc.Scan(); {
		if m := regexp.MustCompile(`gaff --team (tls://\S+) --as NAME`).FindStringSubmatch(sc.Text()); m != nil {
			url = m[1]
		}
		told = strings.Contains(sc.Text(), "teammates also add --team-ca with a copy of "+cert)
	}
	if url == "" || !told {
		t.Fatalf("gaff team serve over TLS printed no tls:// URL (%q) or no word of --team-ca", url)
	}
	go io.Copy(io.Discard, out)

	alice := startMember(t, url, "alice", "--team-ca", cert)
	bob := startMember(t, url, "bob", "--team-ca", cert)
	post(t, "http://"+alice.addr+"/tls", `{}`)
	waitForRows(t, bob.db, "alice's capture over TLS", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 1 })

	eve := startHeadless(t, "--team", url, "--team-name", "e2e", "--as", "eve")
	eve.waitLine(t, "--team-ca FILE")
	if resp, _ := post(t, "http://"+eve.addr+"/still", `{}`); resp.StatusCode != 200 {
		t.Fatalf("an untrusted certificate stopped capture: %d", resp.StatusCode)
	}
}

// One delivery that a provider sent to alice and retried at bob (a pooled
// URL) shows as a repeat on both members, whichever copy each stored first.
func TestTeamMarksADeliveryThatReachedTwoMembers(t *testing.T) {
	ts := startTeamServer(t)
	alice := startMember(t, ts.url(), "alice")
	bob := startMember(t, ts.url(), "bob")
	deliver := func(g *headlessGaff) {
		req, _ := http.NewRequest("POST", "http://"+g.addr+"/hooks/github", strings.NewReader(`{"zen":"once"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-GitHub-Event", "ping")
		req.Header.Set("X-GitHub-Delivery", "72d3162e-cc78-11e3-81ab-4c9367dc0958")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	deliver(alice)
	waitForRows(t, bob.db, "alice's copy at bob", func(r []jsonCapture) bool { return len(fromWho(r, "alice")) == 1 })
	deliver(bob)
	waitForRows(t, alice.db, "bob's copy at alice", func(r []jsonCapture) bool { return len(fromWho(r, "bob")) == 1 })
	for _, g := range []*headlessGaff{alice, bob} {
		rows := listJSON(t, g.db) // newest first
		if len(rows) != 2 || rows[1].Duplicate != nil || rows[0].Duplicate == nil || *rows[0].Duplicate != rows[1].ID {
			t.Fatalf("%s: the second copy is not marked as repeating the first: %+v", g.db, rows)
		}
	}
}
