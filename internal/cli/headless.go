package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"syscall"

	"gaff/export"
	"gaff/storage"
)

// errStdoutClosed says the reader of --headless's output went away.
var errStdoutClosed = errors.New("stdout was closed by its reader (a pipe into head?): gaff stopped capturing; every request it answered 2xx is stored, and `gaff list` shows them")

// headless prints each request as one line (JSON, or text with --format
// text) once it is committed. It
// takes them from a storage.Follower (the committed requests, in order,
// read back from the database only when it fell behind) rather than being
// called by the capture handler, so a stdout pipe nobody drains slows this
// loop, never a capture.
//
// It never advances past a capture it did not print: reads do not use the
// run's context (a stop between listing and reading once skipped rows),
// the final pass runs after the server has drained, and its Hold keeps
// retention from deleting what it has not printed yet.
type headless struct {
	db     *storage.DB
	out    io.Writer
	last   int64 // the newest id printed (or there before we started)
	hold   *storage.Hold
	follow *storage.Follower
	log    *slog.Logger
	buf    []byte
	// line appends one capture's line, without its newline, to b. It
	// appends rather than returns: every capture passes through it, and a
	// buffer per line was a copy and a garbage collection's worth of work.
	line func(b []byte, r *storage.Request) []byte
}

// writeChunk is how many bytes of whole lines go to stdout in one write.
const writeChunk = 64 << 10

// newHeadless must be made before the listener serves and before retention
// starts: a request committed in between would otherwise never be printed.
// after < 0 starts with the newest stored capture; otherwise the captures
// after that id are printed first.
func newHeadless(db *storage.DB, out io.Writer, after int64, log *slog.Logger) *headless {
	if after < 0 {
		after = db.LastRequestID()
	}
	return &headless{db: db, out: out, last: after, hold: db.Hold(after), follow: db.Follow(), log: log, line: export.AppendJSON}
}

// run prints until ctx ends, the listener fails or stdout closes.
func (hl *headless) run(ctx context.Context, serveErr <-chan error) error {
	ch, stop := hl.db.Watch()
	defer stop()
	for {
		if err := hl.printNew(ctx, hl.follow.After); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return nil // the final pass after shutdown prints the rest
		case err := <-serveErr:
			return fmt.Errorf("the listener stopped: %w", err)
		case <-ch:
		}
	}
}

// printBatch is how many captures one read brings.
const printBatch = 256

// printNew prints every request committed since the last one printed, as
// next finds them. ctx only stops it between batches; finish prints what
// is left.
func (hl *headless) printNew(ctx context.Context, next func(context.Context, int64, int) ([]*storage.Request, error)) error {
	for ctx.Err() == nil {
		rows, err := next(context.Background(), hl.last, printBatch)
		if len(rows) == 0 {
			if err != nil {
				return fmt.Errorf("cannot read new captures: %w", err)
			}
			return nil
		}
		if err != nil {
			// A damaged row is printed with what could be read.
			hl.log.Warn("a capture could not be read whole", "err", err)
		}
		if err := hl.print(rows); err != nil {
			return err
		}
	}
	return nil
}

// print writes rows as lines, in writes of whole lines.
func (hl *headless) print(rows []*storage.Request) error {
	hl.buf = hl.buf[:0]
	upTo := hl.last
	for _, r := range rows {
		n := len(hl.buf)
		hl.buf = hl.line(hl.buf, r)
		if n > 0 && len(hl.buf) >= writeChunk {
			// This line makes the chunk full: the lines before it go now.
			if err := hl.write(n, upTo); err != nil {
				return err
			}
		}
		hl.buf = append(hl.buf, '\n')
		upTo = r.ID
	}
	return hl.write(len(hl.buf), upTo)
}

// finish prints what arrived up to the server's shutdown, reading the
// database to the end (rows of another process too), then ends the hold.
// Call it after the server has drained.
func (hl *headless) finish() error {
	defer hl.hold.Release()
	hl.follow.Stop()
	return hl.printNew(context.Background(), hl.db.RequestsAfter)
}

// write puts the lines gathered so far on stdout. Each write holds whole
// lines only, so a crash never leaves half a line for the next run's output
// to be glued to; the cursor moves past a row only once its line is written.
//
// It writes the first n bytes of the buffer, the lines up to upTo; what
// follows them moves to the front.
func (hl *headless) write(n int, upTo int64) error {
	if n == 0 {
		return nil
	}
	if _, err := hl.out.Write(hl.buf[:n]); err != nil {
		if errors.Is(err, syscall.EPIPE) {
			return errStdoutClosed
		}
		return fmt.Errorf("cannot write to stdout: %w", err)
	}
	hl.buf = hl.buf[:copy(hl.buf, hl.buf[n:])]
	hl.last = upTo
	hl.hold.Consumed(upTo)
	return nil
}
