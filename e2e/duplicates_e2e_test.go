package e2e

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"gaff/provider"
)

// The real binary marks a GitHub delivery sent again (same
// X-GitHub-Delivery) and identical bytes from an unknown sender as repeats
// of the first, in gaff list, gaff list --json, the dup: search and gaff
// show.
func TestDuplicateDeliveriesAreMarked(t *testing.T) {
	g := startHeadless(t)
	gh := func(delivery string) {
		postSigned(t, "http://"+g.addr+"/github", provider.SchemeGitHub,
			map[string]string{"X-GitHub-Event": "push", "X-GitHub-Delivery": delivery, "User-Agent": "GitHub-Hookshot/abc"}, `{"ref":"refs/heads/main"}`)
	}
	gh("72d3162e-cc78-11e3-81ab-4c9367dc0958")    // 1
	gh("0b9f2a8c-0000-11e3-81ab-4c9367dc0958")    // 2: another delivery, same body
	post(t, "http://"+g.addr+"/plain", `{"a":1}`) // 3
	gh("72d3162e-cc78-11e3-81ab-4c9367dc0958")    // 4: GitHub's redelivery
	post(t, "http://"+g.addr+"/plain", `{"a":1}`) // 5: the same bytes again
	post(t, "http://"+g.addr+"/plain", `{"a":2}`) // 6
	gh("72d3162e-cc78-11e3-81ab-4c9367dc0958")    // 7

	out, err := gaffCLI(t, "list", "--json", "--db", g.db)
	if err != nil {
		t.Fatalf("gaff list --json: %v\n%s", err, out)
	}
	got := map[int64]*int64{}
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var r struct {
			ID          int64  `json:"id"`
			DuplicateOf *int64 `json:"duplicate_of"`
		}
		if err := json.Unmarshal([]byte(line), &r); err != nil {
			t.Fatalf("%v: %s", err, line)
		}
		got[r.ID] = r.DuplicateOf
	}
	want := map[int64]int64{1: 0, 2: 0, 3: 0, 4: 1, 5: 3, 6: 0, 7: 1}
	for id, w := range want {
		switch d := got[id]; {
		case w == 0 && d != nil:
			t.Errorf("#%d: duplicate_of %d, want null", id, *d)
		case w != 0 && (d == nil || *d != w):
			t.Errorf("#%d: duplicate_of %v, want %d", id, d, w)
		}
	}

	out, err = gaffCLI(t, "list", "--db", g.db)
	if err != nil {
		t.Fatalf("gaff list: %v\n%s", err, out)
	}
	for id, mark := range map[int]string{4: "dup #1 (2nd)  /github", 5: "dup #3 (2nd)  /plain", 7: "dup #1 (3rd)  /github"} {
		if !rowOf(out, id, mark) {
			t.Errorf("gaff list: row %d lacks %q:\n%s", id, mark, out)
		}
	}
	if strings.Count(out, "dup #") != 3 {
		t.Errorf("gaff list: want 3 marks:\n%s", out)
	}

	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "dup:yes")
	if err != nil || !rowOf(out, 7, "dup #1") || !rowOf(out, 5, "dup #3") || !rowOf(out, 4, "dup #1") || strings.Count(out, "\n") != 4 {
		t.Errorf("gaff list --search dup:yes: %v\n%s", err, out)
	}
	out, err = gaffCLI(t, "list", "--db", g.db, "--search", "dup:often")
	if err == nil || !strings.Contains(out, "dup:often: write dup:yes") {
		t.Errorf("gaff list --search dup:often: %v\n%s", err, out)
	}

	out, err = gaffCLI(t, "show", "--db", g.db, "4")
	if err != nil {
		t.Fatalf("gaff show 4: %v\n%s", err, out)
	}
	for _, s := range []string{
		"# delivery github:72d3162e-cc78-11e3-81ab-4c9367dc0958 arrived 3 times:\n",
		"\n#   #1 ", " first    answered 200\n",
		"\n# ▸ #4 ", "answered 200  (this one)\n",
		"\n#   #7 ",
	} {
		if !strings.Contains(out, s) {
			t.Errorf("gaff show 4 lacks %q:\n%s", s, out)
		}
	}
	if out, err := gaffCLI(t, "show", "--db", g.db, "6"); err != nil || strings.Contains(out, "arrived") {
		t.Errorf("gaff show 6 (arrived once) lists attempts: %v\n%s", err, out)
	}
}

// rowOf reports whether gaff list's row for id contains s.
func rowOf(out string, id int, s string) bool {
	for _, line := range strings.Split(out, "\n") {
		if f := strings.Fields(line); len(f) > 0 && f[0] == fmt.Sprint(id) {
			return strings.Contains(line, s)
		}
	}
	return false
}
