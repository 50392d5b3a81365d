package ui

import (
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"
)

// layer is an overlay: a prompt, a confirm, a form, a picker, the help.
// Overlays are one stack: the top layer gets every key but ctrl+c, is
// drawn on top, and its bindings are the help bar.
type layer interface {
	// key handles a key; done takes the layer off the stack.
	key(msg tea.KeyPressMsg) (done bool, cmd tea.Cmd)
	// bindings are what the help bar offers while the layer is on top,
	// most needed first.
	bindings() []key.Binding
}

// bodyLayer draws over the screen's body.
type bodyLayer interface {
	layer
	render(w, h int) string
}

// lineLayer draws in the bottom lines instead of the help bar (a prompt),
// leaving the screen or the layer beneath it in view.
type lineLayer interface {
	layer
	lines(st *Styles, w int) []string
}

// stack is the open layers, bottom first.
type stack []layer

// push puts l on top, except over help: a layer that lands while help is
// open (an edit form that finished loading) waits beneath it, so the keys
// keep going to the help the user is reading.
func (s *stack) push(l layer) {
	if n := len(*s); n > 0 {
		if _, ok := (*s)[n-1].(*helpLayer); ok {
			*s = append((*s)[:n-1], l, (*s)[n-1])
			return
		}
	}
	*s = append(*s, l)
}

func (s stack) top() layer {
	if len(s) == 0 {
		return nil
	}
	return s[len(s)-1]
}

func (s *stack) remove(l layer) {
	for i := range *s {
		if (*s)[i] == l {
			*s = append((*s)[:i], (*s)[i+1:]...)
			return
		}
	}
}

// topBody is the highest layer that draws over the body, or nil.
func (s stack) topBody() bodyLayer {
	for i := len(s) - 1; i >= 0; i-- {
		if b, ok := s[i].(bodyLayer); ok {
			return b
		}
	}
	return nil
}

// topLine is the prompt drawn in the bottom lines when it is the top layer.
func (s stack) topLine() lineLayer {
	l, _ := s.top().(lineLayer)
	return l
}
