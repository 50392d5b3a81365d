package cli

import (
	"bufio"
	"fmt"
	"io"
	"strings"

	"gaff/internal/bytesize"
	"gaff/sanitize"
	"gaff/send"
	"gaff/storage"
)

// The requests and answers the commands print are HTTP text. Everything in
// them came from the network and goes through the sanitiser: this is
// printed on a terminal too.

// printRequest writes a captured request, with a comment line saying when
// it came, from where, and what gaff answered, then the comment lines in
// notes (already sanitised).
func printRequest(out io.Writer, r *storage.Request, notes ...string) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	answered := fmt.Sprintf("answered %d", r.Status)
	if r.Status == 0 {
		answered = "not answered (see the note)" // a hang or reset rule
	}
	fmt.Fprintf(w, "# request %d, %s, from %s, %s\n", r.ID, r.Time.Format("2006-01-02 15:04:05.000 MST"), sanitize.Line(r.RemoteAddr), answered)
	if r.Origin != "" {
		fmt.Fprintf(w, "# shared by teammate %s\n", sanitize.Line(r.Origin))
	}
	if r.Event != "" {
		fmt.Fprintf(w, "# event %s\n", sanitize.Line(r.Event))
	}
	for _, n := range notes {
		fmt.Fprintf(w, "# %s\n", n)
	}
	if r.Note != "" {
		fmt.Fprintf(w, "# %s\n", sanitize.Line(r.Note))
	}
	body, note := decodedBody(r.Headers, r.Body)
	if note != "" {
		fmt.Fprintf(w, "# %s\n", sanitize.Line(note))
	}
	fmt.Fprintf(w, "%s %s %s\n", sanitize.Line(r.Method), sanitize.Line(r.Target), sanitize.Line(r.Proto))
	ct := r.Headers.Get("Content-Type")
	if !strings.HasPrefix(strings.ToLower(ct), "multipart/") {
		writeHeadersAndBody(w, r.Headers, body, true)
		return
	}
	parts, total, err := storage.Parts(ct, body, maxParts)
	if err != nil {
		// Not well-formed: the body as it came, and why.
		writeHeadersAndBody(w, r.Headers, body, true)
		fmt.Fprintf(w, "# not well-formed multipart (%s): shown as received\n", sanitize.Line(err.Error()))
		return
	}
	writeHeadersAndBody(w, r.Headers, nil, false)
	for i, p := range parts {
		fmt.Fprintf(w, "# part %d of %d: %s\n", i+1, total, partLabel(p))
		writeBody(w, p.Body, true)
	}
	if total > len(parts) {
		fmt.Fprintf(w, "# %d more parts not shown; gaff show --json has the whole body\n", total-len(parts))
	}
}

// maxParts is how many parts of a multipart body gaff show prints.
const maxParts = 100

// partLabel says what a part says of itself, sanitised.
func partLabel(p storage.Part) string {
	var fields []string
	add := func(k, v string) {
		if v != "" {
			fields = append(fields, k+" "+sanitize.Line(v))
		}
	}
	add("name", p.Name)
	add("file", p.Filename)
	add("type", p.ContentType)
	return strings.Join(append(fields, bytesize.Format(int64(len(p.Body)))), ", ")
}

// printDelivery writes an attempt's outcome: the `<--` line, then the
// response headers and body.
func printDelivery(out io.Writer, d *storage.Delivery) {
	w := bufio.NewWriter(out)
	defer w.Flush()
	fmt.Fprintln(w, send.Line(d))
	if d.Status == 0 {
		return
	}
	// A short answer with an escape in it reads better sanitised than
	// dumped: only captures are dumped, as the TUI shows them.
	writeHeadersAndBody(w, d.RespHeaders, d.RespBody, false)
	if d.RespTruncated {
		fmt.Fprintf(w, "[response cut: only the first %d bytes were kept]\n", len(d.RespBody))
	}
}

// writeHeadersAndBody prints a message's headers, a blank line and its
// body: sanitised text, or with dump a hex dump when it is not text.
func writeHeadersAndBody(w *bufio.Writer, h storage.Headers, body []byte, dump bool) {
	for _, x := range h {
		fmt.Fprintf(w, "%s: %s\n", sanitize.Line(x.Name), sanitize.Line(x.Value))
	}
	fmt.Fprintln(w)
	writeBody(w, body, dump)
}

// writeBody prints a body: sanitised text, or with dump a hex dump when it
// is not text.
func writeBody(w *bufio.Writer, body []byte, dump bool) {
	if dump && !sanitize.LooksText(body) {
		hexDump(w, body)
		return
	}
	w.WriteString(sanitize.Bytes(body))
	if len(body) > 0 && body[len(body)-1] != '\n' {
		w.WriteByte('\n')
	}
}
