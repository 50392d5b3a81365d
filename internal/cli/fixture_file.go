package cli

import (
	"fmt"

	"gaff/storage"
)

// readFixture reads a capture saved as a file, one side of gaff diff.
// This build has no fixture format yet, so a file is refused by name.
func readFixture(path string) (*storage.Request, error) {
	return nil, fmt.Errorf("%s: this build of gaff cannot read fixture files; compare capture ids instead", path)
}
