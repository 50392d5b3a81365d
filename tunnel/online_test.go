package tunnel

import (
	"crypto/rand"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"
)

// TestNgrokOnline goes through the real ngrok: connect, post to the public
// URL, see the request arrive. It needs a token and a network, so it runs
// only when asked:
//
//	GAFF_TEST_ONLINE=1 NGROK_AUTHTOKEN=… go test -run Online ./tunnel/
//
// GAFF_TEST_NGROK_URL may name a fixed domain of the account to use.
func TestNgrokOnline(t *testing.T) {
	token := os.Getenv("NGROK_AUTHTOKEN")
	if os.Getenv("GAFF_TEST_ONLINE") != "1" || token == "" {
		t.Skip("set GAFF_TEST_ONLINE=1 and NGROK_AUTHTOKEN to test against ngrok")
	}
	tun, err := Ngrok(t.Context(), NgrokOptions{
		AuthToken:      token,
		URL:            os.Getenv("GAFF_TEST_NGROK_URL"),
		ConnectTimeout: 30 * time.Second,
		Logger:         slog.New(slog.NewTextHandler(testWriter{t}, nil)),
		Description:    "gaff online test",
	})
	if err != nil {
		t.Fatal(err)
	}
	defer tun.Close()

	got := make(chan string, 1)
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		select {
		case got <- r.URL.Path + " " + string(b):
		default:
		}
		io.WriteString(w, "stored")
	})}
	go srv.Serve(tun)
	defer srv.Close()

	s := waitFor(t, tun, "Online or Failed", func(s State) bool { return s.Status == Online || s.Status == Failed })
	t.Log(s.Line())
	if s.Status != Online || !strings.HasPrefix(s.URL, "https://") {
		t.Fatalf("state = %+v", s)
	}

	body := rand.Text()
	req, _ := http.NewRequest("POST", s.URL+"/gaff-online-test", strings.NewReader(body))
	req.Header.Set("Content-Type", "text/plain")
	req.Header.Set("ngrok-skip-browser-warning", "1")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || string(b) != "stored" {
		t.Fatalf("POST %s: %d %q", req.URL, resp.StatusCode, b)
	}
	if arrived := <-got; arrived != "/gaff-online-test "+body {
		t.Errorf("the handler saw %q", arrived)
	}
}

// testWriter sends the tunnel's log to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
