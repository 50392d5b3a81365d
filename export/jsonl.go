package export

import (
	"bufio"
	"context"

	"gaff/storage"
)

// writeJSONL writes one JSON object per capture, in the shape --headless
// and list --json print (see JSON).
func writeJSONL(ctx context.Context, db *storage.DB, w *bufio.Writer, opt Options) error {
	return eachRequest(ctx, db, opt, func(r *storage.Request) error {
		w.Write(JSON(r))
		return w.WriteByte('\n')
	})
}
