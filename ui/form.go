package ui

import (
	"strings"

	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/textarea"
	"charm.land/bubbles/v2/textinput"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"gaff/sanitize"
)

type fieldKind int

const (
	fieldText fieldKind = iota
	fieldSecret
	fieldChoice
	fieldArea
	fieldToggle
)

// formField is one row of a form: a line of text, a masked secret, a
// choice among values (←/→), several lines, or an on/off switch.
type formField struct {
	key     string
	label   string
	kind    fieldKind
	input   textinput.Model
	area    textarea.Model
	choices []string
	choice  int
	on      bool
	hint    string
	// when, if set, says whether the field is offered given the others
	// (a switch that means nothing until another field has a value); a
	// field not offered is skipped by tab, not drawn, and reads empty.
	when func(f *form) bool
}

// steadyInput is a one-line input with a steady cursor: a blinking one is
// a timer firing forever.
func steadyInput(value string) textinput.Model {
	in := textinput.New()
	in.Prompt = ""
	st := in.Styles()
	st.Cursor.Blink = false
	in.SetStyles(st)
	in.SetValue(value)
	return in
}

// steadyArea is a text area with a steady cursor and no line numbers.
func steadyArea(value string) textarea.Model {
	ta := textarea.New()
	ta.ShowLineNumbers = false
	ta.Prompt = ""
	ta.MaxContentHeight = 1 << 20
	ta.MaxWidth = 0
	st := ta.Styles()
	st.Cursor.Blink = false
	ta.SetStyles(st)
	ta.SetValue(value)
	ta.Blur()
	return ta
}

// filled is what a form field was filled with: the text the widget shows
// and the value it stands for. A field left as it was sends that value,
// byte for byte, not the widget's rendering of it: widgets show network
// text through the sanitiser, and the text areas rewrite tabs and \r.
type filled[T any] struct {
	text  string
	value T
}

// read is the field's value given its text now: the value it was filled
// with while the text is unchanged, else what edited makes of the text.
func (f filled[T]) read(text string, edited func(string) (T, error)) (T, error) {
	if text == f.text {
		return f.value, nil
	}
	return edited(text)
}

func trimmed(s string) (string, error) { return strings.TrimSpace(s), nil }

func asBytes(s string) ([]byte, error) { return []byte(s), nil }

func textField(key, label, value, hint string) *formField {
	return &formField{key: key, label: label, kind: fieldText, input: steadyInput(value), hint: hint}
}

func secretField(key, label, value, hint string) *formField {
	f := textField(key, label, value, hint)
	f.kind = fieldSecret
	f.input.EchoMode = textinput.EchoPassword
	f.input.EchoCharacter = '•'
	return f
}

func choiceField(key, label string, choices []string, value string) *formField {
	f := &formField{key: key, label: label, kind: fieldChoice, choices: choices}
	for i, c := range choices {
		if c == value {
			f.choice = i
		}
	}
	return f
}

func areaField(key, label, value, hint string) *formField {
	return &formField{key: key, label: label, kind: fieldArea, area: steadyArea(value), hint: hint}
}

func toggleField(key, label string, on bool) *formField {
	return &formField{key: key, label: label, kind: fieldToggle, on: on}
}

func (f *formField) value() string {
	switch f.kind {
	case fieldChoice:
		return f.choices[f.choice]
	case fieldArea:
		return f.area.Value()
	case fieldToggle:
		if f.on {
			return "on"
		}
		return ""
	}
	return f.input.Value()
}

func (f *formField) set(v string) {
	switch f.kind {
	case fieldArea:
		f.area.SetValue(v)
	case fieldText, fieldSecret:
		f.input.SetValue(v)
		f.input.CursorEnd()
	}
}

// form is a small stack of fields with a submit action. Submit returns an
// error to keep the form open and show it; extra keys (generate a secret)
// are the owner's.
type form struct {
	common *common
	title  string
	fields []*formField
	focus  int
	err    string
	submit func(v map[string]string) (tea.Cmd, error)
	extra  func(f *form, msg tea.KeyPressMsg) (handled bool, cmd tea.Cmd)
	keys   []key.Binding // shown in the help bar besides the form's own
	// submitHelp says what ctrl+s does here ("save", "fire").
	submitHelp string
}

func (f *form) bindings() []key.Binding {
	k := &f.common.keys.Form
	submit := k.Submit
	if f.submitHelp != "" {
		submit = key.NewBinding(key.WithKeys(submit.Keys()...), key.WithHelp(submit.Help().Key, f.submitHelp))
	}
	return append([]key.Binding{k.Cancel, submit, k.Next}, f.keys...)
}

func newForm(c *common, title string, fields ...*formField) *form {
	f := &form{common: c, title: title, fields: fields}
	f.setFocus(0)
	return f
}

func (f *form) field(key string) *formField {
	for _, x := range f.fields {
		if x.key == key {
			return x
		}
	}
	return nil
}

func (f *form) values() map[string]string {
	v := map[string]string{}
	for _, x := range f.fields {
		if f.offered(x) {
			v[x.key] = x.value()
		} else {
			v[x.key] = ""
		}
	}
	return v
}

func (f *form) offered(x *formField) bool { return x.when == nil || x.when(f) }

// step moves the focus by delta over the fields offered.
func (f *form) step(delta int) {
	i := f.focus
	for range f.fields {
		i += delta
		if f.offered(f.fields[((i%len(f.fields))+len(f.fields))%len(f.fields)]) {
			break
		}
	}
	f.setFocus(i)
}

func (f *form) setFocus(i int) {
	n := len(f.fields)
	f.focus = ((i % n) + n) % n
	for k, x := range f.fields {
		switch x.kind {
		case fieldText, fieldSecret:
			x.input.Blur()
			if k == f.focus {
				x.input.Focus()
			}
		case fieldArea:
			x.area.Blur()
			if k == f.focus {
				x.area.Focus()
			}
		}
	}
}

// key handles a key; done closes the form.
func (f *form) key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd) {
	k := &f.common.keys.Form
	cur := f.fields[f.focus]
	if f.extra != nil {
		if handled, cmd := f.extra(f, msg); handled {
			return false, cmd
		}
	}
	switch {
	case key.Matches(msg, k.Cancel):
		return true, nil
	case key.Matches(msg, k.Submit):
		cmd, err := f.submit(f.values())
		if err != nil {
			f.err = err.Error()
			return false, nil
		}
		return true, cmd
	case key.Matches(msg, k.Next), cur.kind != fieldArea && key.Matches(msg, k.Down):
		f.step(1)
		return false, nil
	case key.Matches(msg, k.Prev), cur.kind != fieldArea && key.Matches(msg, k.Up):
		f.step(-1)
		return false, nil
	}
	f.err = ""
	switch cur.kind {
	case fieldChoice:
		switch msg.String() {
		case "left", "h":
			cur.choice = (cur.choice + len(cur.choices) - 1) % len(cur.choices)
		case "right", "l", "space", "enter":
			cur.choice = (cur.choice + 1) % len(cur.choices)
		}
	case fieldToggle:
		if msg.String() == "space" || msg.String() == "enter" {
			cur.on = !cur.on
		}
	case fieldArea:
		cur.area, cmd = cur.area.Update(msg)
	default:
		if msg.String() == "enter" {
			f.step(1)
			return false, nil
		}
		cur.input, cmd = cur.input.Update(msg)
	}
	return false, cmd
}

func (f *form) render(w, h int) string {
	st := &f.common.styles
	inner := max(10, w-2)
	const labelW = 12
	areas, shown := 0, 0
	for _, x := range f.fields {
		if !f.offered(x) {
			continue
		}
		shown++
		if x.kind == fieldArea {
			areas++
		}
	}
	fixed := shown - areas + 2*areas + 2
	areaH := 3
	if areas > 0 {
		areaH = max(2, (h-2-fixed)/areas)
	}
	var lines []string
	for i, x := range f.fields {
		if !f.offered(x) {
			continue
		}
		label := padTo(x.label, labelW)
		if i == f.focus {
			label = st.TabActive.Render(label)
		} else {
			label = st.Muted.Render(label)
		}
		hint := ""
		if x.hint != "" && i == f.focus {
			hint = "  " + st.Muted.Render(x.hint)
		}
		switch x.kind {
		case fieldChoice:
			var parts []string
			for k, c := range x.choices {
				if k == x.choice {
					parts = append(parts, st.Selected.Render(c))
				} else {
					parts = append(parts, st.Muted.Render(c))
				}
			}
			lines = append(lines, label+"‹ "+strings.Join(parts, " ")+" ›"+hint)
		case fieldToggle:
			lines = append(lines, label+checkbox(x.on)+hint)
		case fieldArea:
			lines = append(lines, label+hint)
			x.area.SetWidth(inner)
			x.area.SetHeight(areaH)
			lines = append(lines, strings.Split(x.area.View(), "\n")...)
		default:
			x.input.SetWidth(max(4, inner-labelW-1-ansi.StringWidth(hint)))
			lines = append(lines, label+x.input.View()+hint)
		}
	}
	if f.err != "" {
		lines = append(lines, "", st.Error.Render(sanitize.Line(f.err)))
	}
	return st.box(f.title, lines, w, h, true)
}
