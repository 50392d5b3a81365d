package send

import (
	"fmt"
	"path/filepath"
	"slices"
	"strings"

	"gaff/internal/xdg"
	"gaff/provider"
)

// TemplateDir is where user templates live: $XDG_CONFIG_HOME/gaff/templates,
// falling back to ~/.config/gaff/templates as the XDG spec says. It is ""
// when no home directory is known.
func TemplateDir() string {
	dir, err := xdg.Config()
	if err != nil {
		return ""
	}
	return filepath.Join(dir, "templates")
}

// Templates lists the events gaff can fire, sorted by name: the user's
// templates from dir (see assets/templates/README.md for the format) and
// the built-in ones, a user template replacing a built-in one of its name.
// When a user file is broken the error names it, and the list still holds
// every built-in template, so pickers keep working.
func Templates(dir string) ([]provider.Template, error) {
	builtin := provider.Templates()
	if dir == "" {
		return builtin, nil
	}
	user, err := provider.LoadTemplates(dir)
	if err != nil {
		return builtin, err
	}
	list := user
	for _, t := range builtin {
		if _, taken := provider.FindTemplate(user, t.Name); !taken {
			list = append(list, t)
		}
	}
	slices.SortFunc(list, func(a, b provider.Template) int { return strings.Compare(a.Name, b.Name) })
	return list, nil
}

// FindTemplate picks a template by name; the error lists the names there are.
func FindTemplate(list []provider.Template, name string) (provider.Template, error) {
	if t, ok := provider.FindTemplate(list, name); ok {
		return t, nil
	}
	names := make([]string, len(list))
	for i, t := range list {
		names[i] = t.Name
	}
	return provider.Template{}, fmt.Errorf("no event template named %q; there are: %s", name, strings.Join(names, ", "))
}
