package policy

import (
	"math/rand/v2"
	"strconv"
	"sync"
	"sync/atomic"

	"gaff/storage"
)

// RuleStates is where the rules that change over time (seq=, rate=,
// after=) keep count: in memory, for this process only (ARCHITECTURE.md,
// "Answers that change over time"). Every policy swapped in by the
// settings screen shares one, so a rule the user did not edit carries on
// where it was; an edited rule is another rule and starts afresh.
type RuleStates struct {
	seed uint64
	mu   sync.Mutex
	m    map[string]*ruleState
}

type ruleState struct {
	matched  atomic.Int64 // requests that matched the rule
	answered atomic.Int64 // those the rule answered (not the default answer)
}

// RuleCounts is one rule's state at a moment.
type RuleCounts struct {
	Matched, Answered int64
}

// NewRuleStates makes the state of one run's rules; rate= draws follow
// from seed, so the same seed gives the same answers in the same order.
func NewRuleStates(seed uint64) *RuleStates {
	return &RuleStates{seed: seed, m: map[string]*ruleState{}}
}

// RandomSeed is the seed of a run without --respond-seed.
func RandomSeed() uint64 { return rand.Uint64() }

// of is the state of the rule whose text is k. Without states (a policy
// built by hand), every request is a rule's first.
func (s *RuleStates) of(k string) *ruleState {
	if s == nil {
		return &ruleState{}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.m[k]
	if st == nil {
		st = &ruleState{}
		s.m[k] = st
	}
	return st
}

// Counts is r's state now. It only reads atomics under a short lock, so
// the UI may call it from View.
func (s *RuleStates) Counts(r ResponseRule) RuleCounts {
	if s == nil {
		return RuleCounts{}
	}
	s.mu.Lock()
	st := s.m[r.String()]
	s.mu.Unlock()
	if st == nil {
		return RuleCounts{}
	}
	return RuleCounts{Matched: st.matched.Load(), Answered: st.answered.Load()}
}

// Reset starts every rule afresh: sequences from their first status,
// after= counts from zero.
func (s *RuleStates) Reset() {
	if s == nil {
		return
	}
	s.mu.Lock()
	s.m = map[string]*ruleState{}
	s.mu.Unlock()
}

// Step is the index in r.Seq of the status the next answer gets.
func (r *ResponseRule) Step(c RuleCounts) int {
	return int(min(c.Answered, int64(max(len(r.Seq)-1, 0))))
}

// answer is what rule gives the request it matched, or nil for the
// default answer (before after=, or outside rate=). It runs for every
// request the rule matches, so the rule's text (its key) is made once.
func (p *Policy) answer(rule *ResponseRule) *Answer {
	key := rule.String()
	st := p.State.of(key)
	n := st.matched.Add(1) - 1
	if n < int64(rule.After) {
		return nil
	}
	if rule.Rate > 0 && rule.Rate < 100 && !p.State.draw(key, uint64(n-int64(rule.After)), rule.Rate) {
		return nil
	}
	k := st.answered.Add(1) - 1
	status := rule.Status
	if len(rule.Seq) > 0 {
		status = rule.Seq[min(k, int64(len(rule.Seq)-1))]
	}
	hdr := rule.Header
	if rule.RetryAfter != "" {
		hdr = append(storage.Headers{{Name: "Retry-After", Value: rule.RetryAfter}}, hdr...)
	}
	return &Answer{Status: status, Header: hdr, Body: []byte(rule.Body), Delay: rule.Delay,
		Drip: rule.Drip, Hang: rule.Hang, Reset: rule.Reset}
}

// draw says whether the n-th request a rate= rule (whose text is k)
// considers is in its share. It hashes (seed, rule, n) rather than stepping a shared
// generator, so concurrent requests need no lock and a seed replays the
// same answers for the same order of requests.
func (s *RuleStates) draw(k string, n uint64, percent float64) bool {
	var seed uint64
	if s != nil {
		seed = s.seed
	}
	x := mix(seed ^ mix(fnv64(k)) ^ mix(n+0x9e3779b97f4a7c15))
	return float64(x>>11)/(1<<53)*100 < percent
}

// mix is splitmix64's finaliser.
func mix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ x>>30) * 0xbf58476d1ce4e5b9
	x = (x ^ x>>27) * 0x94d049bb133111eb
	return x ^ x>>31
}

func fnv64(s string) uint64 {
	h := uint64(14695981039346656037)
	for i := 0; i < len(s); i++ {
		h ^= uint64(s[i])
		h *= 1099511628211
	}
	return h
}

// formatRate writes a rate= share as it was given ("12.5%").
func formatRate(percent float64) string {
	return strconv.FormatFloat(percent, 'f', -1, 64) + "%"
}
