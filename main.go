// gaff catches, inspects, replays and sends webhooks from the terminal.
// The command line lives in internal/cli; ARCHITECTURE.md maps the rest.
package main

import (
	"fmt"
	"os"

	"gaff/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

func main() {
	stopProfile, err := cli.StartProfile()
	if err == nil {
		err = cli.Root(version).Execute()
		stopProfile()
	}
	if err != nil {
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "gaff:", msg)
		}
		os.Exit(cli.ExitCode(err))
	}
}
