package main

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// policy merges the policy saved from the TUI with this run's flags; flags
// win for this run and are not saved unless the user saves from the TUI.
func (f *policyFlags) policy(ctx context.Context, db *storage.DB) (*capture.Policy, error) {
	p, err := capture.LoadPolicy(ctx, db)
	if err != nil {
		return nil, err
	}
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
		p.Secrets[id] = secret
	}
	for _, spec := range f.responds {
		r, err := capture.ParseResponseRule(spec)
		if err != nil {
			return nil, err
		}
		p.Responses = slices.DeleteFunc(p.Responses, func(x capture.ResponseRule) bool { return x.Prefix == r.Prefix })
		p.Responses = append(p.Responses, r)
	}
	for _, k := range f.noHandshakes {
		if k != "all" && !slices.Contains(provider.HandshakeKinds(), k) {
			return nil, fmt.Errorf("--no-handshake %q: not a handshake gaff answers; use all or one of %s", k, strings.Join(provider.HandshakeKinds(), ", "))
		}
		p.NoHandshakes[k] = true
	}
	if f.rejectInvalid {
		p.RejectInvalid = true
	}
	return p, nil
}
