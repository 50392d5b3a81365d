package e2e

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"gaff/internal/hostile"
	"gaff/sanitize"
)

// ARCHITECTURE.md, "Promises and the measurements behind them": hostile
// input is data. Every attack in the corpus arrives in the path, query, a
// header name, a header value and the body; the test walks every screen of
// every request and checks after each that the terminal is as gaff left it.

// termState is what an escape sequence that got through would change.
const termState = "title=#{pane_title} alt=#{alternate_on} cursor=#{cursor_flag} insert=#{insert_flag} keypad=#{keypad_flag}/#{keypad_cursor_flag} " +
	"origin=#{origin_flag} wrap=#{wrap_flag} mouse=#{mouse_any_flag}/#{mouse_button_flag}/#{mouse_standard_flag}/#{mouse_sgr_flag} paste=#{bracketed_paste}"

// sgrSeq matches the colour sequences tmux writes for gaff's styles: the
// only escape sequences a screen may hold.
var sgrSeq = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

// checkUnharmed fails if the terminal state moved, a tmux buffer appeared
// (OSC 52), the screen holds anything but styled text, or gaff's frame
// (top line, box, help bar) is broken.
func (s *tmuxSession) checkUnharmed(t *testing.T, want, where string) string {
	t.Helper()
	if got := s.tmux("display-message", "-p", termState); got != want {
		t.Fatalf("%s: the terminal changed from %q to %q", where, want, got)
	}
	if bufs := s.tmux("list-buffers"); bufs != "" {
		t.Fatalf("%s: something reached the clipboard: %q", where, bufs)
	}
	styled := s.tmux("capture-pane", "-p", "-e")
	plain := sgrSeq.ReplaceAllString(styled, "")
	if i := sanitize.Unsafe(plain, true); i >= 0 {
		t.Fatalf("%s: %q is on the screen:\n%s", where, plain[i:min(len(plain), i+12)], plain)
	}
	lines := strings.Split(strings.TrimRight(plain, "\n"), "\n")
	if len(lines) != 24 || !strings.HasPrefix(lines[0], " gaff ") || !strings.HasPrefix(lines[1], "┌") || !strings.HasPrefix(lines[22], "└") ||
		!strings.Contains(lines[23], "? help") {
		t.Fatalf("%s: gaff's frame is broken:\n%s", where, plain)
	}
	for _, l := range lines[1:23] {
		if utf8.RuneCountInString(strings.TrimRight(l, " ")) > 80 || !strings.HasSuffix(l, "┐") && !strings.HasSuffix(l, "│") && !strings.HasSuffix(l, "┘") {
			t.Fatalf("%s: a line overflows the box:\n%s", where, plain)
		}
	}
	return plain
}

// waitScreen polls until ok accepts the screen. The bound catches a hang.
func (s *tmuxSession) waitScreen(t *testing.T, what string, ok func(string) bool) {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for scr := s.screen(); !ok(scr); scr = s.screen() {
		if time.Now().After(deadline) {
			t.Fatalf("screen never showed %s:\n%s", what, scr)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// shown is how gaff shows the start of a payload: its visible escapes.
func shown(payload string) string {
	s := sanitize.Line(payload)
	return s[:min(len(s), 24)]
}

var tabMarkers = []string{"[body", "[headers]", "[query]", "[overview]", "[deliveries"}

func currentTab(scr string) int {
	for i, m := range tabMarkers {
		if strings.Contains(scr, m) {
			return i
		}
	}
	return -1
}

// posted is how a hostile request shows: its detail's title, and the line
// of its X-Hostile header and query parameter, if it has them.
type posted struct {
	title, header, query string
}

// postCorpus sends each attack twice: everywhere at once (net/http refuses
// it; gaff keeps it), and in the body, the escaped query and, when
// net/http takes it, a header value.
func postCorpus(t *testing.T, addr string) []posted {
	t.Helper()
	var requests []posted
	for _, a := range hostile.Corpus() {
		raw(t, addr, a.Request())
		requests = append(requests, posted{title: "POST /h/" + a.Name + "/", header: "X-Hostile: " + shown(a.Payload)})

		wire := "POST /ok/" + a.Name + "?q=" + url.QueryEscape(a.Payload) + " HTTP/1.1\r\nHost: x\r\n"
		p := posted{title: "POST /ok/" + a.Name + "  ", query: "q │ " + shown(a.Payload)}
		if !strings.ContainsFunc(a.Payload, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
			wire += "X-Hostile: " + a.Payload + "\r\n"
			p.header = "X-Hostile: " + shown(a.Payload)
		}
		raw(t, addr, wire+"Content-Type: text/plain\r\nContent-Length: "+strconv.Itoa(len(a.Payload))+"\r\n\r\n"+a.Payload)
		requests = append(requests, p)
	}
	return requests
}

// The command line shows captures through the sanitiser too, and its JSON
// escapes what a terminal would act on.
func TestHostileInputIsInertInEveryCLIOutput(t *testing.T) {
	g := startHeadless(t)
	n := len(postCorpus(t, g.addr))
	outputs := [][]string{{"list"}, {"list", "--json"}, {"export"}, {"export", "--format", "har"}, {"export", "--format", "curl"}}
	for id := 1; id <= n; id++ {
		outputs = append(outputs, []string{"show", strconv.Itoa(id)}, []string{"show", strconv.Itoa(id), "--json"})
	}
	for _, args := range outputs {
		out, err := gaffCLI(t, append(args, "--db", g.db)...)
		if err != nil {
			t.Fatalf("gaff %v: %v\n%s", args, err, out)
		}
		if i := sanitize.Unsafe(out, true); i >= 0 {
			t.Errorf("gaff %v prints %q", args, out[i:min(len(out), i+12)])
		}
	}
}

func TestHostileInputLeavesTheTerminalAlone(t *testing.T) {
	s := startTUI(t, 80, 24)
	// With set-clipboard on, an OSC 52 that got through would become a tmux
	// buffer.
	s.tmux("set-option", "-g", "set-clipboard", "on")
	want := s.tmux("display-message", "-p", termState)

	requests := postCorpus(t, s.addr)
	s.waitFor(strconv.Itoa(len(requests)) + " requests")
	s.checkUnharmed(t, want, "the list")

	// Newest first: walk the list from the top, through every tab of each.
	for i := len(requests) - 1; i >= 0; i-- {
		r := requests[i]
		s.tmux("send-keys", "Enter")
		s.waitScreen(t, r.title, func(scr string) bool { return strings.Contains(scr, "┌─ "+r.title) && currentTab(scr) >= 0 })
		tab := currentTab(s.screen())
		for range tabMarkers {
			where := r.title + " " + tabMarkers[tab]
			scr := s.checkUnharmed(t, want, where)
			switch {
			case tab == 0:
				s.tmux("send-keys", "v")
				s.waitScreen(t, "the raw body", func(scr string) bool { return strings.Contains(scr, "[body (raw)]") })
				s.checkUnharmed(t, want, where+" raw")
				s.tmux("send-keys", "v")
				s.waitScreen(t, "the body", func(scr string) bool { return strings.Contains(scr, "[body") && !strings.Contains(scr, "(raw)") })
			case tab == 1 && r.header != "" && !strings.Contains(scr, r.header):
				t.Fatalf("%s: %q is not shown:\n%s", where, r.header, scr)
			case tab == 2 && r.query != "" && !strings.Contains(scr, r.query):
				t.Fatalf("%s: %q is not shown:\n%s", where, r.query, scr)
			}
			s.tmux("send-keys", "Tab")
			tab = (tab + 1) % len(tabMarkers)
			s.waitScreen(t, tabMarkers[tab], func(scr string) bool { return currentTab(scr) == tab })
		}
		s.tmux("send-keys", "Escape")
		s.waitScreen(t, "the list", func(scr string) bool { return strings.Contains(scr, "┌─ requests") })
		s.checkUnharmed(t, want, "the list")
		s.tmux("send-keys", "j")
	}
}
