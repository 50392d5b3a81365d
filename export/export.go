// Package export writes captures for other tools: JSON lines, HAR and curl
// scripts. Every format is safe to print on a terminal.
package export

import (
	"bufio"
	"context"
	"fmt"
	"io"

	"gaff/redact"
	"gaff/send"
	"gaff/storage"
)

// Export formats, as --format takes them.
const (
	FormatHAR   = "har"
	FormatCurl  = "curl"
	FormatJSONL = "jsonl"
)

// Options say what to export and how.
type Options struct {
	Format string
	// IDs are the captures to export, in this order; none means every
	// capture, oldest first.
	IDs []int64
	// Base, for har and curl, sends the requests to this base URL (as a
	// replay would) instead of the URL the sender used.
	Base string
	// Version is gaff's version, named as HAR's creator.
	Version string
	// Redact, when set, exports redacted copies (docs/redaction.md); the
	// database keeps the captures as they came.
	Redact *redact.Options
}

// Write writes captures to w in opt.Format. It streams (storage's Walk):
// any number of captures take the memory of one page.
func Write(ctx context.Context, db *storage.DB, w io.Writer, opt Options) error {
	if err := opt.Check(); err != nil {
		return err
	}
	bw := bufio.NewWriterSize(w, 64<<10)
	var err error
	switch opt.Format {
	case FormatHAR:
		err = writeHAR(ctx, db, bw, opt)
	case FormatCurl:
		err = writeCurl(ctx, db, bw, opt)
	default:
		err = writeJSONL(ctx, db, bw, opt)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

// Check says what is wrong with opt before anything is opened or written.
func (opt Options) Check() error {
	switch opt.Format {
	case FormatHAR, FormatCurl, FormatJSONL:
	default:
		return fmt.Errorf("unknown export format %q; use har, curl or jsonl", opt.Format)
	}
	if opt.Redact != nil {
		if err := opt.Redact.Check(); err != nil {
			return err
		}
	}
	if opt.Base != "" {
		if _, err := send.ParseTarget(opt.Base); err != nil {
			return fmt.Errorf("--to: %w", err)
		}
	}
	return nil
}

// eachRequest calls fn with each capture opt selects, whole, in order,
// redacted when opt asks.
func eachRequest(ctx context.Context, db *storage.DB, opt Options, each func(*storage.Request) error) error {
	fn := each
	if opt.Redact != nil {
		fn = func(r *storage.Request) error { return each(redact.Request(r, *opt.Redact)) }
	}
	ids := opt.IDs
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
	for r, err := range db.Requests(ctx, storage.Walk{}) {
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}
