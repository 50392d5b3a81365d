package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"gaff/policy"
	"gaff/provider"
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

// parse checks the flags (and reads the secrets given by file or
// environment) before anything is opened, so a bad one stops gaff early.
func (f *policyFlags) parse() (*policy.Overrides, error) {
	secrets, from, err := f.resolve()
	if err != nil {
		return nil, err
	}
	p := &policy.Overrides{Secrets: secrets, NoHandshakes: f.noHandshakes, RejectInvalid: f.rejectInvalid, Notes: map[string]string{}}
	for id, src := range from {
		p.Notes["secret."+id] = src
	}
	for _, spec := range f.responds {
		r, err := policy.ParseResponseRule(spec)
		if err != nil {
			return nil, err
		}
		p.Rules = append(p.Rules, r)
		p.Notes["responses"] = "--respond"
	}
	for _, k := range f.noHandshakes {
		if k != "all" && !slices.Contains(provider.HandshakeKinds(), k) {
			return nil, fmt.Errorf("--no-handshake %q: not a handshake gaff answers; use all or one of %s", k, strings.Join(provider.HandshakeKinds(), ", "))
		}
		p.Notes["handshake."+k] = "--no-handshake " + k
	}
	if f.rejectInvalid {
		p.Notes["reject_invalid"] = "--reject-invalid"
	}
	return p, nil
}
