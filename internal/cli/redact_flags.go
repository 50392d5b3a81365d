package cli

import (
	"github.com/spf13/cobra"

	"gaff/redact"
)

// redactFlags are --redact and --redact-field, on every command that
// writes captures out of the database (docs/redaction.md).
type redactFlags struct {
	on     bool
	fields []string
}

func (f *redactFlags) add(cmd *cobra.Command) {
	cmd.Flags().BoolVar(&f.on, "redact", false, "replace secrets and e-mail addresses with placeholders, keeping the shape (see docs/redaction.md)")
	cmd.Flags().StringArrayVar(&f.fields, "redact-field", nil, "also redact this JSON/form field: a key at any depth (token) or a path (.data.object.customer); implies --redact; repeatable")
}

// options are the redaction asked for, nil for none; a bad field is the
// user's to fix.
func (f *redactFlags) options() (*redact.Options, error) {
	if !f.on && len(f.fields) == 0 {
		return nil, nil
	}
	opt := &redact.Options{Fields: f.fields}
	if err := opt.Check(); err != nil {
		return nil, badInput(err)
	}
	return opt, nil
}
