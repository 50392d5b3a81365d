// Command floor is the second yardstick for bench/ingest.sh: durable ingest
// with nothing of gaff's around it. Each request's method, target, headers
// and body are committed to SQLite before the 200, by the same means gaff
// uses (modernc.org/sqlite, WAL, synchronous=NORMAL, one writer committing
// what has queued, lingering 200 µs for more while others write) into one
// table with no index, and nothing else runs: no provider logic, no search
// index, no checkpointer, no printer. What gaff loses against bare beyond
// what floor loses is gaff's own cost; what floor loses is the design's
// (ARCHITECTURE.md, "Promises and the measurements behind them").
//
// It listens on ADDR (port 0 picks one), stores into DB and prints the
// address it got.
package main

import (
	"database/sql"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"time"

	_ "modernc.org/sqlite"
)

// A writer that saw company lingers for more, up to a batch cap, as gaff's.
const (
	linger   = 200 * time.Microsecond
	maxBatch = 512
)

type capture struct {
	method, target string
	headers, body  []byte
	id             chan int64
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: floor ADDR DB")
		os.Exit(2)
	}
	if err := run(os.Args[1], os.Args[2]); err != nil {
		fmt.Fprintln(os.Stderr, "floor:", err)
		os.Exit(1)
	}
}

func run(addr, path string) error {
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_txlock=immediate")
	if err != nil {
		return err
	}
	db.SetMaxOpenConns(1)
	_, err = db.Exec(`CREATE TABLE IF NOT EXISTS requests (id INTEGER PRIMARY KEY AUTOINCREMENT,
		received_at INTEGER NOT NULL, method TEXT NOT NULL, target TEXT NOT NULL, headers BLOB NOT NULL, body BLOB NOT NULL)`)
	if err != nil {
		return err
	}
	ins, err := db.Prepare(`INSERT INTO requests (received_at, method, target, headers, body) VALUES (?, ?, ?, ?, ?)`)
	if err != nil {
		return err
	}
	queue := make(chan *capture, 2048)
	go write(db, ins, queue)
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	fmt.Println(l.Addr())
	return http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		var headers []byte
		for name, values := range r.Header {
			for _, v := range values {
				headers = append(append(append(append(headers, name...), ':'), v...), '\n')
			}
		}
		c := &capture{method: r.Method, target: r.RequestURI, headers: headers, body: body, id: make(chan int64, 1)}
		queue <- c
		id := <-c.id
		if id == 0 {
			http.Error(w, "not stored", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"ok":true,"id":` + strconv.FormatInt(id, 10) + `}`))
	}))
}

// write commits the queue in groups; a capture whose group failed gets id 0.
func write(db *sql.DB, ins *sql.Stmt, queue chan *capture) {
	var batch []*capture
	last := 0
	for first := range queue {
		batch = drain(append(batch[:0], first), queue)
		if last > 1 {
			for deadline := time.Now().Add(linger); len(batch) < maxBatch && time.Now().Before(deadline); {
				runtime.Gosched()
				batch = drain(batch, queue)
			}
		}
		last = len(batch)
		ids := commit(db, ins, batch)
		for i, c := range batch {
			c.id <- ids[i]
		}
	}
}

func drain(batch []*capture, queue chan *capture) []*capture {
	for {
		select {
		case c := <-queue:
			batch = append(batch, c)
		default:
			return batch
		}
	}
}

func commit(db *sql.DB, ins *sql.Stmt, batch []*capture) []int64 {
	ids := make([]int64, len(batch))
	tx, err := db.Begin()
	if err != nil {
		return ids
	}
	defer tx.Rollback()
	st := tx.Stmt(ins)
	for i, c := range batch {
		res, err := st.Exec(time.Now().UnixNano(), c.method, c.target, c.headers, c.body)
		if err != nil {
			return make([]int64, len(batch))
		}
		ids[i], _ = res.LastInsertId()
	}
	if tx.Commit() != nil {
		return make([]int64, len(batch))
	}
	return ids
}
