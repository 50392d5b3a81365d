package cli

import (
	"os"

	"github.com/spf13/cobra"

	"gaff/export"
)

func exportCmd(dbf *dbFlags, version string) *cobra.Command {
	var format, to string
	var red redactFlags
	cmd := &cobra.Command{
		Use:   "export [ID...]",
		Short: "Write captured requests as JSON lines, HAR or a curl script",
		Long: `Write the captured requests ID... (default: all, oldest first) to stdout:
  jsonl  one JSON object per request, as gaff list --json prints (default)
  har    HAR 1.2, for browser devtools, Postman and Insomnia
  curl   a sh script with one curl command per request, bodies byte for byte
With --to, har and curl send the requests to that base URL instead of the
URL the sender used. Exports stream: any number of requests, little memory.
With --redact, secrets and e-mail addresses are replaced in every format
(docs/redaction.md lists what); the database keeps the captures as they came.`,
		RunE: func(cmd *cobra.Command, args []string) error {
			opt := export.Options{Format: format, Base: to, Version: version}
			var err error
			if opt.Redact, err = red.options(); err != nil {
				return err
			}
			if err := opt.Check(); err != nil {
				return err
			}
			for _, a := range args {
				id, err := parseID(a)
				if err != nil {
					return err
				}
				opt.IDs = append(opt.IDs, id)
			}
			db, err := openRead(dbf)
			if err != nil {
				return err
			}
			defer db.Close()
			return export.Write(cmd.Context(), db, os.Stdout, opt)
		},
	}
	cmd.Flags().StringVar(&format, "format", export.FormatJSONL, "jsonl, har or curl")
	cmd.Flags().StringVar(&to, "to", "", "har and curl: send to this base URL instead of the sender's")
	red.add(cmd)
	return cmd
}
