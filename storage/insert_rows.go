package storage

import (
	"database/sql"
	"strings"
)

// insertChunks are the row counts of the multi-row INSERTs the writer
// prepares. A batch of captures is stored as a few statements of these
// sizes, largest first, instead of one statement per capture: each
// statement costs database/sql and the driver a fixed toll (statement
// lookup, argument conversion, reset, a statement journal and an update of
// sqlite_sequence) that was a large share of the writer's time per capture
// (ARCHITECTURE.md, "Promises and the measurements behind them").
var insertChunks = [...]int{64, 16, 4, 1}

const requestArgCount = 22 // the columns insertRequestSQL names

// insertRowsSQL is insertRequestSQL for n rows.
func insertRowsSQL(n int) string {
	row := "(" + strings.Repeat("?,", requestArgCount-1) + "?)"
	head, _, _ := strings.Cut(insertRequestSQL, "VALUES")
	return head + "VALUES " + strings.Repeat(row+",", n-1) + row
}

// rowInserter is the writer's side of storing captures: statements
// prepared once on the writer's connection, and the argument buffer they
// share. Only the writer goroutine uses it.
type rowInserter struct {
	stmts [len(insertChunks)]*sql.Stmt
	args  []any
}

func prepareRowInserter(db *sql.DB) (*rowInserter, error) {
	ri := &rowInserter{}
	for i, n := range insertChunks {
		s, err := db.Prepare(insertRowsSQL(n))
		if err != nil {
			ri.close()
			return nil, err
		}
		ri.stmts[i] = s
	}
	return ri, nil
}

func (ri *rowInserter) close() {
	for _, s := range ri.stmts {
		if s != nil {
			s.Close()
		}
	}
}

// insert stores the rows of jobs in tx and sets each job's id.
//
// One statement's rows get consecutive ids, in order: requests.id is an
// AUTOINCREMENT key, so each row takes one more than the largest id yet,
// and no other writer (another gaff process included) can insert between
// them while this transaction holds the write lock. The last insert id
// therefore names them all.
func (ri *rowInserter) insert(tx *sql.Tx, jobs []*job) error {
	for len(jobs) > 0 {
		k := 0
		for insertChunks[k] > len(jobs) {
			k++
		}
		n := insertChunks[k]
		ri.args = ri.args[:0]
		for _, j := range jobs[:n] {
			ri.args = append(ri.args, j.row...)
		}
		res, err := tx.Stmt(ri.stmts[k]).Exec(ri.args...)
		clear(ri.args) // the buffer outlives the batch: drop its bodies
		if err != nil {
			return err
		}
		last, err := res.LastInsertId()
		if err != nil {
			return err
		}
		for i, j := range jobs[:n] {
			j.id = last - int64(n-1-i)
		}
		jobs = jobs[n:]
	}
	return nil
}
