package cli

import (
	"bufio"
	"fmt"
	"os"

	"github.com/spf13/cobra"

	"gaff/export"
	"gaff/sanitize"
	"gaff/storage"
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
				fmt.Printf("%s\n", export.JSON(r))
				return nil
			}
			printRequest(r)
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print as JSON")
	return cmd
}

// printRequest writes a request as HTTP text. Everything from the network
// goes through the sanitiser: this is printed on a terminal too.
func printRequest(r *storage.Request) {
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	fmt.Fprintf(w, "# request %d, %s, from %s, answered %d\n", r.ID, r.Time.Format("2006-01-02 15:04:05.000 MST"), sanitize.Line(r.RemoteAddr), r.Status)
	if r.Note != "" {
		fmt.Fprintf(w, "# %s\n", sanitize.Line(r.Note))
	}
	fmt.Fprintf(w, "%s %s %s\n", sanitize.Line(r.Method), sanitize.Line(r.Target), sanitize.Line(r.Proto))
	for _, h := range r.Headers {
		fmt.Fprintf(w, "%s: %s\n", sanitize.Line(h.Name), sanitize.Line(h.Value))
	}
	fmt.Fprintln(w)
	w.WriteString(sanitize.Bytes(r.Body))
	if len(r.Body) > 0 && r.Body[len(r.Body)-1] != '\n' {
		w.WriteByte('\n')
	}
}
