// Command bare is the yardstick for bench/ingest.sh: a net/http server that
// reads each body and answers 200, storing nothing. gaff's ingest is
// reported as a fraction of what this does on the same machine.
//
// It listens on ADDR (port 0 picks one) and prints the address it got.
package main

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
)

func main() {
	if len(os.Args) != 2 {
		fmt.Fprintln(os.Stderr, "usage: bare ADDR")
		os.Exit(2)
	}
	l, err := net.Listen("tcp", os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, "bare:", err)
		os.Exit(1)
	}
	fmt.Println(l.Addr())
	err = http.Serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	}))
	fmt.Fprintln(os.Stderr, "bare:", err)
	os.Exit(1)
}
