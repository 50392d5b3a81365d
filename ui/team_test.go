package ui

import (
	"strings"
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

// A teammate's message sets every field of its captures, not only its
// origin: the provider, handshake and listener it names are network bytes
// too, in the list, the detail's title and the overview.
func TestTeammateFieldsRenderAsText(t *testing.T) {
	h := newHarness(t, 200, 40)
	r := req(1, "POST", "/hooks/x", nil, []byte(`{}`))
	r.Origin, r.OriginKey = "alice", "k-1"
	r.Provider, r.Handshake, r.Via = "gh\x1b]0;pwned\x07", "ok\x1b[2J", "lan\x1b[31m"
	if _, err := h.db.InsertShared(t.Context(), []*storage.Request{r}); err != nil {
		t.Fatal(err)
	}
	h.send(dbChangedMsg{})
	h.contains("/hooks/x", "gh")
	screens := map[string]string{"list": h.app.View().Content}
	h.keys("enter")
	h.contains("⇄ ok")
	screens["detail"] = h.app.View().Content
	h.keys("tab", "tab", "tab")
	h.contains("Shared by teammate alice", "Handshake", "Via       lan")
	screens["overview"] = h.app.View().Content
	for what, s := range screens {
		for _, line := range strings.Split(s, "\n") {
			checkScreenSafe(t, what, line)
		}
	}
}
