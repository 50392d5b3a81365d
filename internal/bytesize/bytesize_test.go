package bytesize

import (
	"strings"
	"testing"
)

func TestFormat(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0 B", 999: "999 B", 1000: "1.0 KiB", 1024: "1 KiB", 1536: "1.5 KiB", 102300: "99.9 KiB",
		102350: "100 KiB", 25 << 20: "25 MiB", 256<<20 + 1: "256 MiB", 10<<20 + 1<<19: "10.5 MiB", 3 << 30: "3 GiB",
	} {
		if got := Format(n); got != want {
			t.Errorf("Format(%d) = %q, want %q", n, got, want)
		}
	}
	// The request list gives a size 7 columns.
	for n := int64(1); n < 1<<42; n = n*3 + 1 {
		if s := strings.ReplaceAll(Format(n), " ", ""); len(s) > 7 {
			t.Errorf("Format(%d) = %q is wider than 7", n, s)
		}
	}
}
