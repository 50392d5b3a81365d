package xdg

import (
	"path/filepath"
	"testing"
)

// An absolute variable wins; an empty or relative one falls back to the
// default under the home directory, as the spec says.
func TestDirectories(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for _, c := range []struct {
		value string
		get   func() (string, error)
		name  string
		want  string
	}{
		{"/srv/data", Data, "XDG_DATA_HOME", "/srv/data/gaff"},
		{"", Data, "XDG_DATA_HOME", filepath.Join(home, ".local", "share", "gaff")},
		{"relative", State, "XDG_STATE_HOME", filepath.Join(home, ".local", "state", "gaff")},
		{"/etc/x", Config, "XDG_CONFIG_HOME", "/etc/x/gaff"},
		{"", Config, "XDG_CONFIG_HOME", filepath.Join(home, ".config", "gaff")},
	} {
		t.Setenv(c.name, c.value)
		if got, err := c.get(); err != nil || got != c.want {
			t.Errorf("%s=%q: %q, %v; want %q", c.name, c.value, got, err, c.want)
		}
	}
}
