package export

import (
	"bufio"
	"context"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"gaff/provider"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// inlineBodyMax is the largest text body put on curl's command line: Linux
// refuses a single argument over 128 KiB. Larger ones go through printf, a
// shell builtin, which has no such limit.
const inlineBodyMax = 64 << 10

// CurlCommand is a curl command that sends capture r again, byte for byte,
// to base (as a replay would), or to the URL the sender used when base is
// "". It is plain POSIX sh, and safe to show or paste: bytes a terminal
// could act on never appear raw in it (they travel as base64 and are
// decoded by base64(1) when the command runs).
func CurlCommand(r *storage.Request, base string) (string, error) {
	out, err := send.ReplayOf(r, base)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	var stdin string // what is piped into curl, if the body goes that way
	switch {
	case len(r.Body) == 0:
	case !shellSafe(string(r.Body)):
		stdin = "printf %s " + shellQuote(base64.StdEncoding.EncodeToString(r.Body)) + " | base64 -d | "
	case len(r.Body) > inlineBodyMax || r.Body[0] == '@':
		// curl reads --data-binary @name as a file name.
		stdin = "printf %s " + shellQuote(string(r.Body)) + " | "
	}
	b.WriteString(stdin)
	b.WriteString("curl -sS --globoff --path-as-is ")
	if r.Method == "HEAD" {
		b.WriteString("--head") // -X HEAD would wait for a body that never comes
	} else {
		b.WriteString("-X " + shellArg(r.Method))
	}
	b.WriteString(" " + shellArg(out.URL))
	if r.PathQuery() == "" {
		// CONNECT host:443 and * have no path a URL could carry.
		b.WriteString(" --request-target " + shellArg(r.Target))
	}
	has := map[string]bool{}
	for _, h := range out.Headers {
		k := strings.ToLower(h.Name)
		if send.HopByHop(h.Name) || !provider.IsToken(h.Name) {
			continue
		}
		has[k] = true
		line := h.Name + ": " + h.Value
		if h.Value == "" {
			line = h.Name + ";" // curl's spelling of an empty header; "Name:" would remove it
		}
		b.WriteString(" \\\n  -H " + shellArg(line))
	}
	// curl adds headers of its own; the capture did not have them.
	var drop []string
	for _, name := range []string{"Accept", "User-Agent"} {
		if !has[strings.ToLower(name)] {
			drop = append(drop, "-H '"+name+":'")
		}
	}
	if len(r.Body) > 0 {
		if !has["content-type"] {
			drop = append(drop, "-H 'Content-Type:'")
		}
		drop = append(drop, "-H 'Expect:'")
	}
	if len(drop) > 0 {
		b.WriteString(" \\\n  " + strings.Join(drop, " "))
	}
	switch {
	case stdin != "":
		b.WriteString(" \\\n  --data-binary @-")
	case len(r.Body) > 0:
		b.WriteString(" \\\n  --data-binary " + shellQuote(string(r.Body)))
	}
	return b.String(), nil
}

// writeCurl writes a shell script with one curl command per capture.
func writeCurl(ctx context.Context, db *storage.DB, w *bufio.Writer, opt Options) error {
	w.WriteString("#!/bin/sh\n# Requests captured by gaff, sent again byte for byte: run with sh.\n# Binary bodies travel as base64 and need base64(1).\n")
	return eachRequest(ctx, db, opt, func(r *storage.Request) error {
		cmd, err := CurlCommand(r, opt.Base)
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "\n# request %d, %s: %s %s\n", r.ID, r.Time.Format("2006-01-02 15:04:05"), sanitize.Line(r.Method), sanitize.Line(r.Target))
		for _, h := range r.Headers {
			if !provider.IsToken(h.Name) {
				fmt.Fprintf(w, "# header %q left out: curl cannot send that name\n", sanitize.Line(h.Name))
			}
		}
		w.WriteString(cmd)
		_, err = w.WriteString("\necho\n")
		return err
	})
}

// shellArg quotes s for sh. Text a terminal could act on (escapes,
// controls, invalid UTF-8) is given as base64 decoded at run time instead,
// so printing the command is harmless.
func shellArg(s string) string {
	if shellSafe(s) {
		return shellQuote(s)
	}
	return `"$(printf %s ` + shellQuote(base64.StdEncoding.EncodeToString([]byte(s))) + ` | base64 -d)"`
}

// shellSafe reports whether s can be printed as is: UTF-8 with nothing the
// sanitiser would escape (so tab and newline only among controls).
func shellSafe(s string) bool {
	return utf8.ValidString(s) && sanitize.String(s) == s
}

func shellQuote(s string) string {
	return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
}
