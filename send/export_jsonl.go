package send

import (
	"bufio"
	"context"

	"gaff/storage"
)

// exportJSONL writes one JSON object per capture, in the shape --headless
// and list --json print (DESIGN.md § Interfaces).
func exportJSONL(ctx context.Context, db *storage.DB, w *bufio.Writer, opt ExportOptions) error {
	return eachRequest(ctx, db, opt.IDs, func(r *storage.Request) error {
		b, err := r.MarshalJSON()
		if err != nil {
			return err
		}
		w.Write(b)
		return w.WriteByte('\n')
	})
}
