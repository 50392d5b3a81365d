package ui

import (
	"encoding/json"
	"strings"
	"testing"
)

func allLines(j *jsonLines) []string {
	var out []string
	for i := 0; ; i++ {
		l, ok := j.text(i)
		if !ok {
			return out
		}
		out = append(out, l)
	}
}

func TestJSONLinesPrettyPrints(t *testing.T) {
	src := `{"a":1,"b":[true,false,null],"c":{},"d":[],"e":{"f":"g\"h","i":[{"j":-1.5e3}]}}`
	want := `{
  "a": 1,
  "b": [
    true,
    false,
    null
  ],
  "c": {},
  "d": [],
  "e": {
    "f": "g\"h",
    "i": [
      {
        "j": -1.5e3
      }
    ]
  }
}`
	if got := strings.Join(allLines(newJSONLines([]byte(src))), "\n"); got != want {
		t.Fatalf("got\n%s", got)
	}
	if n := newJSONLines([]byte(src)).count(); n != 18 {
		t.Fatalf("count %d", n)
	}
}

// A long string is cut into lines of at most maxLine bytes that, put back
// together, are the string: no byte lost, no escape split.
func TestJSONLinesCutsLongStrings(t *testing.T) {
	long := strings.Repeat(`ab\\\"x\\é`, 5000) // escapes and a 2-byte rune across every boundary
	src := `{"k":["` + long + `",2]}`
	if !json.Valid([]byte(src)) {
		t.Fatal("bad fixture")
	}
	lines := allLines(newJSONLines([]byte(src)))
	var joined strings.Builder
	for i, l := range lines {
		if len(l) > maxLine+64 {
			t.Fatalf("line %d is %d bytes", i, len(l))
		}
		if i >= 2 && i < len(lines)-3 {
			joined.WriteString(strings.TrimLeft(l, " "))
		}
	}
	got := strings.TrimSuffix(joined.String(), ",")
	if got != `"`+long+`"` {
		t.Fatalf("the string did not survive the cut: %d vs %d bytes", len(got), len(long)+2)
	}
	if lines[len(lines)-3] != "    2" {
		t.Fatalf("after the string: %q", lines[len(lines)-3:])
	}
}

func FuzzJSONLines(f *testing.F) {
	for _, s := range []string{`{}`, `[1,2]`, `{"a":"b"}`, `"x"`, `}`, `{"a":`, `[[[[`, `"\`, `{"k":"` + strings.Repeat("x", maxLine*2) + `"}`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		// Any input, valid or not, formats without panic, always advances,
		// and keeps every line bounded.
		j := newJSONLines(b)
		n := j.count()
		if n > len(b)+1 {
			t.Fatalf("%d lines from %d bytes", n, len(b))
		}
		for i := 0; i < n; i++ {
			l, ok := j.text(i)
			if !ok || len(l) > 2*maxLine+2*maxIndent+32 {
				t.Fatalf("line %d: ok=%v len=%d", i, ok, len(l))
			}
		}
	})
}
