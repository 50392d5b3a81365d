// Package assets holds gaff's static files, compiled into the binary.
package assets

import "embed"

// Templates holds the built-in sample events, one JSON file each under
// templates/; provider.Templates parses them. The format is described in
// templates/README.md.
//
//go:embed templates/*.json
var Templates embed.FS
