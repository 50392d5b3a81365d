package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"gaff/internal/testkit"
	"gaff/storage"
	"gaff/tunnel"
)

// When the public URL fails to start after the local server is up, the
// captures already in flight finish (stored, answered 200) before the
// database closes. Before, serve returned at once and closed the database
// under them.
func TestTunnelFailureDrainsCapturesInFlight(t *testing.T) {
	dir := t.TempDir()
	addr := testkit.UnusedAddr(t)
	inFlight := make(chan struct{})
	startNgrok = func(context.Context, tunnel.NgrokOptions) (tunnel.Tunnel, error) {
		<-inFlight
		return nil, errors.New("ngrok refused the test's token")
	}
	t.Cleanup(func() { startNgrok = tunnel.Ngrok })
	t.Setenv("NGROK_AUTHTOKEN", "test-token")
	dbPath := filepath.Join(dir, "g.db")
	cmd := Root("test")
	cmd.SetArgs([]string{"--headless", "--tunnel", "ngrok", "--listen", addr, "--db", dbPath, "--log", filepath.Join(dir, "g.log")})
	done := make(chan error, 1)
	go func() { done <- cmd.ExecuteContext(context.Background()) }()

	var conn net.Conn
	var err error
	for range 500 {
		if conn, err = net.Dial("tcp", addr); err == nil {
			break
		}
		select {
		case err := <-done:
			t.Fatalf("serve ended before serving: %v", err)
		case <-time.After(10 * time.Millisecond):
		}
	}
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"half":"then the rest"}`
	fmt.Fprintf(conn, "POST /in-flight HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body[:8])
	time.Sleep(100 * time.Millisecond) // let the server start reading it
	close(inFlight)
	time.Sleep(200 * time.Millisecond) // serve is stopping now
	fmt.Fprint(conn, body[8:])
	conn.SetReadDeadline(time.Now().Add(20 * time.Second))
	status, rerr := bufio.NewReader(conn).ReadString('\n')
	if rerr != nil || !strings.Contains(status, " 200 ") {
		t.Errorf("the capture in flight got %q, %v", status, rerr)
	}
	if err := <-done; err == nil || !strings.Contains(err.Error(), "ngrok refused") {
		t.Fatalf("run: %v", err)
	}
	db, err := storage.Open(dbPath, storage.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var rows []*storage.Request
	for r, err := range db.Requests(context.Background(), storage.Walk{}) {
		if err != nil {
			t.Fatal(err)
		}
		rows = append(rows, r)
	}
	if len(rows) != 1 || string(rows[0].Body) != body {
		t.Fatalf("stored %v", rows)
	}
}
