package ui

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
	ind := func(d int) {
		for k := 0; k < d; k++ {
			out = append(out, j.indent...)
		}
	}
	if c := src[i]; c == '}' || c == ']' {
		depth--
		ind(depth)
		out = append(out, c)
		i++
	} else {
		ind(depth)
		if c == '"' {
			end := stringEnd(src, i)
			k := skipSpace(src, end)
			if k < len(src) && src[k] == ':' {
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
			end := scalarEnd(src, i)
			out = append(out, src[i:end]...)
			i = end
		}
	}
	i = skipSpace(src, i)
	if i < len(src) && src[i] == ',' {
		out = append(out, ',')
		i = skipSpace(src, i+1)
	}
	return string(out), jsonPos{pos: i, depth: depth}
}

func skipSpace(b []byte, i int) int {
	for i < len(b) && (b[i] == ' ' || b[i] == '\n' || b[i] == '\r' || b[i] == '\t') {
		i++
	}
	return i
}

// stringEnd returns the index just past the string starting at b[i] == '"'.
func stringEnd(b []byte, i int) int {
	for k := i + 1; k < len(b); k++ {
		switch b[k] {
		case '\\':
			k++
		case '"':
			return k + 1
		}
	}
	return len(b)
}

func scalarEnd(b []byte, i int) int {
	if i < len(b) && b[i] == '"' {
		return stringEnd(b, i)
	}
	k := i
	for k < len(b) {
		switch b[k] {
		case ',', '}', ']', ' ', '\n', '\r', '\t', ':':
			return max(k, i+1)
		}
		k++
	}
	return k
}
