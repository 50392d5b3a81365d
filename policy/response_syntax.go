package policy

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"time"

	"gaff/storage"
)

// ParseResponseRule reads the --respond syntax:
//
//	[PREFIX] STATUS [delay=DURATION] [body=TEXT | body=@FILE] [header='NAME: VALUE']...
//
// e.g. `500`, `/stripe 503 header='Retry-After: 30'`, `/slow 200 delay=5s`,
// `/github 400 body=@error.json`. Words may be quoted with ' or ".
func ParseResponseRule(spec string) (ResponseRule, error) {
	r, file, err := ParseResponseSpec(spec)
	if err != nil || file == "" {
		return r, err
	}
	return r, ReadResponseBody(spec, file, &r)
}

// ReadResponseBody fills r's body from the file a body=@FILE named.
func ReadResponseBody(spec, file string, r *ResponseRule) error {
	b, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("--respond %q: cannot read the body file: %v", spec, err)
	}
	r.Body = string(b)
	return nil
}

// ParseResponseSpec is ParseResponseRule without touching the disk: a
// body=@FILE comes back as file, for the caller to read where I/O belongs
// (the TUI reads it in a command, never in Update).
func ParseResponseSpec(spec string) (r ResponseRule, file string, err error) {
	words, err := splitWords(spec)
	if err != nil {
		return ResponseRule{}, "", fmt.Errorf("--respond %q: %v", spec, err)
	}
	if len(words) > 0 && strings.HasPrefix(words[0], "/") {
		r.Prefix, words = words[0], words[1:]
	}
	if len(words) == 0 {
		return r, "", fmt.Errorf("--respond %q: no status; write e.g. '/stripe 500'", spec)
	}
	if r.Status, err = strconv.Atoi(words[0]); err != nil {
		return r, "", fmt.Errorf("--respond %q: %q is not a status code", spec, words[0])
	}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		switch {
		case !ok:
			return r, "", fmt.Errorf("--respond %q: %q is not key=value (delay=, body=, header=)", spec, w)
		case k == "delay":
			if r.Delay, err = time.ParseDuration(v); err != nil {
				return r, "", fmt.Errorf("--respond %q: delay %q is not a duration like 2s", spec, v)
			}
		case k == "body":
			if f, ok := strings.CutPrefix(v, "@"); ok {
				file, v = f, ""
			}
			r.Body = v
		case k == "header":
			h, ok := storage.CutHeader(v)
			if !ok {
				return r, "", fmt.Errorf("--respond %q: header %q is not 'Name: value'", spec, v)
			}
			r.Header = append(r.Header, h)
		default:
			return r, "", fmt.Errorf("--respond %q: unknown key %q (delay=, body=, header=)", spec, k)
		}
	}
	if err := r.Validate(); err != nil {
		return r, "", fmt.Errorf("--respond %q: %v", spec, err)
	}
	return r, file, nil
}

// splitWords splits on spaces, honouring single and double quotes anywhere
// in a word (header='X: y' is one word).
func splitWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	var quote rune
	for _, c := range s {
		switch {
		case quote != 0:
			if c == quote {
				quote = 0
			} else {
				cur.WriteRune(c)
			}
		case c == '\'' || c == '"':
			quote, inWord = c, true
		case c == ' ' || c == '\t':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		default:
			cur.WriteRune(c)
			inWord = true
		}
	}
	if quote != 0 {
		return nil, fmt.Errorf("unclosed %c quote", quote)
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// String renders a rule back in --respond syntax, for the TUI and logs.
func (r ResponseRule) String() string {
	var b strings.Builder
	if r.Prefix != "" {
		b.WriteString(r.Prefix + " ")
	}
	b.WriteString(strconv.Itoa(r.Status))
	if r.Delay > 0 {
		b.WriteString(" delay=" + r.Delay.String())
	}
	for _, h := range r.Header {
		b.WriteString(" header=" + strconv.Quote(h.Name+": "+h.Value))
	}
	if r.Body != "" {
		b.WriteString(" body=" + strconv.Quote(r.Body))
	}
	return b.String()
}
