package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestCIReplayBadInputExits2(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty")
	os.Mkdir(empty, 0o755)
	to := "http://127.0.0.1:1/hook"
	for _, c := range []struct {
		args []string
		says string
	}{
		{[]string{"--dir", filepath.Join(dir, "nope"), "--to", to}, "no such directory"},
		{[]string{"--dir", empty, "--to", to}, "holds no fixtures"},
		{[]string{"--dir", empty, "--to", to, "--assert", "status=abc"}, `--assert "status=abc"`},
		{[]string{"--dir", empty, "--to", to, "--assert", "json:.a[=1"}, "--assert"},
		{[]string{"--dir", empty, "--to", "ftp://x"}, "--to"},
		{[]string{"--dir", empty}, "needs --to"},
		{[]string{"--dir", empty, "--to", to, "--timing", "slow"}, "--timing"},
		{[]string{"--dir", empty, "--to", to, "--shuffle"}, "--shuffle is for replaying captures"},
		{[]string{"--dir", empty, "--to", to, "7"}, "leave out 7"},
		{[]string{"--dir", empty, "--to", to, "--junit", filepath.Join(dir, "no", "r.xml")}, "--junit"},
	} {
		out, err := gaffCLI(t, append([]string{"replay"}, c.args...)...)
		if exitCode(err) != 2 || !strings.Contains(out, c.says) {
			t.Errorf("gaff replay %s: exit %d, want 2 and %q:\n%s", strings.Join(c.args, " "), exitCode(err), c.says, out)
		}
	}
}
