package storage

import (
	"database/sql"
	"time"
)

// The writer does not fold the WAL back into the database itself: SQLite's
// automatic checkpoint runs inside the commit that crosses its threshold,
// copying pages and syncing the file while every capture of the next batch
// waits. A checkpointer with a connection of its own does it instead,
// PASSIVE (it never blocks the writer or a reader), soon after commits.
// The writer's own automatic checkpoint stays as a backstop, at a WAL ten
// times larger, should the checkpointer fall behind.
const (
	checkpointEvery   = 100 * time.Millisecond
	writerCheckpoints = 10000 // pages; SQLite's default is 1000
)

// runCheckpointer checkpoints after commits, at most every
// checkpointEvery, until stop closes.
func (d *DB) runCheckpointer(ck *sql.DB, stop <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	ch, unwatch := d.Watch()
	defer unwatch()
	t := time.NewTimer(0)
	<-t.C
	for {
		select {
		case <-stop:
			return
		case <-ch:
		}
		_, _ = ck.Exec("PRAGMA wal_checkpoint(PASSIVE)")
		t.Reset(checkpointEvery)
		select {
		case <-stop:
			return
		case <-t.C:
		}
	}
}
