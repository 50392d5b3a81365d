package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"sync"

	"gaff/assets"
)

// Template is a sample event: what to send, with placeholders for the
// values that must be fresh on each delivery (see Render).
//
// On disk a template is one JSON file (see assets/templates/README.md):
//
//	{
//	  "name": "github.push",            // unique; how --event picks it
//	  "provider": "github",             // a provider ID, or "" for generic
//	  "scheme": "github",               // signing scheme by default; "none" when omitted
//	  "description": "…",               // one line for pickers
//	  "method": "POST",                 // POST when omitted
//	  "pretty": false,                  // indent the rendered JSON body (Stripe does)
//	  "headers": [["X-GitHub-Event", "push"], …],  // ordered, names as sent
//	  "body": { … }                     // JSON body; or a string for a non-JSON body; or null
//	}
type Template struct {
	Name        string
	Provider    string
	Scheme      string
	Description string
	Method      string
	Headers     []HeaderPair
	Body        []byte // JSON text with placeholders when BodyJSON, else raw text with placeholders
	BodyJSON    bool
	Pretty      bool
	Source      string // the file it came from, for messages
}

type templateFile struct {
	Name        string          `json:"name"`
	Provider    string          `json:"provider"`
	Scheme      string          `json:"scheme"`
	Description string          `json:"description"`
	Method      string          `json:"method"`
	Pretty      bool            `json:"pretty"`
	Headers     [][]string      `json:"headers"`
	Body        json.RawMessage `json:"body"`
}

var embedded = sync.OnceValues(func() ([]Template, error) {
	return loadFS(assets.Templates, "templates", "assets/templates/")
})

// Templates returns the sample events built into gaff, sorted by name.
func Templates() []Template {
	list, err := embedded()
	if err != nil {
		// The embedded files are part of the build and checked by tests;
		// a bad one is a programming error, not a user's.
		panic("gaff: built-in template is broken: " + err.Error())
	}
	out := make([]Template, len(list))
	for i, t := range list {
		out[i] = t.clone()
	}
	return out
}

func (t Template) clone() Template {
	t.Headers = slices.Clone(t.Headers)
	t.Body = slices.Clone(t.Body)
	return t
}

// LoadTemplates reads user templates: every *.json file directly in dir,
// sorted by name. A missing dir is no error (the user has none); a file
// that does not parse or validate is, and the error names the file.
func LoadTemplates(dir string) ([]Template, error) {
	if _, err := os.Stat(dir); errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	return loadFS(os.DirFS(dir), ".", filepath.Clean(dir)+string(filepath.Separator))
}

// FindTemplate returns the first template in list with the given name; put
// user templates before Templates() to let them override built-in ones.
func FindTemplate(list []Template, name string) (Template, bool) {
	for _, t := range list {
		if t.Name == name {
			return t, true
		}
	}
	return Template{}, false
}

func loadFS(fsys fs.FS, dir, display string) ([]Template, error) {
	entries, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, fmt.Errorf("cannot list templates in %s: %w", display, err)
	}
	var list []Template
	seen := map[string]string{}
	for _, e := range entries {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		file := display + e.Name()
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, fmt.Errorf("cannot read template %s: %w", file, err)
		}
		t, err := ParseTemplate(data, file)
		if err != nil {
			return nil, err
		}
		if prev, dup := seen[t.Name]; dup {
			return nil, fmt.Errorf("template %s: name %q is already used by %s; rename one of them", file, t.Name, prev)
		}
		seen[t.Name] = file
		list = append(list, t)
	}
	slices.SortFunc(list, func(a, b Template) int { return strings.Compare(a.Name, b.Name) })
	return list, nil
}

// ParseTemplate reads one template file's bytes; source names it in errors.
func ParseTemplate(data []byte, source string) (Template, error) {
	fail := func(format string, args ...any) (Template, error) {
		return Template{}, fmt.Errorf("template %s: %s; fix the file or remove it", source, fmt.Sprintf(format, args...))
	}
	var f templateFile
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&f); err != nil {
		return fail("%s", jsonErrorAt(data, err))
	}
	if dec.More() {
		return fail("text after the closing } of the template object")
	}
	t := Template{
		Name:        strings.TrimSpace(f.Name),
		Provider:    f.Provider,
		Scheme:      f.Scheme,
		Description: f.Description,
		Method:      strings.ToUpper(strings.TrimSpace(f.Method)),
		Pretty:      f.Pretty,
		Source:      source,
	}
	if t.Name == "" || strings.ContainsAny(t.Name, " \t\r\n") {
		return fail("\"name\" must be a non-empty word such as \"acme.order.created\"")
	}
	if t.Scheme == "" {
		t.Scheme = SchemeNone
	}
	if !isScheme(t.Scheme) {
		return fail("\"scheme\" %q is not one of %v", t.Scheme, Schemes())
	}
	if t.Method == "" {
		t.Method = "POST"
	}
	if !IsToken(t.Method) {
		return fail("\"method\" %q is not an HTTP method", t.Method)
	}
	for i, h := range f.Headers {
		if len(h) != 2 {
			return fail("header %d must be a [name, value] pair", i+1)
		}
		if !IsToken(h[0]) {
			return fail("header %d name %q is not a valid header name", i+1, h[0])
		}
		if strings.ContainsAny(h[1], "\r\n\x00") {
			return fail("header %s value contains a line break or NUL", h[0])
		}
		if err := checkPlaceholders(h[1]); err != nil {
			return fail("header %s: %v", h[0], err)
		}
		t.Headers = append(t.Headers, HeaderPair{h[0], h[1]})
	}
	body := bytes.TrimSpace(f.Body)
	switch {
	case len(body) == 0 || string(body) == "null":
	case body[0] == '"':
		var s string
		if err := json.Unmarshal(body, &s); err != nil {
			return fail("\"body\": %v", err)
		}
		if err := checkPlaceholders(s); err != nil {
			return fail("\"body\": %v", err)
		}
		t.Body = []byte(s)
	default:
		if err := checkPlaceholders(string(body)); err != nil {
			return fail("\"body\": %v", err)
		}
		t.Body, t.BodyJSON = slices.Clone(body), true
	}
	return t, nil
}

// jsonErrorAt words a decoding error with the line and column it occurred at.
func jsonErrorAt(data []byte, err error) string {
	var off int64 = -1
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		off = syn.Offset
	case errors.As(err, &typ):
		off = typ.Offset
	}
	if off < 0 || off > int64(len(data)) {
		return err.Error()
	}
	line := 1 + bytes.Count(data[:off], []byte("\n"))
	col := int(off) - bytes.LastIndexByte(data[:off], '\n')
	return fmt.Sprintf("line %d, column %d: %v", line, col, err)
}

// IsToken reports whether s is an RFC 9110 token (method and header names).
func IsToken(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0 {
			continue
		}
		return false
	}
	return true
}
