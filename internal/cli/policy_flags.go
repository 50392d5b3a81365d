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
	respondSeed   uint64
	seedGiven     func() bool // tells --respond-seed 0 from no seed
	noHandshakes  []string
	rejectInvalid bool
}

func (f *policyFlags) add(cmd *cobra.Command) {
	fl := cmd.Flags()
	f.secretFlags.add(fl, "PROVIDER=SECRET to check signatures and answer handshakes (repeatable; e.g. github=…, stripe=whsec_…, discord=PUBLIC_KEY_HEX, meta-verify-token=…)")
	fl.StringArrayVar(&f.responds, "respond", nil, "answer with '[PREFIX] STATUS [delay=D] [body=TEXT|@FILE] [header=\"K: V\"]' (repeatable); "+
		"over time: seq=500,500,200 (statuses in turn, the last sticks; STATUS may go), rate=30% (that share, the rest as usual), "+
		"after=3 (the first 3 as usual), retry-after=5; misbehave: drip=10s (body sent slowly), hang (no answer until the sender gives up, 5m at most), "+
		"reset (close the connection unanswered)")
	fl.Uint64Var(&f.respondSeed, "respond-seed", 0, "seed for --respond rate= rules, so a run's answers repeat (default: random each run)")
	f.seedGiven = func() bool { return fl.Changed("respond-seed") }
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
	if f.seedGiven != nil && f.seedGiven() {
		p.Seed, p.SeedSet = f.respondSeed, true
	}
	given := map[string]string{} // prefix → the --respond that set it
	for _, spec := range f.responds {
		r, err := policy.ParseResponseRule(spec)
		if err != nil {
			return nil, err
		}
		// The later rule would replace the earlier (policy.Overrides.Rules),
		// which would sit on the settings screen never matching.
		if first, ok := given[r.Prefix]; ok {
			return nil, fmt.Errorf("--respond %q: --respond %q already answers %s; give one rule a prefix, with all its words (e.g. '/x seq=500,200 retry-after=5')",
				spec, first, prefixName(r.Prefix))
		}
		given[r.Prefix] = spec
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

func prefixName(prefix string) string {
	if prefix == "" {
		return "every path"
	}
	return prefix
}
