package main

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/spf13/cobra"

	"gaff/capture"
	"gaff/provider"
	"gaff/storage"
)

// policyFlags are the flags that decide how gaff answers captures.
type policyFlags struct {
	secretFlags
	responds      []string
	noHandshakes  []string
	rejectInvalid bool
}

func (f *policyFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.secretFlags.add(fl, "PROVIDER=SECRET to check signatures and answer handshakes (repeatable; e.g. github=…, stripe=whsec_…, discord=PUBLIC_KEY_HEX, meta-verify-token=…)")
	fl.StringArrayVar(&f.responds, "respond", nil, "answer with '[PREFIX] STATUS [delay=D] [body=TEXT|@FILE] [header=\"K: V\"]' (repeatable)")
	fl.StringArrayVar(&f.noHandshakes, "no-handshake", nil, "do not answer this URL handshake (repeatable; a kind like slack-url-verification, or all)")
	fl.BoolVar(&f.rejectInvalid, "reject-invalid", false, "answer 401 to requests whose signature is invalid")
}

// layeredPolicy is the policy in two layers: the one saved from the TUI,
// which the settings screen edits and saves, and this run's flags over it,
// which are applied but never saved.
type layeredPolicy struct {
	h     *capture.Handler
	mu    sync.Mutex
	saved *capture.Policy
	flags *flagPolicy
}

// Policy is the saved layer (what the settings screen shows and edits).
func (l *layeredPolicy) Policy() *capture.Policy {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.saved
}

// SetPolicy replaces the saved layer and puts it, with the flags over it,
// in force.
func (l *layeredPolicy) SetPolicy(p *capture.Policy) {
	l.mu.Lock()
	l.saved = p
	l.mu.Unlock()
	l.h.SetPolicy(l.flags.over(p))
}

// Overrides names what this run's flags set over the saved layer, by
// settings key ("secret.github", "reject_invalid", "responses", "handshake.KIND").
func (l *layeredPolicy) Overrides() map[string]string { return l.flags.notes }

// flagPolicy is what this run's flags set over the saved policy, checked.
type flagPolicy struct {
	secrets       map[string]string
	rules         []capture.ResponseRule
	noHandshakes  []string
	rejectInvalid bool
	notes         map[string]string // by settings key: what sets it
}

// parse checks the flags (and reads the secrets given by file or
// environment) before anything is opened, so a bad one stops gaff early.
func (f *policyFlags) parse() (*flagPolicy, error) {
	secrets, from, err := f.resolve()
	if err != nil {
		return nil, err
	}
	p := &flagPolicy{secrets: secrets, noHandshakes: f.noHandshakes, rejectInvalid: f.rejectInvalid, notes: map[string]string{}}
	for id, src := range from {
		p.notes["secret."+id] = src
	}
	for _, spec := range f.responds {
		r, err := capture.ParseResponseRule(spec)
		if err != nil {
			return nil, err
		}
		p.rules = append(p.rules, r)
		p.notes["responses"] = "--respond"
	}
	for _, k := range f.noHandshakes {
		if k != "all" && !slices.Contains(provider.HandshakeKinds(), k) {
			return nil, fmt.Errorf("--no-handshake %q: not a handshake gaff answers; use all or one of %s", k, strings.Join(provider.HandshakeKinds(), ", "))
		}
		p.notes["handshake."+k] = "--no-handshake " + k
	}
	if f.rejectInvalid {
		p.notes["reject_invalid"] = "--reject-invalid"
	}
	return p, nil
}

// over is saved with the flags over it.
func (p *flagPolicy) over(saved *capture.Policy) *capture.Policy {
	e := saved.Clone()
	for id, v := range p.secrets {
		e.Secrets[id] = v
	}
	for _, r := range p.rules {
		e.Responses = slices.DeleteFunc(e.Responses, func(x capture.ResponseRule) bool { return x.Prefix == r.Prefix })
		e.Responses = append(e.Responses, r)
	}
	for _, k := range p.noHandshakes {
		e.NoHandshakes[k] = true
	}
	e.RejectInvalid = e.RejectInvalid || p.rejectInvalid
	return e
}

// layer loads the saved policy and puts it in force on h with the flags
// over it.
func (p *flagPolicy) layer(ctx context.Context, db *storage.DB, h *capture.Handler) (*layeredPolicy, error) {
	saved, err := capture.LoadPolicy(ctx, db)
	if err != nil {
		return nil, err
	}
	l := &layeredPolicy{h: h, flags: p}
	l.SetPolicy(saved)
	return l, nil
}
