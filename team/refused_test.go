package team

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRefusedCredentialsStopSharingNotCapture(t *testing.T) {
	s := startServer(t)
	db := openDB(t)
	m, err := Start(Config{URL: strings.Replace(s.URL("127.0.0.1"), "s3cret", "wrong", 1), Name: "t", Me: "eve", Replicas: 1},
		db, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(m.Stop)
	waitFor(t, "refused", func() bool { return m.State().Phase == Refused })
	if st := m.State(); !strings.Contains(st.Err, "Authorization") {
		t.Fatalf("state %+v", st)
	}
	// Capture does not wait on the team: the insert commits as ever.
	capture(t, db, "/still", nil)
}

// Flags that cannot join a team are the team's state, not gaff's failure:
// nothing is dialled, nothing is counted behind, and capture goes on.
func TestAConfigThatCannotJoinIsStateNotFailure(t *testing.T) {
	db := openDB(t)
	dir := t.TempDir()
	garbage := filepath.Join(dir, "x.creds")
	if err := os.WriteFile(garbage, []byte("-----BEGIN NATS USER JWT-----\nnot.a.jwt\n------END NATS USER JWT------\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		cfg  Config
		want string
	}{
		{Config{URL: "http://h:1", Name: "t", Me: "eve", Replicas: 1}, "the scheme must be nats:// or tls://"},
		{Config{URL: "nats://h:1", Name: "t", Me: "eve", Replicas: 1, CredsFile: filepath.Join(dir, "missing.creds")}, "no such file"},
		{Config{URL: "nats://h:1", Name: "t", Me: "eve", Replicas: 1, CredsFile: dir}, "is a directory"},
		{Config{URL: "nats://h:1", Name: "t", Me: "eve", Replicas: 1, CredsFile: garbage}, "is not a NATS credentials file"},
	} {
		m, err := Start(c.cfg, db, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err != nil {
			t.Fatalf("%+v: %v", c.cfg, err)
		}
		capture(t, db, "/still", nil)
		if st := m.State(); st.Phase != Invalid || !strings.Contains(st.Err, c.want) || st.Behind != 0 || st.String() != "not joined" {
			t.Errorf("%+v: state %+v (%s), want not joined saying %q", c.cfg, st, st, c.want)
		}
		m.Stop()
	}
}
