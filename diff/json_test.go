package diff

import (
	"slices"
	"strings"
	"testing"
)

func lines(cs []Change) []string {
	out := make([]string, len(cs))
	for i, c := range cs {
		out[i] = c.String()
	}
	return out
}

func check(t *testing.T, got []Change, want ...string) {
	t.Helper()
	if g := lines(got); !slices.Equal(g, want) {
		t.Errorf("changes:\n  %s\nwant:\n  %s", strings.Join(g, "\n  "), strings.Join(want, "\n  "))
	}
}

func mustJSON(t *testing.T, a, b string, opt Options) []Change {
	t.Helper()
	cs, err := JSON([]byte(a), []byte(b), opt)
	if err != nil {
		t.Fatal(err)
	}
	return cs
}

func TestJSONNested(t *testing.T) {
	a := `{"type":"charge.succeeded","data":{"object":{"id":"ch_1","amount":2000,"meta":{"a":"x"}}},"gone":1}`
	b := `{"type":"charge.succeeded","data":{"object":{"id":"ch_2","amount":2500,"meta":{"a":"x"},"new_key":true}}}`
	check(t, mustJSON(t, a, b, Options{}),
		".data.object.amount: 2000 → 2500",
		`.data.object.id: "ch_1" → "ch_2"`,
		"+ .data.object.new_key: true",
		"- .gone: 1",
	)
}

func TestJSONArraysByPosition(t *testing.T) {
	check(t, mustJSON(t, `{"items":[1,2,3]}`, `{"items":[1,5]}`, Options{}),
		".items[1]: 2 → 5",
		"- .items[2]: 3",
	)
	check(t, mustJSON(t, `[{"id":1}]`, `[{"id":1},{"id":2}]`, Options{}),
		`+ [1]: {"id":2}`,
	)
}

func TestJSONEqualHasNoChanges(t *testing.T) {
	// Key order and spacing are not differences; number spelling is kept.
	check(t, mustJSON(t, `{"a":1,"b":[true,null]}`, "{ \"b\": [true, null], \"a\": 1 }\n", Options{}))
	check(t, mustJSON(t, `{"n":10000000000000001}`, `{"n":10000000000000002}`, Options{}),
		".n: 10000000000000001 → 10000000000000002")
}

func TestJSONTypeChangeAndRoot(t *testing.T) {
	check(t, mustJSON(t, `{"a":{"b":1}}`, `{"a":[1]}`, Options{}), `.a: {"b":1} → [1]`)
	check(t, mustJSON(t, `1`, `"1"`, Options{}), `.: 1 → "1"`)
	check(t, mustJSON(t, `{"a.b":1,"<x>":"&"}`, `{"a.b":2,"<x>":"&"}`, Options{}), `["a.b"]: 1 → 2`)
}

func TestJSONIgnore(t *testing.T) {
	a := `{"id":"evt_1","created":1,"data":{"object":{"id":"ch_1","amount":1}},"items":[{"id":"a","n":1},{"id":"b","n":2}]}`
	b := `{"id":"evt_2","created":2,"data":{"object":{"id":"ch_2","amount":1}},"items":[{"id":"c","n":1},{"id":"d","n":3}]}`
	check(t, mustJSON(t, a, b, Options{Ignore: []string{".id", ".created", ".data.object.id", ".items[].id"}}),
		".items[1].n: 2 → 3")
	// A parent path hides everything below it, and a prefix of a key is
	// not its parent.
	check(t, mustJSON(t, a, b, Options{Ignore: []string{".data", ".items", ".i", ".create"}}),
		".created: 1 → 2", `.id: "evt_1" → "evt_2"`)
}

func TestJSONBadInput(t *testing.T) {
	for _, c := range [][2]string{{`{`, `{}`}, {`{}`, `nope`}, {`{} {}`, `{}`}} {
		if _, err := JSON([]byte(c[0]), []byte(c[1]), Options{}); err == nil {
			t.Errorf("JSON(%q, %q) gave no error", c[0], c[1])
		}
	}
}

func TestStringSanitizes(t *testing.T) {
	s := Change{Path: ".a", Kind: Changed, Old: "x\x1b]0;pwned\x07", New: "y\nz"}.String()
	if strings.ContainsAny(s, "\x1b\x07\n") {
		t.Errorf("String() let control bytes through: %q", s)
	}
}

// An empty ignore path is a prefix of every body path, so it would hide
// every change and make two different captures "equal": it is refused.
func TestCheckRefusesEmptyIgnore(t *testing.T) {
	for _, bad := range []string{"", "  "} {
		if err := (Options{Ignore: []string{".id", bad}}).Check(); err == nil {
			t.Errorf("Check accepted ignore path %q", bad)
		}
	}
	if err := (Options{Ignore: []string{".id", "headers.Date", ".items[].id", "body:3"}}).Check(); err != nil {
		t.Errorf("Check refused good paths: %v", err)
	}
}
