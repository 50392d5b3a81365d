// Command team measures sharing captures through a team (ARCHITECTURE.md,
// "Team"): two gaff --headless members, alice and bob, on one embedded
// NATS server on loopback, and a third gaff with no team as the yardstick.
// Bob is started after the ingest rounds, so they measure what shipping
// costs alice's capture, not a second gaff applying on the same cores.
//
//	go run ./bench/team                       # 2 rounds of 5 s, 300 lag probes
//	go run ./bench/team -rounds 3 -duration 10s -probes 500
//
// It reports:
//   - ingest: wrk (50 connections, the 1 KB GitHub push of bench/ingest.sh)
//     against the gaff without a team, then against alice, in turn; the
//     ratio is what sharing costs capture.
//   - applying: bob joins once the rounds are over and receives alice's
//     history through his durable consumer; captures stored per second.
//   - shipping: one more round with both up; alice's captures shipped and
//     stored at bob per second, and how long after the round bob had them.
//   - CPU per capture: user and system time of the gaff without a team and
//     of alice (each measured until it is idle again, so indexing and
//     shipping are counted), and of this process, which runs the NATS
//     server, during alice's rounds. Less noisy than req/s on a shared
//     machine.
//   - lag: one capture at a time at alice, the time from alice's 2xx until
//     bob has it stored, and until a search at bob finds it (p50, p99).
//
// Needs wrk. The machine is shared: quote the numbers with the command.
package main

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"gaff/storage"
	"gaff/team"
)

const push = `{"ref":"refs/heads/main","before":"6113728f27ae82c7b1a177c8d03f9e96e0adf246","after":"0000000000000000000000000000000000000000","repository":{"id":186853002,"name":"hello-world","full_name":"octo/hello-world","private":false},"pusher":{"name":"octocat","email":"octocat@example.com"},"sender":{"login":"octocat","id":1},"commits":[{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","message":"Update README.md with a longer description of the change so the body is about one kilobyte long, like a small real push event","timestamp":"2026-11-22T12:00:00Z","author":{"name":"Octo Cat","email":"octocat@example.com"},"added":[],"removed":[],"modified":["README.md"]}],"head_commit":{"id":"0d1a26e67d8f5eaf1f6ba5c57fc3c7d91ac0fd1c","tree_id":"f9d2a07e9488b91af2641b26b9407fe22a451433","distinct":true}}`

func main() {
	rounds := flag.Int("rounds", 2, "wrk rounds per server")
	duration := flag.String("duration", "5s", "length of a wrk round")
	conns := flag.Int("conns", 50, "wrk connections")
	probes := flag.Int("probes", 300, "captures timed one at a time for the lag")
	flag.Parse()
	if err := run(*rounds, *duration, *conns, *probes); err != nil {
		fmt.Fprintln(os.Stderr, "bench/team:", err)
		os.Exit(1)
	}
}

func run(rounds int, duration string, conns, probes int) error {
	w, err := os.MkdirTemp("", "gaff-bench-team")
	if err != nil {
		return err
	}
	defer os.RemoveAll(w)
	bin := filepath.Join(w, "gaff")
	if out, err := exec.Command("go", "build", "-o", bin, "gaff").CombinedOutput(); err != nil {
		return fmt.Errorf("go build: %v\n%s", err, out)
	}
	lua := filepath.Join(w, "post.lua")
	os.WriteFile(lua, []byte(`wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-GitHub-Event"] = "push"
wrk.body = '`+push+`'
`), 0o600)

	srv, err := team.StartServer(team.ServerOptions{Host: "127.0.0.1", Port: -1, StoreDir: filepath.Join(w, "nats"), Token: team.NewToken()})
	if err != nil {
		return err
	}
	defer srv.Stop()
	url := srv.URL("127.0.0.1")
	solo, err := startGaff(bin, w, "solo")
	if err != nil {
		return err
	}
	defer solo.stop()
	alice, err := startGaff(bin, w, "alice", "--team", url, "--as", "alice")
	if err != nil {
		return err
	}
	defer alice.stop()
	// Alice stores only her own captures and bob only hers: their newest ids
	// are the counts.
	aliceHas := alice.has

	fmt.Printf("gaff team: wrk -t2 -c%d -d%s, 1 KB GitHub push JSON; %d rounds of no team, then alice in a team\n", conns, duration, rounds)
	fmt.Printf("%d cores; load average before: %s\n\n", numCPU(), loadavg())
	fmt.Printf("%-6s %-8s %8s %9s\n", "round", "server", "req/s", "non2xx")
	soloHas := solo.has
	var soloSum, teamSum float64
	var soloCPU, aliceCPU, natsCPU time.Duration
	for r := 1; r <= rounds; r++ {
		c0, n0 := cpu(solo.cmd.Process.Pid), soloHas()
		rps, bad, err := wrk(lua, solo.url, conns, duration)
		if err != nil {
			return err
		}
		waitIdle(solo.cmd.Process.Pid)
		soloCPU += perCapture(cpu(solo.cmd.Process.Pid)-c0, soloHas()-n0)
		fmt.Printf("%-6d %-8s %8.0f %9d\n", r, "no team", rps, bad)
		soloSum += rps
		c0, s0, n0 := cpu(alice.cmd.Process.Pid), cpu(os.Getpid()), aliceHas()
		rps, bad, err = wrk(lua, alice.url, conns, duration)
		if err != nil {
			return err
		}
		waitIdle(alice.cmd.Process.Pid)
		n := aliceHas() - n0
		aliceCPU += perCapture(cpu(alice.cmd.Process.Pid)-c0, n)
		natsCPU += perCapture(cpu(os.Getpid())-s0, n)
		fmt.Printf("%-6d %-8s %8.0f %9d\n", r, "team", rps, bad)
		teamSum += rps
	}

	// Bob joins now: his durable consumer starts at the team's history, so
	// the time he takes to store all of alice's captures is the apply rate.
	sent := aliceHas()
	start := time.Now()
	bob, err := startGaff(bin, w, "bob", "--team", url, "--as", "bob")
	if err != nil {
		return err
	}
	defer bob.stop()
	bobHas := bob.has
	for bobHas() < sent {
		time.Sleep(10 * time.Millisecond)
	}
	backlog, applied := sent, float64(sent)/time.Since(start).Seconds()

	// One more round with both members up: what alice captures is shipped
	// and applied at bob as it comes; the rate is her captures over the
	// time until bob has the last of them.
	n0 := aliceHas()
	start = time.Now()
	liveRPS, _, err := wrk(lua, alice.url, conns, duration)
	if err != nil {
		return err
	}
	roundEnd, sent := time.Now(), aliceHas()
	for bobHas() < sent {
		time.Sleep(10 * time.Millisecond)
	}
	live, behind := float64(sent-n0)/time.Since(start).Seconds(), time.Since(roundEnd)

	var stored, found []time.Duration
	for i := range probes {
		marker := fmt.Sprintf("lagprobe%dx", i)
		q, _ := storage.ParseQuery(marker)
		resp, err := http.Post(alice.url+"/probe", "application/json", strings.NewReader(`{"probe":"`+marker+`"}`))
		if err != nil {
			return err
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t0 := time.Now()
		sent = aliceHas()
		for bobHas() < sent {
			time.Sleep(200 * time.Microsecond)
		}
		stored = append(stored, time.Since(t0))
		for {
			rows, err := bob.rd.ListRequests(context.Background(), storage.Page{Limit: 1, Query: q})
			if err != nil {
				return err
			}
			if len(rows) > 0 {
				break
			}
			time.Sleep(time.Millisecond)
		}
		found = append(found, time.Since(t0))
	}
	fmt.Printf("\nload average after: %s\n", loadavg())
	fmt.Printf("ingest with --team: %.3f× without (req/s %.0f vs %.0f)\n", teamSum/soloSum, teamSum/float64(rounds), soloSum/float64(rounds))
	fmt.Printf("CPU per capture, load and catching up included: gaff without a team %s, alice %s (%.3f×), the NATS server %s\n",
		soloCPU/time.Duration(rounds), aliceCPU/time.Duration(rounds), float64(aliceCPU)/float64(soloCPU), natsCPU/time.Duration(rounds))
	fmt.Printf("bob joining late stored alice's %d captures at %.0f captures/s (starting gaff included)\n", backlog, applied)
	fmt.Printf("both up: alice captured %.0f req/s; shipped and stored at bob %.0f captures/s, bob had the last %s after the round\n", liveRPS, live, behind.Round(time.Millisecond))
	fmt.Printf("lag, alice's 2xx → stored at bob (%d probes): p50 %s, p99 %s\n", probes, pct(stored, 50), pct(stored, 99))
	fmt.Printf("lag, alice's 2xx → found by a search at bob:    p50 %s, p99 %s\n", pct(found, 50), pct(found, 99))
	return nil
}

type gaff struct {
	cmd     *exec.Cmd
	url, db string
	rd      *storage.DB // its database, read beside it
}

// has is the newest capture id in its database.
func (g *gaff) has() int64 {
	n, _ := g.rd.NewestRequestID(context.Background())
	return n
}

func startGaff(bin, dir, name string, args ...string) (*gaff, error) {
	g := &gaff{db: filepath.Join(dir, name+".db")}
	g.cmd = exec.Command(bin, append([]string{"--headless", "--tunnel", "none", "--listen", "127.0.0.1:0",
		"--db", g.db, "--log", filepath.Join(dir, name+".log")}, args...)...)
	g.cmd.Stdout = io.Discard
	errs, _ := g.cmd.StderrPipe()
	if err := g.cmd.Start(); err != nil {
		return nil, err
	}
	sc := bufio.NewScanner(errs)
	re := regexp.MustCompile(`listening on (http://\S+)`)
	for sc.Scan() {
		if m := re.FindStringSubmatch(sc.Text()); m != nil {
			g.url = m[1]
			break
		}
	}
	if g.url == "" {
		return nil, fmt.Errorf("gaff %s did not start", name)
	}
	go io.Copy(io.Discard, errs)
	var err error
	g.rd, err = storage.Open(g.db, storage.Options{ReadOnly: true})
	return g, err
}

func (g *gaff) stop() {
	if g.rd != nil {
		g.rd.Close()
	}
	g.cmd.Process.Signal(os.Interrupt)
	g.cmd.Wait()
}

// wrk runs one round and returns req/s and non-2xx responses.
func wrk(lua, url string, conns int, duration string) (rps float64, bad int64, err error) {
	out, err := exec.Command("wrk", "-t2", "-c"+strconv.Itoa(conns), "-d"+duration, "-s", lua, url+"/hooks/github").CombinedOutput()
	if err != nil {
		return 0, 0, fmt.Errorf("wrk: %v\n%s", err, out)
	}
	for _, line := range strings.Split(string(out), "\n") {
		f := strings.Fields(line)
		switch {
		case strings.HasPrefix(line, "Requests/sec"):
			rps, _ = strconv.ParseFloat(f[1], 64)
		case strings.Contains(line, "Non-2xx"):
			bad, _ = strconv.ParseInt(f[len(f)-1], 10, 64)
		}
	}
	return rps, bad, nil
}

func pct(xs []time.Duration, p int) string {
	s := slices.Clone(xs)
	slices.Sort(s)
	return s[min(len(s)-1, len(s)*p/100)].Round(10 * time.Microsecond).String()
}

// cpu is the user and system time a process used so far.
func cpu(pid int) time.Duration {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command's closing parenthesis; utime and stime are
	// the 14th and 15th of the whole line, in clock ticks (100 a second).
	f := strings.Fields(string(b[strings.LastIndexByte(string(b), ')')+1:]))
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// waitIdle waits until pid has used under 2% of a core for half a second,
// so a round's count includes the work it left behind (indexing, shipping).
func waitIdle(pid int) {
	prev := cpu(pid)
	for range 600 {
		time.Sleep(500 * time.Millisecond)
		cur := cpu(pid)
		if cur-prev <= 10*time.Millisecond {
			return
		}
		prev = cur
	}
}

func perCapture(d time.Duration, n int64) time.Duration {
	if n <= 0 {
		return 0
	}
	return d / time.Duration(n)
}

func loadavg() string {
	b, _ := os.ReadFile("/proc/loadavg")
	f := strings.Fields(string(b))
	return strings.Join(f[:min(3, len(f))], " ")
}

func numCPU() int {
	b, _ := os.ReadFile("/proc/cpuinfo")
	return max(1, strings.Count(string(b), "processor\t:"))
}
