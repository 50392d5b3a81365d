package export

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"
	"unicode"

	"gaff/storage"
)

func TestRequestJSONShape(t *testing.T) {
	r := &storage.Request{
		Summary: storage.Summary{ID: 7, Time: time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC), Method: "POST",
			Target: "/hooks/x?a=1&b=\u202e", Size: 3, Provider: "github", Signature: "valid"},
		Headers: storage.Headers{{Name: "X-Dup", Value: "1"}, {Name: "Content-Type", Value: "text/plain"}, {Name: "x-dup", Value: "2\x9b\u0085"}},
		Body:    []byte("hi\u202e\U000E0041"),
	}
	out := JSON(r)
	for _, c := range string(out) {
		if c == 0x7f || (c >= 0x80 && c <= 0x9f) || unicode.Is(unicode.Cf, c) || c < 0x20 {
			t.Fatalf("raw %U in JSON output %s", c, out)
		}
	}
	var got struct {
		ID      int64               `json:"id"`
		Time    string              `json:"time"`
		Path    string              `json:"path"`
		Query   string              `json:"query"`
		Headers map[string][]string `json:"headers"`
		Body    *string             `json:"body"`
		Size    int64               `json:"size"`
		Prov    string              `json:"provider"`
		Sig     string              `json:"signature"`
	}
	if err := json.Unmarshal(out, &got); err != nil {
		t.Fatalf("invalid JSON %s: %v", out, err)
	}
	if got.ID != 7 || got.Time != "2026-01-02T03:04:05Z" || got.Path != "/hooks/x" || got.Query != "a=1&b=\u202e" {
		t.Errorf("fields: %+v", got)
	}
	if strings.Join(got.Headers["X-Dup"], ",") != "1,2\ufffd\u0085" && strings.Join(got.Headers["X-Dup"], ",") != "1,2\x9b\u0085" {
		t.Errorf("repeated header grouping: %q", got.Headers)
	}
	if got.Body == nil || *got.Body != "hi\u202e\U000E0041" {
		t.Errorf("body round trip: %v", got.Body)
	}
	if !strings.HasPrefix(string(out), `{"id":7,"time"`) || !strings.Contains(string(out), `"headers":{"X-Dup":`) {
		t.Errorf("order not kept: %s", out)
	}

	r.Body = []byte{0xff, 0x00, 0x01}
	out = JSON(r)
	var bin struct {
		Body *string `json:"body"`
		B64  string  `json:"body_base64"`
	}
	json.Unmarshal(out, &bin)
	if bin.Body != nil || bin.B64 != base64.StdEncoding.EncodeToString(r.Body) {
		t.Errorf("binary body: %s", out)
	}
}

// Rows stored before every capture got a verdict have an empty one; JSON
// still says one of the four values.
func TestOldRowsWithoutVerdictPrintUnsigned(t *testing.T) {
	r := &storage.Request{Summary: storage.Summary{ID: 1, Method: "POST", Target: "/"}}
	out := JSON(r)
	var got struct {
		Sig *string `json:"signature"`
	}
	if err := json.Unmarshal(out, &got); err != nil || got.Sig == nil || *got.Sig != "unsigned" {
		t.Fatalf("signature of a row without a verdict: %s", out)
	}
}

// Repeated headers are grouped under the first spelling, case aside, the
// same way for a few headers and for a hostile thousand.
func TestHeaderGroupingFewAndMany(t *testing.T) {
	few := storage.Headers{{Name: "X-A", Value: "1"}, {Name: "x-b", Value: "2"}, {Name: "x-a", Value: "3"}, {Name: "KELVIN\u212a", Value: "4"}, {Name: "kelvink", Value: "5"}, {Name: "kelvin\u212a", Value: "6"}}
	want := `{"X-A":["1","3"],"x-b":["2"],"KELVIN` + "\u212a" + `":["4","5","6"]}`
	if got := string(appendHeaderObject(nil, few)); got != want {
		t.Errorf("few:\n got %s\nwant %s", got, want)
	}
	var many storage.Headers
	for i := range 1000 {
		many = append(many, storage.Header{Name: []string{"X-Rep", "x-rep", "Other"}[i%3], Value: "v"})
	}
	var obj map[string][]string
	if err := json.Unmarshal(appendHeaderObject(nil, many), &obj); err != nil || len(obj["X-Rep"]) != 667 || len(obj["Other"]) != 333 || len(obj) != 2 {
		t.Errorf("many: %d groups, X-Rep %d, Other %d (%v)", len(obj), len(obj["X-Rep"]), len(obj["Other"]), err)
	}
}

// "event" follows "provider", always present: empty when no provider names
// the event, and terminal-safe like every string (the name comes from the
// network).
func TestJSONCarriesTheEvent(t *testing.T) {
	r := &storage.Request{Summary: storage.Summary{ID: 1, Method: "POST", Target: "/", Provider: "github", Event: "pull_request.opened\x1b[2J"}}
	out := string(JSON(r))
	if !strings.Contains(out, `"provider":"github","event":"pull_request.opened\u001b[2J"`) {
		t.Fatalf("event missing, out of place or not escaped: %s", out)
	}
	r.Provider, r.Event = "", ""
	if out := string(JSON(r)); !strings.Contains(out, `"provider":"","event":""`) {
		t.Fatalf("unknown event not an empty string: %s", out)
	}
}
