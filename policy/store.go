package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"gaff/storage"
)

// Settings keys under which the policy is kept between runs.
const (
	secretPrefix     = "secret."
	responsesKey     = "responses"
	noHandshakesKey  = "handshakes.off"
	rejectInvalidKey = "reject_invalid"
)

// Load reads the policy saved from the TUI in earlier runs.
func Load(ctx context.Context, db *storage.DB) (*Policy, error) {
	p := &Policy{Secrets: map[string]string{}, NoHandshakes: map[string]bool{}}
	secrets, err := db.SettingsWithPrefix(ctx, secretPrefix)
	if err != nil {
		return nil, err
	}
	for k, v := range secrets {
		p.Secrets[strings.TrimPrefix(k, secretPrefix)] = v
	}
	if v, ok, err := db.Setting(ctx, responsesKey); err != nil {
		return nil, err
	} else if ok {
		if err := json.Unmarshal([]byte(v), &p.Responses); err != nil {
			return nil, fmt.Errorf("the saved responses are damaged (%v); set them again in the TUI", err)
		}
	}
	if v, ok, err := db.Setting(ctx, noHandshakesKey); err != nil {
		return nil, err
	} else if ok {
		var kinds []string
		if err := json.Unmarshal([]byte(v), &kinds); err != nil {
			return nil, fmt.Errorf("the saved handshake switches are damaged (%v); set them again in the TUI", err)
		}
		for _, k := range kinds {
			p.NoHandshakes[k] = true
		}
	}
	v, _, err := db.Setting(ctx, rejectInvalidKey)
	p.RejectInvalid = v == "1"
	return p, err
}

// Save stores every part of p the TUI edits, in one transaction. The
// caller passes the saved layer only: flags given for one run are applied
// over it (see Layered) and never saved.
func Save(ctx context.Context, db *storage.DB, p *Policy) error {
	old, err := db.SettingsWithPrefix(ctx, secretPrefix)
	if err != nil {
		return err
	}
	kv := map[string]string{}
	for k := range old {
		kv[k] = "" // deleted unless still set below
	}
	for id, v := range p.Secrets {
		kv[secretPrefix+id] = v
	}
	kv[responsesKey] = ""
	if len(p.Responses) > 0 {
		rules, _ := json.Marshal(p.Responses)
		kv[responsesKey] = string(rules)
	}
	var kinds []string
	for k, off := range p.NoHandshakes {
		if off {
			kinds = append(kinds, k)
		}
	}
	kv[noHandshakesKey] = ""
	if len(kinds) > 0 {
		off, _ := json.Marshal(kinds)
		kv[noHandshakesKey] = string(off)
	}
	kv[rejectInvalidKey] = ""
	if p.RejectInvalid {
		kv[rejectInvalidKey] = "1"
	}
	return db.SetSettings(ctx, kv)
}
