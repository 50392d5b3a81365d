package ui

import "fmt"

// jsonLines pretty-prints valid JSON one line at a time, on demand. Each line
// is reproduced from a remembered (offset, depth) in the source, so memory
// grows with the lines the user has scrolled past, not with the body, and
// the first screen of a 25 MiB document costs the same as of a 1 KB one.
type jsonLines struct {
	src    []byte
	starts []jsonPos // starts[i] is where line i begins
	done   bool      // every line start is known
	indent string
}

type jsonPos struct {
	pos   int
	depth int
	// inString: pos is inside a string cut at maxLine; the line continues
	// it rather than starting a token.
	inString bool
}

func newJSONLines(src []byte) *jsonLines {
	j := &jsonLines{src: src, indent: "  "}
	j.starts = []jsonPos{{pos: skipSpace(src, 0)}}
	if j.starts[0].pos >= len(src) {
		j.done = true
		j.starts = nil
	}
	return j
}

// ensure makes line starts known up to line i (or to the end).
func (j *jsonLines) ensure(i int) {
	for !j.done && len(j.starts) <= i {
		last := j.starts[len(j.starts)-1]
		_, next := j.format(last)
		if next.pos >= len(j.src) {
			j.done = true
			return
		}
		j.starts = append(j.starts, next)
	}
}

// text returns line i unstyled.
func (j *jsonLines) text(i int) (string, bool) {
	j.ensure(i)
	if i < 0 || i >= len(j.starts) {
		return "", false
	}
	line, _ := j.format(j.starts[i])
	return line, true
}

func (j *jsonLines) count() int {
	for !j.done {
		j.ensure(len(j.starts) + 4096)
	}
	return len(j.starts)
}

// format renders the line starting at p and returns where the next begins.
// A line is: indent, an optional key, then one of an opening bracket, a
// scalar, or a closing bracket, and a trailing comma if one follows.
func (j *jsonLines) format(p jsonPos) (string, jsonPos) {
	src := j.src
	i, depth := p.pos, p.depth
	if i >= len(src) {
		return "", jsonPos{pos: len(src)}
	}
	var out []byte
	if p.inString {
		out = j.appendIndent(out, depth+1)
		end, ok := stringEndWithin(src, i, i+maxLine)
		if !ok {
			cut := safeCut(src, i, i+maxLine)
			out = append(out, src[i:cut]...)
			return string(out), jsonPos{pos: cut, depth: depth, inString: true}
		}
		out = append(out, src[i:end]...)
		i = end
	} else if c := src[i]; c == '}' || c == ']' {
		depth--
		out = j.appendIndent(out, depth)
		out = append(out, c)
		i++
	} else {
		out = j.appendIndent(out, depth)
		if c == '"' {
			// A key is short: a string running past maxLine is a value, and
			// is not scanned to its end here.
			end, ok := stringEndWithin(src, i+1, i+maxLine)
			k := skipSpace(src, end)
			if ok && k < len(src) && src[k] == ':' {
				out = append(out, src[i:end]...)
				out = append(out, ':', ' ')
				i = skipSpace(src, k+1)
			}
		}
		if i < len(src) && (src[i] == '{' || src[i] == '[') {
			open := src[i]
			k := skipSpace(src, i+1)
			if k < len(src) && (src[k] == '}' || src[k] == ']') {
				out = append(out, open, src[k])
				i = k + 1
			} else {
				out = append(out, open)
				return string(out), jsonPos{pos: skipSpace(src, i+1), depth: depth + 1}
			}
		} else {
			var next int
			var cut bool
			if out, next, cut = appendScalar(out, src, i); cut {
				return string(out), jsonPos{pos: next, depth: depth, inString: true}
			}
			i = next
		}
	}
	i = skipSpace(src, i)
	if i < len(src) && src[i] == ',' {
		out = append(out, ',')
		i = skipSpace(src, i+1)
	}
	return string(out), jsonPos{pos: i, depth: depth}
}

// appendIndent appends d levels of indentation.
func (j *jsonLines) appendIndent(out []byte, d int) []byte {
	for k := 0; k < min(d, maxIndent); k++ {
		out = append(out, j.indent...)
	}
	if d > maxIndent {
		// Hostile nesting would make every line thousands of spaces.
		out = append(out, fmt.Sprintf("⋯%d ", d)...)
	}
	return out
}

// appendScalar appends the scalar at from, or its first maxLine bytes when
// it is a long string; then the line ends inside it (cut). Strings are
// scanned no further than maxLine, so a 25 MiB string costs a screenful
// per line.
func appendScalar(out, src []byte, from int) (_ []byte, end int, cut bool) {
	if from < len(src) && src[from] == '"' {
		if end, ok := stringEndWithin(src, from+1, from+maxLine); ok {
			return append(out, src[from:end]...), end, false
		}
		end = safeCut(src, from, from+maxLine)
		return append(out, src[from:end]...), end, true
	}
	end = scalarEnd(src, from)
	return append(out, src[from:end]...), end, false
}

// maxIndent is the deepest nesting shown as indentation; deeper levels
// show their depth as a number.
const maxIndent = 32

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// stringEndWithin looks for the closing quote of a string whose content
// continues at b[k] (never just after a lone backslash), no further than
// limit. ok is false when the string goes on past limit; at the end of
// the input the string is taken to end there.
func stringEndWithin(b []byte, k, limit int) (int, bool) {
	limit = min(limit, len(b))
	for ; k < limit; k++ {
		switch b[k] {
		case '\\':
			k++
		case '"':
			return k + 1, true
		}
	}
	if limit == len(b) {
		return len(b), true
	}
	return limit, false
}

// scalarEnd ends a number, literal or (in invalid input) stray token;
// strings are cut by the caller, which bounds how far they are scanned.
func scalarEnd(b []byte, i int) int {
	k := i
	for k < len(b) && k-i < maxLine { // invalid input may hold one endless token
		switch b[k] {
		case ',', '}', ']', ' ', '\n', '\r', '\t', ':':
			return max(k, i+1)
		}
		k++
	}
	return k
}

// safeCut picks where to break a long string near limit: not inside a
// UTF-8 character and not right after a backslash, so the continuation
// still scans the string correctly.
func safeCut(b []byte, start, limit int) int {
	cut := cutRune(b, start, min(limit, len(b)))
	n := 0
	for k := cut - 1; k > start && b[k] == '\\'; k-- {
		n++
	}
	if n%2 == 1 {
		cut-- // do not split an escape: \\ stays whole, a lone \ moves on
	}
	return cut
}
