package policy

import (
	"errors"
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
//	         [seq=S1,S2,…] [rate=P%] [after=N] [retry-after=SECONDS]
//	         [drip=DURATION | hang | reset]
//
// e.g. `500`, `/stripe 503 header='Retry-After: 30'`, `/slow 200 delay=5s`,
// `/github 400 body=@error.json`, `/flaky seq=500,500,200`, `/x hang`.
// STATUS may be left out when seq=, hang or reset says what to do. Words
// may be quoted with ' or ".
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
	if len(words) > 0 {
		if n, err := strconv.Atoi(words[0]); err == nil {
			r.Status, words = n, words[1:]
		} else if !strings.Contains(words[0], "=") && !isFlagWord(words[0]) {
			return r, "", fmt.Errorf("--respond %q: %q is not a status code", spec, words[0])
		}
	}
	for _, w := range words {
		if err := r.setWord(w, &file); err != nil {
			return r, "", fmt.Errorf("--respond %q: %v", spec, err)
		}
	}
	if r.Status == 0 && len(r.Seq) == 0 && !r.Hang && !r.Reset {
		return r, "", fmt.Errorf("--respond %q: no status; write e.g. '/stripe 500', '/flaky seq=500,200' or '/x hang'", spec)
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
	var w []string
	if r.Prefix != "" {
		w = append(w, r.Prefix)
	}
	if r.Status != 0 {
		w = append(w, strconv.Itoa(r.Status))
	}
	if len(r.Seq) > 0 {
		seq := make([]string, len(r.Seq))
		for i, s := range r.Seq {
			seq[i] = strconv.Itoa(s)
		}
		w = append(w, "seq="+strings.Join(seq, ","))
	}
	if r.Rate > 0 {
		w = append(w, "rate="+formatRate(r.Rate))
	}
	if r.After > 0 {
		w = append(w, "after="+strconv.Itoa(r.After))
	}
	if r.RetryAfter != "" {
		w = append(w, "retry-after="+r.RetryAfter)
	}
	if r.Delay > 0 {
		w = append(w, "delay="+r.Delay.String())
	}
	if r.Drip > 0 {
		w = append(w, "drip="+r.Drip.String())
	}
	if r.Hang {
		w = append(w, "hang")
	}
	if r.Reset {
		w = append(w, "reset")
	}
	for _, h := range r.Header {
		w = append(w, "header="+strconv.Quote(h.Name+": "+h.Value))
	}
	if r.Body != "" {
		w = append(w, "body="+strconv.Quote(r.Body))
	}
	return strings.Join(w, " ")
}

// keys lists the key=value words, for errors.
const keys = "delay=, body=, header=, seq=, rate=, after=, retry-after=, drip=, or hang, reset"

func isFlagWord(w string) bool { return w == "hang" || w == "reset" }

// setWord applies one word after the status; body=@FILE names file.
func (r *ResponseRule) setWord(w string, file *string) error {
	switch w {
	case "hang":
		r.Hang = true
		return nil
	case "reset":
		r.Reset = true
		return nil
	}
	k, v, ok := strings.Cut(w, "=")
	if !ok {
		return fmt.Errorf("%q is not key=value (%s)", w, keys)
	}
	var err error
	switch k {
	case "delay":
		if r.Delay, err = time.ParseDuration(v); err != nil {
			return fmt.Errorf("delay %q is not a duration like 2s", v)
		}
	case "drip":
		if r.Drip, err = time.ParseDuration(v); err != nil || r.Drip <= 0 {
			return fmt.Errorf("drip %q is not a duration like 10s (how long the body takes to arrive)", v)
		}
	case "body":
		if f, ok := strings.CutPrefix(v, "@"); ok {
			*file, v = f, ""
		}
		r.Body = v
	case "header":
		h, ok := storage.CutHeader(v)
		if !ok {
			return fmt.Errorf("header %q is not 'Name: value'", v)
		}
		r.Header = append(r.Header, h)
	case "seq":
		return r.setSeq(v)
	case "rate":
		return r.setRate(v)
	case "after":
		if r.After, err = strconv.Atoi(v); err != nil || r.After < 0 {
			return fmt.Errorf("after %q is not a count of requests (0 or more)", v)
		}
	case "retry-after":
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			return fmt.Errorf("retry-after %q is not a whole number of seconds, like retry-after=5", v)
		}
		r.RetryAfter = strconv.Itoa(n)
	default:
		return fmt.Errorf("unknown key %q (%s)", k, keys)
	}
	return nil
}

func (r *ResponseRule) setSeq(v string) error {
	if v == "" {
		return errors.New("seq= is empty; list statuses in turn, like seq=500,500,200")
	}
	r.Seq = nil
	for _, x := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(x))
		if err != nil {
			return fmt.Errorf("seq= %q: %q is not a status code", v, x)
		}
		r.Seq = append(r.Seq, n)
	}
	return nil
}

func (r *ResponseRule) setRate(v string) error {
	p, ok := strings.CutSuffix(v, "%")
	f, err := strconv.ParseFloat(p, 64)
	switch {
	case !ok || err != nil:
		return fmt.Errorf("rate %q is not a share like rate=30%%", v)
	case f <= 0 || f > 100:
		return fmt.Errorf("rate %q is outside 0–100%% (above 0: a rule that never answers is no rule)", v)
	}
	r.Rate = f
	return nil
}
