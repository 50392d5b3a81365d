// gaff catches, inspects, replays and sends webhooks from the terminal.
// The command line lives in internal/cli; ARCHITECTURE.md maps the rest.
package main

import (
	"fmt"
	"os"

	"gaff/internal/cli"
	"gaff/sanitize"
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
		// Errors quote what gaff read (a fixture file, a capture, a
		// teammate's fields, a server's answer): one gate here rather than
		// at each of the messages that might.
		if msg := err.Error(); msg != "" {
			fmt.Fprintln(os.Stderr, "gaff:", sanitize.String(msg))
		}
		os.Exit(cli.ExitCode(err))
	}
}
