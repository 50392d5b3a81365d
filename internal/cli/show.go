package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"gaff/export"
)

func showCmd(dbf *dbFlags) *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "show ID",
		Short: "Show one captured request whole",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			id, err := parseID(args[0])
			if err != nil {
				return err
			}
			db, err := openRead(dbf)
			if err != nil {
				return err
			}
			defer db.Close()
			r, err := db.GetRequest(cmd.Context(), id)
			if err != nil {
				return err
			}
			if asJSON {
				fmt.Fprintf(cmd.OutOrStdout(), "%s\n", export.JSON(r))
				return nil
			}
			notes, err := attemptNotes(cmd.Context(), db, r)
			if err != nil {
				return err
			}
			printRequest(cmd.OutOrStdout(), r, notes...)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}
