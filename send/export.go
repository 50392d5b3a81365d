package send

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"gaff/storage"
)

// Export formats, as --format takes them.
const (
	FormatHAR   = "har"
	FormatCurl  = "curl"
	FormatJSONL = "jsonl"
)

// ExportOptions say what to export and how.
type ExportOptions struct {
	Format string
	// IDs are the captures to export, in this order; none means every
	// capture, oldest first.
	IDs []int64
	// Base, for har and curl, sends the requests to this base URL (as a
	// replay would) instead of the URL the sender used.
	Base string
	// Version is gaff's version, named as HAR's creator.
	Version string
}

// exportPage is how many captures are read at a time: exports stream, so a
// million captures take no more memory than one page.
const exportPage = 256

// Export writes captures to w in opt.Format. It streams: rows are read a
// page at a time by key, never all at once and never with OFFSET.
func Export(ctx context.Context, db *storage.DB, w io.Writer, opt ExportOptions) error {
	if err := opt.Check(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch opt.Format {
	case FormatHAR:
		err = exportHAR(ctx, db, bw, opt)
	case FormatCurl:
		err = exportCurl(ctx, db, bw, opt)
	default:
		err = exportJSONL(ctx, db, bw, opt)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Check says what is wrong with opt before anything is opened or written.
func (opt ExportOptions) Check() error {
	switch opt.Format {
	case FormatHAR, FormatCurl, FormatJSONL:
	default:
		return fmt.Errorf("unknown export format %q; use har, curl or jsonl", opt.Format)
	}
	if opt.Base != "" {
		if _, err := ParseTarget(opt.Base); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	return nil
}

// eachRequest calls fn with each capture opt selects, whole, in order.
func eachRequest(ctx context.Context, db *storage.DB, ids []int64, fn func(*storage.Request) error) error {
	if len(ids) > 0 {
		for _, id := range ids {
			r, err := db.GetRequest(ctx, id)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	var after int64
	for {
		rows, err := db.ListRequests(ctx, storage.Page{After: after, Oldest: after == 0, Limit: exportPage})
		if err != nil {
			return err
		}
		if len(rows) == 0 {
			return nil
		}
		for i := len(rows) - 1; i >= 0; i-- { // pages come newest first
			r, err := db.GetRequest(ctx, rows[i].ID)
			if err != nil {
				return err
			}
			if err := fn(r); err != nil {
				return err
			}
			after = rows[i].ID
		}
	}
}
