package cli

import (
	"fmt"
	"os"

	"gaff/fixture"
	"gaff/storage"
)

// readFixture reads a capture saved by gaff fixture save (docs/fixtures.md),
// one side of gaff diff; an error names the file.
func readFixture(path string) (*storage.Request, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	r, err := fixture.Decode(b)
	if err != nil {
		return nil, fmt.Errorf("%s is not a gaff fixture: %w", path, err)
	}
	return r, nil
}
