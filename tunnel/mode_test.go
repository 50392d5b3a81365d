package tunnel

import (
	"strings"
	"testing"
)

func TestChooseMode(t *testing.T) {
	tests := []struct {
		flag, token string
		want        bool
		errHas      string
	}{
		{"auto", "tok", true, ""},
		{"auto", "", false, ""},
		{"", "tok", true, ""},
		{"", " \n", false, ""},
		{"AUTO", "tok", true, ""},
		{"ngrok", "tok", true, ""},
		{"ngrok", "", false, TokenURL},
		{"none", "tok", false, ""},
		{"none", "", false, ""},
		{"public", "tok", false, "auto"},
	}
	for _, tt := range tests {
		got, err := ChooseMode(tt.flag, tt.token)
		if tt.errHas != "" {
			if err == nil || !strings.Contains(err.Error(), tt.errHas) {
				t.Errorf("ChooseMode(%q, %q) error = %v, want one mentioning %q", tt.flag, tt.token, err, tt.errHas)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ChooseMode(%q, %q) = %v, %v; want %v", tt.flag, tt.token, got, err, tt.want)
		}
	}
}
