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
	secrets       []string
	responds      []string
	noHandshakes  []string
	rejectInvalid bool
}

func (f *policyFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	fl.StringArrayVar(&f.secrets, "secret", nil, "PROVIDER=SECRET to check signatures and answer handshakes (repeatable; e.g. github=…, stripe=whsec_…, discord=PUBLIC_KEY_HEX, meta-verify-token=…)")
	fl.StringArrayVar(&f.responds, "respond", nil, "answer with '[PREFIX] STATUS [delay=D] [body=TEXT|@FILE] [header=\"K: V\"]' (repeatable)")
	fl.StringArrayVar(&f.noHandshakes, "no-handshake", nil, "do not answer this URL handshake (repeatable; a kind like slack-url-verification, or all)")
	fl.BoolVar(&f.rejectInvalid, "reject-invalid", false, "answer 401 to requests whose signature is invalid")
}

// secretAliases are names users type for provider ids.
var secretAliases = map[string]string{"svix": provider.StandardWebhooks, "standard": provider.StandardWebhooks,
	"twitter": provider.X, "graph": provider.MSGraph, "microsoft": provider.MSGraph}

// layeredPolicy is the policy in two layers: the one saved from the TUI,
// which the settings screen edits and saves, and this run's flags over it,
// which are applied but never saved.
type layeredPolicy struct {
	h       *capture.Handler
	mu      sync.Mutex
	saved   *capture.Policy
	flags   policyFlags
	overlay func(*capture.Policy) *capture.Policy
	notes   map[string]string
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
	l.h.SetPolicy(l.overlay(p))
}

// Overrides names what this run's flags set over the saved layer, by
// settings key ("secret.github", "reject_invalid", "responses", "handshake.KIND").
func (l *layeredPolicy) Overrides() map[string]string { return l.notes }

// policy loads the saved layer and checks the flags; the handler is set
// to both combined.
func (f *policyFlags) policy(ctx context.Context, db *storage.DB, h *capture.Handler) (*layeredPolicy, error) {
	saved, err := capture.LoadPolicy(ctx, db)
	if err != nil {
		return nil, err
	}
	secrets := map[string]string{}
	notes := map[string]string{}
	for _, s := range f.secrets {
		id, secret, ok := strings.Cut(s, "=")
		id = strings.ToLower(strings.TrimSpace(id))
		if alias, ok := secretAliases[id]; ok {
			id = alias
		}
		if !ok || secret == "" {
			return nil, fmt.Errorf("--secret %q: write PROVIDER=SECRET, e.g. --secret github=mysecret", capture.Mask(s))
		}
		if !slices.Contains(provider.IDs(), id) && id != capture.MetaVerifyTokenKey {
			return nil, fmt.Errorf("--secret: %q is not a provider gaff knows (%s, %s)", id, strings.Join(provider.IDs(), ", "), capture.MetaVerifyTokenKey)
		}
		secrets[id] = secret
		notes["secret."+id] = "--secret " + id
	}
	var rules []capture.ResponseRule
	for _, spec := range f.responds {
		r, err := capture.ParseResponseRule(spec)
		if err != nil {
			return nil, err
		}
		rules = append(rules, r)
		notes["responses"] = "--respond"
	}
	for _, k := range f.noHandshakes {
		if k != "all" && !slices.Contains(provider.HandshakeKinds(), k) {
			return nil, fmt.Errorf("--no-handshake %q: not a handshake gaff answers; use all or one of %s", k, strings.Join(provider.HandshakeKinds(), ", "))
		}
		notes["handshake."+k] = "--no-handshake " + k
	}
	if f.rejectInvalid {
		notes["reject_invalid"] = "--reject-invalid"
	}
	overlay := func(p *capture.Policy) *capture.Policy {
		e := p.Clone()
		for id, v := range secrets {
			e.Secrets[id] = v
		}
		for _, r := range rules {
			e.Responses = slices.DeleteFunc(e.Responses, func(x capture.ResponseRule) bool { return x.Prefix == r.Prefix })
			e.Responses = append(e.Responses, r)
		}
		for _, k := range f.noHandshakes {
			e.NoHandshakes[k] = true
		}
		e.RejectInvalid = e.RejectInvalid || f.rejectInvalid
		return e
	}
	l := &layeredPolicy{h: h, flags: *f, overlay: overlay, notes: notes}
	l.SetPolicy(saved)
	return l, nil
}
