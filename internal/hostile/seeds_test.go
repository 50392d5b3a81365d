package hostile

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "write the fuzz seed files")

// refusal is what net/http writes when it turns a request away itself.
const refusal = "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n\r\n400 Bad Request: invalid header"

// str and byt mark a fuzz argument's type.
type str string
type byt string

// targets says, for every fuzz target, where its seed files live and which
// arguments carry an attack; the rest get plain values.
var targets = []struct {
	dir  string
	args func(p string) []any
}{
	{"sanitize/testdata/fuzz/FuzzSanitize", func(p string) []any {
		return []any{str(p)}
	}},
	{"ui/testdata/fuzz/FuzzJSONLines", func(p string) []any {
		return []any{byt(p)}
	}},
	{"ui/testdata/fuzz/FuzzFormLines", func(p string) []any {
		return []any{byt(p + "=" + p + "&k=" + p)}
	}},
	{"storage/testdata/fuzz/FuzzParseQuery", func(p string) []any {
		return []any{str(p)}
	}},
	{"capture/testdata/fuzz/FuzzParseHead", func(p string) []any {
		return []any{byt(Attack{"seed", p}.Request()), byt(refusal)}
	}},
	{"provider/testdata/fuzz/FuzzStripeSignature", func(p string) []any {
		return []any{str("t=1700000000,v1=" + p), str("{}")}
	}},
	{"provider/testdata/fuzz/FuzzStandardWebhooksSignatureList", func(p string) []any {
		return []any{str("v1," + p), str("msg_1"), str("1614265330"), str("{}")}
	}},
	{"provider/testdata/fuzz/FuzzSlackSignature", func(p string) []any {
		return []any{str("v0=" + p), str("1531420618"), str("{}")}
	}},
	{"provider/testdata/fuzz/FuzzTwilio", func(p string) []any {
		return []any{str("https://example.com/h?" + p), str("example.com"), str("application/x-www-form-urlencoded"), str("a=1"), str(p)}
	}},
	{"provider/testdata/fuzz/FuzzHubSignature", func(p string) []any {
		return []any{str("X-Hub-Signature-256"), str("sha256=" + p), str("{}")}
	}},
	{"provider/testdata/fuzz/FuzzVerifyAny", func(p string) []any {
		return []any{str("X-Signature-Ed25519"), str(p), str("X-Signature-Timestamp"), str("1"), str("{}"), str("s")}
	}},
	{"provider/testdata/fuzz/FuzzHandshake", func(p string) []any {
		return []any{str("POST"), str("/h"), str(`{"type":"url_verification","challenge":` + strconv.Quote(p) + `}`), str(""), str(""), str("")}
	}},
	{"provider/testdata/fuzz/FuzzDetect", func(p string) []any {
		return []any{str("POST"), str("/h"), str(p), str("X-Hub-Signature"), str("sha1=00")}
	}},
	{"provider/testdata/fuzz/FuzzTemplate", func(p string) []any {
		return []any{str(`{"name":"t","body":` + strconv.Quote(p) + `}`)}
	}},
}

// encode writes a seed in the format go test reads (go test fuzz v1).
func encode(args []any) string {
	var b strings.Builder
	b.WriteString("go test fuzz v1\n")
	for _, a := range args {
		switch v := a.(type) {
		case str:
			fmt.Fprintf(&b, "string(%s)\n", strconv.Quote(string(v)))
		case byt:
			fmt.Fprintf(&b, "[]byte(%s)\n", strconv.Quote(string(v)))
		}
	}
	return b.String()
}

// Every fuzz target's seed corpus holds the whole hostile corpus, so the
// attacks run as ordinary tests in each package. After changing Corpus or
// the table above: go test ./internal/hostile -update
func TestSeedCorporaHoldTheCorpus(t *testing.T) {
	for _, tg := range targets {
		dir := filepath.Join("..", "..", filepath.FromSlash(tg.dir))
		for _, a := range Corpus() {
			path := filepath.Join(dir, "hostile-"+a.Name)
			want := encode(tg.args(a.Payload))
			if *update {
				if err := os.MkdirAll(dir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(path, []byte(want), 0o644); err != nil {
					t.Fatal(err)
				}
				continue
			}
			if got, err := os.ReadFile(path); err != nil || string(got) != want {
				t.Errorf("%s is missing or stale: go test ./internal/hostile -update", path)
			}
		}
	}
}
