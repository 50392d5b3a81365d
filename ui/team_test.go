package ui

import (
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/internal/testkit"
	"gaff/storage"
	"gaff/team"
)

// A teammate's capture says whose it is in the list and the detail, and
// the header says how the team connection stands.
func TestTeamOriginAndState(t *testing.T) {
	st := team.State{Phase: team.Connected, Behind: 3}
	app := New(Deps{DB: testkit.DB(t), Local: fixedURL("http://127.0.0.1:4747"), Team: func() team.State { return st }})
	app.live = false
	app.common.now = func() time.Time { return t0 }
	h := &harness{t: t, db: app.common.db, app: app}
	h.run(app.Init())
	h.send(tea.WindowSizeMsg{Width: 160, Height: 30})
	r := req(1, "POST", "/hooks/github", nil, []byte(`{}`))
	r.Origin, r.OriginKey = "alice\x1b[2J", "k-1"
	if _, err := h.db.InsertShared(t.Context(), []*storage.Request{r}); err != nil {
		t.Fatal(err)
	}
	h.send(dbChangedMsg{})
	h.contains("team connected · shipping 3 behind", `/hooks/github`, `from alice\e[2J`)
	h.keys("enter", "tab", "tab", "tab")
	h.contains("Shared by teammate alice")

	st = team.State{Phase: team.Refused, Err: "nats: Authorization Violation"}
	h.send(dbChangedMsg{})
	h.contains("team refused", "The team server refused the credentials (nats: Authorization Violation)")
	st = team.State{Phase: team.Offline, Err: "dial tcp: connection refused"}
	h.send(dbChangedMsg{})
	h.contains("team offline", "Team server unreachable (dial tcp: connection refused)")
	st = team.State{Phase: team.Invalid, Err: `--team "http://h:1": the scheme must be nats:// or tls://`}
	h.send(dbChangedMsg{})
	h.contains("team not joined", `Cannot join the team: --team "http://h:1": the scheme`)
}
