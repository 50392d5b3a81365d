package team

import (
	"io"
	"log/slog"
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
