package ui

import "charm.land/bubbles/v2/key"

// KeyMap is every binding, grouped by where it applies. It is built once and
// shared read-only: no component mutates bindings.
type KeyMap struct {
	Global   GlobalKeys
	List     ListKeys
	Detail   DetailKeys
	Settings SettingsKeys
	Send     SendKeys
	Edit     EditKeys
	Form     FormKeys
	Subs     SubsKeys
}

// FormKeys move through and submit a form.
type FormKeys struct {
	Next, Prev, Up, Down, Submit, Cancel key.Binding
}

// SubsKeys act on the subscriptions screen.
type SubsKeys struct {
	Up, Down, Switch, New, Edit, Delete, Toggle, Fire, Retry, Cancel, Open, Back, Generate, Reveal key.Binding
}

// EditKeys work in the edit-and-send form.
type EditKeys struct {
	Next, Prev, Send, External, Resign, Cancel key.Binding
}

// SendKeys replay, edit and copy the selected request.
type SendKeys struct {
	Replay, ReplayResigned, Target, Edit, CopyCurl key.Binding
}

// SettingsKeys edit secrets, responses and handshakes.
type SettingsKeys struct {
	Up, Down, Edit, Add, Delete, ResetCounts, Back key.Binding
}

// GlobalKeys work on every screen.
type GlobalKeys struct {
	Help, Quit, ForceQuit, CopyURL, Settings, Subscriptions, Log key.Binding
}

// ListKeys move through the request list.
type ListKeys struct {
	Up, Down, PageUp, PageDown, Top, Bottom, Follow, Open, Search, ClearSearch, Delete key.Binding
	Mark, Diff, Arrivals                                                               key.Binding
}

// DetailKeys act on the open request.
type DetailKeys struct {
	Back, NextTab, PrevTab, Up, Down, PageUp, PageDown, Top, Bottom, Raw, Wrap key.Binding
	Find, NextMatch, PrevMatch, Left, Right                                    key.Binding
}

func bind(help, desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(help, desc))
}

// DefaultKeys is the key map the README's Keys table documents.
func DefaultKeys() KeyMap {
	return KeyMap{
		Global: GlobalKeys{
			Help:          bind("?", "help", "?"),
			Quit:          bind("q", "quit", "q"),
			ForceQuit:     bind("ctrl+c", "quit", "ctrl+c"),
			CopyURL:       bind("c", "copy URL", "c"),
			Settings:      bind("S", "settings", "S"),
			Subscriptions: bind("s", "subscriptions", "s"),
			Log:           bind("L", "message log", "L"),
		},
		List: ListKeys{
			Up:          bind("k/↑", "up", "k", "up"),
			Down:        bind("j/↓", "down", "j", "down"),
			PageUp:      bind("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown:    bind("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d", "space"),
			Top:         bind("g", "newest", "g", "home"),
			Follow:      bind("f", "follow on/off", "f"),
			Bottom:      bind("G", "oldest", "G", "end"),
			Open:        bind("enter", "open", "enter"),
			Search:      bind("/", "search", "/"),
			ClearSearch: bind("esc", "clear search", "esc"),
			Delete:      bind("d", "delete", "d", "delete"),
			Mark:        bind("m", "mark for diff", "m"),
			Diff:        bind("D", "diff with mark", "D"),
			Arrivals:    bind("A", "list arrivals", "A"),
		},
		Send: SendKeys{
			Replay:         bind("r", "replay", "r"),
			ReplayResigned: bind("R", "replay re-signed", "R"),
			Target:         bind("t", "replay target", "t"),
			Edit:           bind("e", "edit & send", "e"),
			CopyCurl:       bind("y", "copy as curl", "y"),
		},
		Edit: EditKeys{
			Next:     bind("tab", "next field", "tab"),
			Prev:     bind("shift+tab", "previous field", "shift+tab"),
			Send:     bind("ctrl+s", "send", "ctrl+s"),
			External: bind("ctrl+e", "body in $EDITOR", "ctrl+e"),
			Resign:   bind("ctrl+r", "re-sign on/off", "ctrl+r"),
			Cancel:   bind("esc", "cancel", "esc"),
		},
		Form: FormKeys{
			Next:   bind("tab", "next field", "tab"),
			Prev:   bind("shift+tab", "previous field", "shift+tab"),
			Up:     bind("↑", "previous field", "up"),
			Down:   bind("↓", "next field", "down"),
			Submit: bind("ctrl+s", "save", "ctrl+s"),
			Cancel: bind("esc", "cancel", "esc"),
		},
		Subs: SubsKeys{
			Up:       bind("k/↑", "up", "k", "up"),
			Down:     bind("j/↓", "down", "j", "down"),
			Switch:   bind("tab", "subscriptions/events", "tab"),
			New:      bind("n", "new", "n"),
			Edit:     bind("e", "edit", "e"),
			Delete:   bind("d", "delete", "d"),
			Toggle:   bind("space", "enable/disable", "space"),
			Fire:     bind("f", "fire an event", "f"),
			Retry:    bind("r", "retry now", "r"),
			Cancel:   bind("x", "cancel retries", "x"),
			Open:     bind("enter", "attempts", "enter"),
			Back:     bind("esc", "back", "esc", "s"),
			Generate: bind("ctrl+g", "generate secret", "ctrl+g"),
			Reveal:   bind("ctrl+r", "show/hide generated secret", "ctrl+r"),
		},
		Settings: SettingsKeys{
			Up:          bind("k/↑", "up", "k", "up"),
			Down:        bind("j/↓", "down", "j", "down"),
			Edit:        bind("enter", "edit/toggle", "enter", "space"),
			Add:         bind("a", "add response", "a"),
			Delete:      bind("d", "remove", "d", "delete"),
			ResetCounts: bind("r", "reset rule counts", "r"),
			Back:        bind("esc", "back", "esc", "S"),
		},
		Detail: DetailKeys{
			Back:     bind("esc", "back", "esc", "backspace"),
			NextTab:  bind("tab", "next tab", "tab", "l", "right"),
			PrevTab:  bind("shift+tab", "prev tab", "shift+tab", "h", "left"),
			Up:       bind("k/↑", "scroll up", "k", "up"),
			Down:     bind("j/↓", "scroll down", "j", "down"),
			PageUp:   bind("pgup", "page up", "pgup", "ctrl+b", "ctrl+u"),
			PageDown: bind("pgdn", "page down", "pgdown", "ctrl+f", "ctrl+d", "space"),
			Top:      bind("g", "top", "g", "home"),
			Bottom:   bind("G", "bottom", "G", "end"),
			Raw:      bind("v", "raw/pretty", "v"),
			Wrap:     bind("w", "wrap", "w"),
			// h/l and ←/→ already switch tabs, and ctrl+f pages down.
			Find:      bind("F", "find in body", "F"),
			NextMatch: bind("n", "next match", "n"),
			PrevMatch: bind("N", "previous match", "N"),
			Left:      bind("<", "scroll left (wrap off)", "<", "shift+left"),
			Right:     bind(">", "scroll right (wrap off)", ">", "shift+right"),
		},
	}
}
