// Package diff compares two captures, or two JSON documents, structurally:
// objects by key, arrays by position, headers and query parameters by name
// (ARCHITECTURE.md, "Structural diff"). A change names where it is with a
// path a user can pass back as an ignore rule.
package diff

import (
	"errors"
	"strings"

	"gaff/sanitize"
)

// Kinds of Change.
const (
	Added   = "added"
	Removed = "removed"
	Changed = "changed"
)

// Options tune a comparison.
type Options struct {
	// Ignore lists paths left out of the comparison, with everything under
	// them: ".data.object.id", "headers.Date", "query.ts"; "[]" stands for
	// any array index (".items[].id").
	Ignore []string
}

// Change is one difference. Old is empty for Added, New for Removed; both
// are compact JSON for JSON values and raw text otherwise.
type Change struct {
	Path string `json:"path"`
	Kind string `json:"kind"` // Added, Removed or Changed
	Old  string `json:"old,omitempty"`
	New  string `json:"new,omitempty"`
}

// String renders c on one line, through sanitize, because Old and New
// are network bytes.
func (c Change) String() string {
	p := sanitize.Line(c.Path)
	switch c.Kind {
	case Added:
		return "+ " + p + ": " + sanitize.Line(c.New)
	case Removed:
		return "- " + p + ": " + sanitize.Line(c.Old)
	}
	return p + ": " + sanitize.Line(c.Old) + " → " + sanitize.Line(c.New)
}

// Check refuses an empty ignore path: it is a prefix of every body path,
// so it would hide every change and call two different captures equal.
func (opt Options) Check() error {
	for _, pat := range opt.Ignore {
		if strings.TrimSpace(pat) == "" {
			return errors.New("an empty ignore path would leave every change out; give one like .data.object.id, headers.Date or .items[].id")
		}
	}
	return nil
}

// ignored reports whether path or one of its parents is in opt.Ignore.
func (opt Options) ignored(path string) bool {
	for _, pat := range opt.Ignore {
		if matchPrefix(pat, path) {
			return true
		}
	}
	return false
}

// matchPrefix reports whether pat matches path or a parent of it: the
// match must end where path ends or where a new segment of it begins.
// Header names compare without case, as HTTP does.
func matchPrefix(pat, path string) bool {
	fold := strings.HasPrefix(pat, "headers.")
	i, j := 0, 0
	for i < len(pat) {
		if j >= len(path) {
			return false
		}
		if strings.HasPrefix(pat[i:], "[]") && path[j] == '[' {
			k := j + 1
			for k < len(path) && path[k] >= '0' && path[k] <= '9' {
				k++
			}
			if k > j+1 && k < len(path) && path[k] == ']' {
				i, j = i+2, k+1
				continue
			}
		}
		a, b := pat[i], path[j]
		if a != b && !(fold && lower(a) == lower(b)) {
			return false
		}
		i++
		j++
	}
	return j == len(path) || path[j] == '.' || path[j] == '['
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// differ collects changes, skipping ignored paths.
type differ struct {
	opt Options
	out []Change
}

func (d *differ) add(path, kind, old, new string) {
	if d.opt.ignored(path) {
		return
	}
	d.out = append(d.out, Change{Path: path, Kind: kind, Old: old, New: new})
}
