package policy

import (
	"context"
	"slices"
	"sync"

	"gaff/storage"
)

// Overrides are what this run's flags set over the saved policy, checked.
// They apply for the run and are never saved.
type Overrides struct {
	Secrets       map[string]string // by provider id
	Rules         []ResponseRule    // each replaces a saved rule of its prefix
	NoHandshakes  []string          // handshake kinds, or "all"
	RejectInvalid bool
	// Seed, when set, makes rate= rules draw the same answers every run
	// (--respond-seed).
	Seed    uint64
	SeedSet bool
	// Notes say what sets each setting, by settings key ("secret.github",
	// "reject_invalid", "responses", "handshake.KIND"): the flag or the
	// variable, for the settings screen to show.
	Notes map[string]string
}

// over is saved with o over it.
func (o *Overrides) over(saved *Policy) *Policy {
	e := saved.Clone()
	if o == nil {
		return e
	}
	for id, v := range o.Secrets {
		e.Secrets[id] = v
	}
	for _, r := range o.Rules {
		e.Responses = slices.DeleteFunc(e.Responses, func(x ResponseRule) bool { return x.Prefix == r.Prefix })
		e.Responses = append(e.Responses, r)
	}
	for _, k := range o.NoHandshakes {
		e.NoHandshakes[k] = true
	}
	e.RejectInvalid = e.RejectInvalid || o.RejectInvalid
	return e
}

// Layered is the policy in two layers: the one saved from the TUI, which
// the settings screen edits and saves, and this run's overrides over it,
// which are applied but never saved.
type Layered struct {
	mu      sync.Mutex
	saved   *Policy
	inForce *Policy // saved with the overrides over it
	o       *Overrides
	apply   func(*Policy)
	states  *RuleStates
}

// Layer loads the saved policy and puts it in force with o (which may be
// nil) over it: apply (the capture handler's SetPolicy) gets the policy in
// force now and after every change; it may be nil where nothing captures.
func Layer(ctx context.Context, db *storage.DB, o *Overrides, apply func(*Policy)) (*Layered, error) {
	saved, err := Load(ctx, db)
	if err != nil {
		return nil, err
	}
	seed := RandomSeed()
	if o != nil && o.SeedSet {
		seed = o.Seed
	}
	l := &Layered{o: o, apply: apply, states: NewRuleStates(seed)}
	l.SetPolicy(saved)
	return l, nil
}

// Policy is the saved layer (what the settings screen shows and edits).
func (l *Layered) Policy() *Policy {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.saved
}

// SetPolicy replaces the saved layer and puts it, with the overrides over
// it, in force.
func (l *Layered) SetPolicy(p *Policy) {
	e := l.o.over(p)
	e.State = l.states
	l.mu.Lock()
	l.saved, l.inForce = p, e
	l.mu.Unlock()
	if l.apply != nil {
		l.apply(e)
	}
}

// States is where the rules in force keep count, for the settings screen
// to show and reset.
func (l *Layered) States() *RuleStates { return l.states }

// FlagRules are the rules this run's --respond flags put over the saved
// ones.
func (l *Layered) FlagRules() []ResponseRule {
	if l.o == nil {
		return nil
	}
	return l.o.Rules
}

// Overrides names what this run's flags set over the saved layer, by
// settings key (see Overrides.Notes).
func (l *Layered) Overrides() map[string]string {
	if l.o == nil {
		return nil
	}
	return l.o.Notes
}

// Secret is the secret in force for a provider id, if one is set.
func (l *Layered) Secret(id string) (string, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	s := l.inForce.Secrets[id]
	return s, s != ""
}
