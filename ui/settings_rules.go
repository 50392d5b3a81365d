package ui

import (
	"fmt"
	"strings"

	"gaff/policy"
	"gaff/sanitize"
)

// flagRules are the rules this run's --respond flags set, which the
// settings screen shows (with their state) but cannot edit.
func (s *settingsScreen) flagRules() []policy.ResponseRule {
	if s.common.deps.Policy == nil {
		return nil
	}
	return s.common.deps.Policy.FlagRules()
}

func (s *settingsScreen) states() *policy.RuleStates {
	if s.common.deps.Policy == nil {
		return nil
	}
	return s.common.deps.Policy.States()
}

// ruleLine is a rule in --respond syntax with its state: the counters are
// atomics in memory, read without waiting on the capture path
// (ARCHITECTURE.md, "Answers that change over time").
func (s *settingsScreen) ruleLine(r policy.ResponseRule) string {
	st := &s.common.styles
	prefix := r.Prefix
	if prefix == "" {
		prefix = "(every path)"
	}
	c := s.states().Counts(r)
	status := r.Status
	if len(r.Seq) > 0 {
		status = r.Seq[r.Step(c)]
	}
	spec := strings.TrimPrefix(strings.TrimPrefix(r.String(), r.Prefix), " ")
	return "  " + padTo(sanitize.Line(prefix), 26) + st.statusStyle(status).Render(sanitize.Line(spec)) +
		st.Muted.Render("  "+ruleState(r, c))
}

// ruleState says where a rule is: the step of a sequence, and how many
// requests it matched and answered itself (the others got the default
// answer: before after=, or outside rate=). A hang or reset rule answers
// none of its own, so its count says what it did instead.
func ruleState(r policy.ResponseRule, c policy.RuleCounts) string {
	did := "answered"
	switch {
	case r.Hang:
		did = "held unanswered"
	case r.Reset:
		did = "reset"
	}
	state := fmt.Sprintf("%d matched, %d %s", c.Matched, c.Answered, did)
	if len(r.Seq) > 0 {
		state = fmt.Sprintf("step %d/%d · ", r.Step(c)+1, len(r.Seq)) + state
	}
	return state
}

// statusText is gaff's answer as the list and detail show it, at least
// width wide: a hang or reset rule never answered, and its row has status
// 0 (ARCHITECTURE.md, "Answers that change over time").
func statusText(status, width int) string {
	if status == 0 {
		return fmt.Sprintf("%*s", width, "—")
	}
	return fmt.Sprintf("%*d", width, status)
}

// resetCounts starts every rule afresh; memory only, so it is done here
// rather than in a command.
func (s *settingsScreen) resetCounts() {
	s.states().Reset()
	s.status, s.err = "rule counts reset: sequences start again from their first status", false
}
