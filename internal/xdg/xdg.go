// Package xdg finds gaff's directories as the XDG Base Directory spec
// says: the variable when it holds an absolute path, else its default
// under the home directory.
package xdg

import (
	"os"
	"path/filepath"
)

// Data is $XDG_DATA_HOME/gaff, by default ~/.local/share/gaff: the database.
func Data() (string, error) { return dir("XDG_DATA_HOME", ".local", "share") }

// State is $XDG_STATE_HOME/gaff, by default ~/.local/state/gaff: the log.
func State() (string, error) { return dir("XDG_STATE_HOME", ".local", "state") }

// Config is $XDG_CONFIG_HOME/gaff, by default ~/.config/gaff: templates.
func Config() (string, error) { return dir("XDG_CONFIG_HOME", ".config") }

func dir(variable string, underHome ...string) (string, error) {
	d := os.Getenv(variable)
	if d == "" || !filepath.IsAbs(d) {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", err
		}
		d = filepath.Join(append([]string{home}, underHome...)...)
	}
	return filepath.Join(d, "gaff"), nil
}
