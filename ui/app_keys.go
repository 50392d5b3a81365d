package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// Every key goes to the top layer, or, with none open, to the global keys
// and then to the screen in view.

func (a *App) key(msg tea.KeyPressMsg) tea.Cmd {
	// Any key clears the flash, which may free a line for the screen.
	a.flash.now = ""
	return tea.Batch(a.routeKey(msg), a.layout())
}

func (a *App) routeKey(msg tea.KeyPressMsg) tea.Cmd {
	k := &a.common.keys.Global
	if key.Matches(msg, k.ForceQuit) {
		return a.quit()
	}
	if top := a.layers.top(); top != nil {
		done, cmd := top.key(msg)
		if done {
			a.layers.remove(top)
		}
		return cmd
	}
	switch {
	case key.Matches(msg, k.Quit):
		return a.quit()
	case key.Matches(msg, k.Help):
		return a.open(nil, &helpLayer{common: a.common})
	case key.Matches(msg, k.Log):
		return a.open(nil, newLogLayer(a.common, &a.flash))
	case key.Matches(msg, k.CopyURL):
		return tea.Batch(note("copied "+a.common.hookURL()), tea.SetClipboard(a.common.hookURL()))
	}
	if a.screen != screenRequests {
		return a.open(a.screenKey(msg))
	}
	switch {
	case key.Matches(msg, k.Settings):
		a.screen = screenSettings
		a.settings.rebuild()
		return nil
	case key.Matches(msg, k.Subscriptions):
		a.screen = screenSubs
		return a.subs.show(a.requests.onScreen())
	}
	return a.open(a.requests.key(msg))
}

func (a *App) quit() tea.Cmd {
	a.Close()
	return tea.Quit
}

// screenKey handles a key on the subscriptions or the settings screen;
// their back key returns to the requests.
func (a *App) screenKey(msg tea.KeyPressMsg) (tea.Cmd, layer) {
	k := &a.common.keys
	switch {
	case a.screen == screenSubs && a.subs.attemptsOf == 0 && key.Matches(msg, k.Subs.Back),
		a.screen == screenSettings && key.Matches(msg, k.Settings.Back):
		a.screen = screenRequests
		return nil, nil
	case a.screen == screenSubs:
		return a.subs.key(msg)
	}
	return a.settings.key(msg)
}
