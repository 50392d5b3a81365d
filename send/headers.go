package send

import (
	"slices"
	"strings"

	"gaff/storage"
)

// sortHeaders orders response headers by name (Go's map loses the wire
// order), keeping repeats in the order received.
func sortHeaders(h storage.Headers) {
	slices.SortStableFunc(h, func(a, b storage.Header) int { return strings.Compare(a.Name, b.Name) })
}
