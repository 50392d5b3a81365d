package ui

import (
	"bytes"
	"context"
	"flag"
	"net"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/internal/testkit"
	"gaff/storage"
	"gaff/tunnel"
)

var update = flag.Bool("update", false, "rewrite golden files")

func TestMain(m *testing.M) {
	// Golden views print times; pin the zone so they match anywhere.
	time.Local = time.UTC
	os.Exit(m.Run())
}

// harness drives an App the way Bubble Tea would, synchronously: it runs
// each command and feeds its message back until nothing is left.
type harness struct {
	t   testing.TB
	db  *storage.DB
	app *App
}

func newHarness(t testing.TB, w, h int) *harness {
	t.Helper()
	return newHarnessDB(t, testkit.DB(t), w, h)
}

// newHarnessDB drives an App over an open database.
func newHarnessDB(t testing.TB, db *storage.DB, w, h int) *harness {
	t.Helper()
	app := New(Deps{DB: db, Local: fixedURL("http://127.0.0.1:4747")})
	app.live = false
	app.common.now = func() time.Time { return t0 } // the fixtures' day
	hs := &harness{t: t, db: db, app: app}
	hs.run(app.Init())
	hs.send(tea.WindowSizeMsg{Width: w, Height: h})
	return hs
}

func (h *harness) send(msg tea.Msg) {
	h.t.Helper()
	_, cmd := h.app.Update(msg)
	h.run(cmd)
}

func (h *harness) run(cmd tea.Cmd) {
	queue := []tea.Cmd{cmd}
	for len(queue) > 0 {
		c := queue[0]
		queue = queue[1:]
		if c == nil {
			continue
		}
		switch msg := c().(type) {
		case nil:
		case tea.BatchMsg:
			queue = append(queue, msg...)
		case tea.QuitMsg:
		default:
			if seq, ok := sequence(msg); ok {
				// tea.Sequence: each in turn, its messages handled first.
				for _, c := range seq {
					h.run(c)
				}
				continue
			}
			_, next := h.app.Update(msg)
			queue = append(queue, next)
		}
	}
}

// sequence unpacks what tea.Sequence returns (an unexported []tea.Cmd).
func sequence(msg tea.Msg) ([]tea.Cmd, bool) {
	v := reflect.ValueOf(msg)
	if v.Kind() != reflect.Slice || v.Type().Elem() != reflect.TypeFor[tea.Cmd]() {
		return nil, false
	}
	out := make([]tea.Cmd, v.Len())
	for i := range out {
		out[i] = v.Index(i).Interface().(tea.Cmd)
	}
	return out, true
}

// keys sends key presses by name: "j", "enter", "esc", "tab", "shift+tab".
func (h *harness) keys(names ...string) {
	h.t.Helper()
	for _, n := range names {
		h.send(keyPress(n))
	}
}

var namedKeys = map[string]tea.KeyPressMsg{
	"enter":     {Code: tea.KeyEnter},
	"esc":       {Code: tea.KeyEscape},
	"tab":       {Code: tea.KeyTab},
	"shift+tab": {Code: tea.KeyTab, Mod: tea.ModShift},
	"up":        {Code: tea.KeyUp},
	"down":      {Code: tea.KeyDown},
	"pgdown":    {Code: tea.KeyPgDown},
	"ctrl+c":    {Code: 'c', Mod: tea.ModCtrl},
	"backspace": {Code: tea.KeyBackspace},
	"space":     {Code: tea.KeySpace, Text: " "},
}

func keyPress(name string) tea.KeyPressMsg {
	if k, ok := namedKeys[name]; ok {
		return k
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// insert stores requests and tells the app, as the live feed would.
func (h *harness) insert(rs ...*storage.Request) {
	h.t.Helper()
	for _, r := range rs {
		if err := h.db.InsertRequest(context.Background(), r); err != nil {
			h.t.Fatal(err)
		}
	}
	h.send(dbChangedMsg{})
}

// screen is the view as plain text, exactly what the terminal shows.
func (h *harness) screen() string {
	return ansi.Strip(h.app.View().Content)
}

func (h *harness) checkSize() {
	h.t.Helper()
	lines := strings.Split(h.app.View().Content, "\n")
	if len(lines) != h.app.h {
		h.t.Fatalf("view has %d lines, terminal has %d", len(lines), h.app.h)
	}
	for i, l := range lines {
		if w := ansi.StringWidth(l); w > h.app.w {
			h.t.Fatalf("line %d is %d cells wide, terminal has %d:\n%s", i, w, h.app.w, ansi.Strip(l))
		}
	}
}

func (h *harness) golden(name string) {
	h.t.Helper()
	h.checkSize()
	h.compareGolden(name, []byte(h.screen()), func(got []byte) string { return string(got) })
}

// goldenColor compares the view with its escape sequences, so a style
// regression fails too.
func (h *harness) goldenColor(name string) {
	h.t.Helper()
	h.compareGolden(name+"-color", []byte(h.app.View().Content), func([]byte) string {
		return "the styles changed; if on purpose, go test ./ui -run TestGoldenViews -update"
	})
}

func (h *harness) compareGolden(name string, got []byte, show func([]byte) string) {
	h.t.Helper()
	path := filepath.Join("testdata", "golden", name+".txt")
	if *update {
		os.WriteFile(path, got, 0o644)
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		h.t.Fatalf("%v (run go test ./ui -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		h.t.Errorf("%s differs from %s:\n%s", name, path, show(got))
	}
}

func (h *harness) contains(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if !strings.Contains(s, p) {
			h.t.Fatalf("screen lacks %q:\n%s", p, s)
		}
	}
}

func (h *harness) lacks(parts ...string) {
	h.t.Helper()
	s := h.screen()
	for _, p := range parts {
		if strings.Contains(s, p) {
			h.t.Fatalf("screen shows %q:\n%s", p, s)
		}
	}
}

// row is screen line i without the box border and padding.
func (h *harness) row(i int) string {
	lines := strings.Split(h.screen(), "\n")
	if i >= len(lines) {
		return ""
	}
	return strings.TrimSpace(strings.Trim(strings.TrimSpace(lines[i]), "│"))
}

// stubTunnel stands in for a tunnel in view tests: the UI only reads its
// URL and state. ngrok cannot run here; the real listeners are tested in
// tunnel/ and end to end.
type stubTunnel struct {
	url string
	st  tunnel.State
}

func fixedURL(u string) *stubTunnel {
	return &stubTunnel{url: u, st: tunnel.State{Status: tunnel.Online, URL: u}}
}

func (f *stubTunnel) URL() string               { return f.url }
func (f *stubTunnel) State() tunnel.State       { return f.st }
func (f *stubTunnel) Changes() <-chan struct{}  { return nil }
func (f *stubTunnel) Accept() (net.Conn, error) { return nil, net.ErrClosed }
func (f *stubTunnel) Close() error              { return nil }
func (f *stubTunnel) Addr() net.Addr            { return &net.TCPAddr{} }
