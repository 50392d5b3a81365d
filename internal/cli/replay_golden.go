package cli

import (
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"

	"gaff/diff"
	"gaff/storage"
)

// goldenDir holds the stored answers of --golden, one file a fixture
// under the fixture's name. A subdirectory, not a file beside the fixture:
// every *.json file in the fixture directory is read as a fixture.
const goldenDir = "responses"

// goldenPath is where the stored answer to the fixture at path lives.
func goldenPath(path string) string {
	return filepath.Join(filepath.Dir(path), goldenDir, filepath.Base(path))
}

// volatileHeaders change from one answer to the next with nothing
// changed in the handler; a golden file leaves them out.
var volatileHeaders = map[string]bool{
	"date": true, "content-length": true, "connection": true, "keep-alive": true, "transfer-encoding": true,
	"age": true, "expires": true, "last-modified": true, "etag": true, "set-cookie": true,
	"x-request-id": true, "request-id": true, "x-runtime": true, "x-response-time": true, "server-timing": true,
}

// goldenAnswer is the answer a golden file keeps: the status, the headers
// that matter (by lower-case name, values in order) and the body, as JSON
// when it is JSON so a change shows as a path, else as text or base64.
type goldenAnswer struct {
	Status     int                 `json:"status"`
	Headers    map[string][]string `json:"headers"`
	Body       json.RawMessage     `json:"body,omitempty"`
	BodyText   *string             `json:"body_text,omitempty"`
	BodyBase64 []byte              `json:"body_base64,omitempty"`
}

// goldenOf is d's answer as a golden file holds it; the same answer
// always gives the same bytes.
func goldenOf(d *storage.Delivery) []byte {
	g := goldenAnswer{Status: d.Status, Headers: map[string][]string{}}
	for _, h := range d.RespHeaders {
		k := strings.ToLower(h.Name)
		if !volatileHeaders[k] {
			g.Headers[k] = append(g.Headers[k], h.Value)
		}
	}
	switch b := d.RespBody; {
	case len(b) == 0:
	case json.Valid(b):
		g.Body = b
	case utf8.Valid(b):
		s := string(b)
		g.BodyText = &s
	default:
		g.BodyBase64 = b
	}
	out, _ := json.MarshalIndent(g, "", "  ") // every part is JSON already
	return append(out, '\n')
}

// checkGolden compares d's answer with the fixture's golden file, writing
// the file when there is none yet (saved is then true). changes lists the
// differences, one a line, leaving out the paths in ignore (.body.id,
// .headers.x-trace); err is a golden file that cannot be read or
// written, which is bad input, not a failed test.
func checkGolden(fixturePath string, d *storage.Delivery, ignore []string) (changes []string, saved bool, err error) {
	path := goldenPath(fixturePath)
	now := goldenOf(d)
	old, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			return nil, false, fmt.Errorf("--golden: %w", err)
		}
		if err := os.WriteFile(path, now, 0o644); err != nil {
			return nil, false, fmt.Errorf("--golden: %w", err)
		}
		return nil, true, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("--golden: %w", err)
	}
	if !json.Valid(old) {
		return nil, false, fmt.Errorf("--golden: %s is not JSON; delete it to store the answer afresh", path)
	}
	found, err := diff.JSON(old, now, diff.Options{Ignore: ignore})
	if err != nil {
		return nil, false, fmt.Errorf("--golden: %s: %w", path, err)
	}
	for _, c := range found {
		changes = append(changes, c.String())
	}
	return changes, false, nil
}
