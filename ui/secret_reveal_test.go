package ui

import (
	"context"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"gaff/send"
	"gaff/storage"
)

var (
	ctrlG = tea.KeyPressMsg{Code: 'g', Mod: tea.ModCtrl}
	ctrlR = tea.KeyPressMsg{Code: 'r', Mod: tea.ModCtrl}
	ctrlS = tea.KeyPressMsg{Code: 's', Mod: tea.ModCtrl}
)

// A secret generated in the form can be shown while the form is open, to
// be copied into the handler; saved, it is masked again.
func TestGeneratedSecretRevealsWhileTheFormIsOpen(t *testing.T) {
	h := newHarness(t, 140, 40)
	withDispatcher(t, h)
	h.keys("s", "n")
	typeText(h, "local")
	h.send(ctrlG)
	secret := topOf[*form](h).field("secret").value()
	h.lacks(secret)
	h.send(ctrlR)
	h.contains(secret)
	h.send(ctrlR)
	h.lacks(secret)
	h.send(ctrlR)
	h.contains(secret)
	h.send(ctrlS)
	h.contains("created local")
	h.lacks(secret)
	h.keys("e")
	h.contains("edit subscription local")
	h.lacks(secret)
	h.send(ctrlR) // a saved secret stays hidden
	h.lacks(secret)
	h.contains("ctrl+r shows a secret generated here")
}

// The subscription picker and prompts name a captured request by its
// decoded path, as the list does.
func TestCapturePathsShownDecoded(t *testing.T) {
	h := newHarness(t, 120, 30)
	withDispatcher(t, h)
	s := &storage.Subscription{Name: "local", URL: "http://127.0.0.1:9/x", Scheme: "none", Retry: send.RetryNone, Enabled: true, Timeout: time.Second}
	if err := send.CreateSubscription(context.Background(), h.db, s); err != nil {
		t.Fatal(err)
	}
	h.insert(req(1, "POST", "/caf%C3%A9/a%2Fb", hdrs("Content-Type", "text/plain"), []byte("x")))
	h.keys("d")
	h.contains("delete request #1 POST /café/a%2Fb")
	h.keys("esc", "s", "f")
	h.contains("captured request #1  POST /café/a%2Fb")
	if strings.Contains(h.screen(), "caf%C3%A9") {
		t.Fatal("the picker shows the encoded path")
	}
}
