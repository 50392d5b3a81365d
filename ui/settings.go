package ui

import (
	"context"
	"fmt"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/policy"
	"gaff/provider"
)

type settingKind int

const (
	settingHeading settingKind = iota
	settingSecret
	settingResponse
	settingFlagResponse // a --respond rule of this run, shown with its state
	settingAddResponse
	settingHandshake
	settingReject
)

type settingItem struct {
	kind  settingKind
	key   string // provider id, handshake kind
	index int    // response rule index
	label string
}

// settingsScreen edits how gaff answers: provider secrets, the responses it
// sends, which handshakes it answers, and whether invalid signatures are
// refused. Every change applies to the next capture at once and is saved.
type settingsScreen struct {
	common *common
	items  []settingItem
	cursor int
	status string
	err    bool
	saving oneAtATime
}

type policySavedMsg struct{ err error }

// settingsMsg marks the messages of the settings screen.
type settingsMsg interface{ forSettings() }

func (policySavedMsg) forSettings()  {}
func (responseReadMsg) forSettings() {}

func (s *settingsScreen) update(msg settingsMsg) (tea.Cmd, layer) {
	switch msg := msg.(type) {
	case policySavedMsg:
		s.saved(msg)
	case responseReadMsg:
		return s.responseRead(msg), nil
	}
	return nil, nil
}

func (s *settingsScreen) bindings() []key.Binding {
	k := &s.common.keys.Settings
	return []key.Binding{k.Back, k.Down, k.Edit, k.Add, k.Delete, k.ResetCounts}
}

func newSettingsScreen(c *common) *settingsScreen {
	s := &settingsScreen{common: c}
	s.rebuild()
	return s
}

func (s *settingsScreen) policy() *policy.Policy {
	if s.common.deps.Policy == nil {
		return &policy.Policy{}
	}
	return s.common.deps.Policy.Policy()
}

// secretKeys are the providers a secret can be given for, in the order shown.
func secretKeys() []string {
	return append(provider.VerifiedProviders(), policy.MetaVerifyTokenKey)
}

func (s *settingsScreen) rebuild() {
	p := s.policy()
	items := []settingItem{{kind: settingHeading, label: "Secrets — to check signatures and answer Zoom, X, Discord and Meta handshakes"}}
	for _, id := range secretKeys() {
		items = append(items, settingItem{kind: settingSecret, key: id})
	}
	items = append(items, settingItem{kind: settingHeading}, settingItem{kind: settingHeading, label: "Responses — what gaff answers, by path prefix (longest wins)"})
	for i := range p.Responses {
		items = append(items, settingItem{kind: settingResponse, index: i})
	}
	for i := range s.flagRules() {
		items = append(items, settingItem{kind: settingFlagResponse, index: i})
	}
	items = append(items, settingItem{kind: settingAddResponse},
		settingItem{kind: settingReject},
		settingItem{kind: settingHeading}, settingItem{kind: settingHeading, label: "Handshakes answered"})
	for _, k := range provider.HandshakeKinds() {
		items = append(items, settingItem{kind: settingHandshake, key: k})
	}
	s.items = items
	s.cursor = min(max(s.cursor, 0), len(items)-1)
	if s.items[s.cursor].kind == settingHeading {
		s.move(1)
	}
}

func (s *settingsScreen) move(delta int) {
	for i := s.cursor + delta; i >= 0 && i < len(s.items); i += delta {
		if s.items[i].kind != settingHeading {
			s.cursor = i
			return
		}
	}
}

// apply swaps in a changed policy and saves it in the background.
func (s *settingsScreen) apply(change func(p *policy.Policy)) tea.Cmd {
	if s.common.deps.Policy == nil {
		return nil
	}
	p := s.policy().Clone()
	change(p)
	s.common.deps.Policy.SetPolicy(p)
	s.rebuild()
	s.status, s.err = "applied; saving…", false
	return s.save()
}

// save writes the current policy; saves run one at a time and the last
// change is always the last written, however fast the keys come.
func (s *settingsScreen) save() tea.Cmd {
	db, p := s.common.db, s.policy()
	return s.saving.run(s.save, func() tea.Msg { return policySavedMsg{policy.Save(context.Background(), db, p)} })
}

func (s *settingsScreen) saved(m policySavedMsg) {
	switch {
	case m.err != nil:
		s.status, s.err = "applied, but not saved: "+m.err.Error(), true
	case !s.saving.due():
		s.status, s.err = "saved", false
	}
}

// override says what a flag of this run sets over a saved setting, or "".
func (s *settingsScreen) override(key string) string {
	if s.common.deps.Policy == nil {
		return ""
	}
	return s.common.deps.Policy.Overrides()[key]
}

func (s *settingsScreen) flagNote(key string) string {
	if f := s.override(key); f != "" {
		return s.common.styles.Warn.Render("  (" + f + " applies over this, this run only)")
	}
	return ""
}

// key handles a key on this screen; it may open a prompt.
func (s *settingsScreen) key(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	k := &s.common.keys.Settings
	it := s.items[s.cursor]
	switch {
	case key.Matches(msg, k.Up):
		s.move(-1)
	case key.Matches(msg, k.Down):
		s.move(1)
	case key.Matches(msg, k.Delete):
		switch it.kind {
		case settingSecret:
			return s.apply(func(p *policy.Policy) { delete(p.Secrets, it.key) }), nil
		case settingResponse:
			return s.apply(func(p *policy.Policy) {
				p.Responses = append(p.Responses[:it.index:it.index], p.Responses[it.index+1:]...)
			}), nil
		}
	case key.Matches(msg, k.Add):
		return nil, s.responsePrompt(-1)
	case key.Matches(msg, k.ResetCounts):
		s.resetCounts()
		return nil, nil
	case it.kind == settingFlagResponse && (key.Matches(msg, k.Edit) || key.Matches(msg, k.Delete)):
		s.status, s.err = "set by --respond for this run: change the flag to change it", true
	case key.Matches(msg, k.Edit):
		switch it.kind {
		case settingSecret:
			return nil, newPrompt(secretLabel(it.key), "", true, func(v string) (tea.Cmd, error) {
				v = strings.TrimSpace(v)
				if v == "" {
					return nil, fmt.Errorf("empty: press esc to keep the current one, or d on the list to remove it")
				}
				return s.apply(func(p *policy.Policy) { p.Secrets[it.key] = v }), nil
			})
		case settingResponse:
			return nil, s.responsePrompt(it.index)
		case settingAddResponse:
			return nil, s.responsePrompt(-1)
		case settingHandshake:
			return s.apply(func(p *policy.Policy) { p.NoHandshakes[it.key] = !p.NoHandshakes[it.key] }), nil
		case settingReject:
			return s.apply(func(p *policy.Policy) { p.RejectInvalid = !p.RejectInvalid }), nil
		}
	}
	return nil, nil
}

func secretLabel(id string) string {
	if id == policy.MetaVerifyTokenKey {
		return "Meta verify token"
	}
	return provider.Name(id) + " secret"
}

// responsePrompt edits rule i (or adds one when i < 0) in --respond syntax.
func (s *settingsScreen) responsePrompt(i int) *prompt {
	value := ""
	if i >= 0 {
		value = s.policy().Responses[i].String()
	}
	p := newPrompt("response ([/prefix] status|seq=500,200 [rate=30% after=3 retry-after=5 delay=2s drip=10s hang reset body=… header='K: V'])", value, false, func(v string) (tea.Cmd, error) {
		r, file, err := policy.ParseResponseSpec(v)
		if err != nil {
			return nil, err
		}
		if file == "" {
			return s.setResponse(i, r), nil
		}
		// body=@FILE: read in a command, never in Update.
		return func() tea.Msg {
			err := policy.ReadResponseBody(v, file, &r)
			return responseReadMsg{index: i, rule: r, err: err}
		}, nil
	})
	p.input.Placeholder = "/stripe 503 delay=2s"
	return p
}

// responseReadMsg carries a rule whose body=@FILE was read.
type responseReadMsg struct {
	index int
	rule  policy.ResponseRule
	err   error
}

func (s *settingsScreen) responseRead(m responseReadMsg) tea.Cmd {
	if m.err != nil {
		s.status, s.err = m.err.Error(), true
		return nil
	}
	return s.setResponse(m.index, m.rule)
}

// setResponse replaces rule i, or adds r when i < 0.
func (s *settingsScreen) setResponse(i int, r policy.ResponseRule) tea.Cmd {
	return s.apply(func(p *policy.Policy) {
		if i >= 0 && i < len(p.Responses) {
			p.Responses[i] = r
			return
		}
		p.Responses = append(p.Responses, r)
	})
}

func (s *settingsScreen) render(w, h int) string {
	st := &s.common.styles
	p := s.policy()
	lines := make([]string, 0, len(s.items)+2)
	for i, it := range s.items {
		var line string
		switch it.kind {
		case settingHeading:
			line = st.Bold.Render(it.label)
		case settingSecret:
			line = "  " + padTo(secretLabel(it.key), 26) + s.secretValue(p, it.key)
		case settingResponse:
			line = s.ruleLine(p.Responses[it.index])
		case settingFlagResponse:
			line = s.ruleLine(s.flagRules()[it.index]) + st.Warn.Render("  (--respond, this run only)")
		case settingAddResponse:
			line = "  " + st.Muted.Render("+ add a response") + s.flagNote("responses")
			if len(p.Responses) == 0 && len(s.flagRules()) == 0 {
				line += st.Muted.Render("   (none: gaff answers 200 {\"ok\":true})")
			}
		case settingReject:
			line = "  " + checkbox(p.RejectInvalid) + " refuse invalid signatures with 401" + s.flagNote("reject_invalid")
		case settingHandshake:
			line = "  " + checkbox(!p.NoHandshakes[it.key] && !p.NoHandshakes["all"]) + " " + it.key + s.flagNote("handshake."+it.key) + s.flagNote("handshake.all")
		}
		if i == s.cursor {
			// One style across the line: the bar spans it.
			line = st.Selected.Render(fit(ansi.Strip(line), w-2))
		}
		lines = append(lines, line)
	}
	// The status keeps the last line, whatever the scroll, so "saved" or
	// "not saved: …" is seen on a short terminal too.
	inner := h - 2
	var status []string
	if s.status != "" {
		style := st.OK
		if s.err {
			style = st.Error
		}
		status = wrapLines(style, s.status, w-2, 2)
		inner -= len(status)
	}
	top := 0
	if s.cursor >= inner {
		top = s.cursor - inner + 1
	}
	lines = lines[min(top, len(lines)):]
	lines = append(lines[:min(inner, len(lines))], status...)
	return st.box("settings", lines, w, h, true)
}

// secretValue is a secret masked, or what sets it for this run: a flag's
// secret is in force even with none saved.
func (s *settingsScreen) secretValue(p *policy.Policy, id string) string {
	st := &s.common.styles
	flag := s.override("secret." + id)
	switch sec := p.Secrets[id]; {
	case sec != "" && flag != "":
		return st.OK.Render(policy.Mask(sec)) + st.Warn.Render("  ("+flag+" applies over this, this run only)")
	case sec != "":
		return st.OK.Render(policy.Mask(sec))
	case flag != "":
		return st.Warn.Render("set by " + flag + " (this run)")
	}
	return st.Muted.Render("not set")
}

func checkbox(on bool) string {
	if on {
		return "[x]"
	}
	return "[ ]"
}
