package tunnel

import (
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// decoded mirrors the document TrafficPolicy writes.
type decoded struct {
	OnHTTPRequest []struct {
		Name    string
		Actions []struct {
			Type   string
			Config struct {
				Enforce     *bool
				Allow       []string
				Credentials []string
			}
		}
	} `json:"on_http_request"`
}

func decodePolicy(t *testing.T, s string) decoded {
	t.Helper()
	var d decoded
	if err := json.Unmarshal([]byte(s), &d); err != nil {
		t.Fatalf("policy is not JSON: %v\n%s", err, s)
	}
	if len(d.OnHTTPRequest) != 1 {
		t.Fatalf("want one rule, got %s", s)
	}
	return d
}

func TestTrafficPolicyNone(t *testing.T) {
	p, err := TrafficPolicy("", nil, "")
	if p != "" || err != nil {
		t.Errorf("TrafficPolicy() = %q, %v; want nothing", p, err)
	}
}

func TestTrafficPolicyBasicAuth(t *testing.T) {
	p, err := TrafficPolicy("hooks:s3cret-pass:word", nil, "")
	if err != nil {
		t.Fatal(err)
	}
	a := decodePolicy(t, p).OnHTTPRequest[0].Actions
	if len(a) != 1 || a[0].Type != "basic-auth" || !reflect.DeepEqual(a[0].Config.Credentials, []string{"hooks:s3cret-pass:word"}) {
		t.Errorf("policy %s", p)
	}
}

func TestTrafficPolicyCIDRs(t *testing.T) {
	p, err := TrafficPolicy("", []string{"203.0.113.0/24", "10.1.2.3/8", " 198.51.100.7 ", "2001:db8::1", "2001:db8::/32"}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := decodePolicy(t, p).OnHTTPRequest[0].Actions
	want := []string{"203.0.113.0/24", "10.0.0.0/8", "198.51.100.7/32", "2001:db8::1/128", "2001:db8::/32"}
	if len(a) != 1 || a[0].Type != "restrict-ips" || a[0].Config.Enforce == nil || !*a[0].Config.Enforce || !reflect.DeepEqual(a[0].Config.Allow, want) {
		t.Errorf("policy %s, want allow %v", p, want)
	}
}

func TestTrafficPolicyBothFlags(t *testing.T) {
	p, err := TrafficPolicy("u:longenough", []string{"192.0.2.0/24"}, "")
	if err != nil {
		t.Fatal(err)
	}
	a := decodePolicy(t, p).OnHTTPRequest[0].Actions
	if len(a) != 2 || a[0].Type != "restrict-ips" || a[1].Type != "basic-auth" {
		t.Errorf("want restrict-ips then basic-auth: %s", p)
	}
}

func TestTrafficPolicyFlagErrors(t *testing.T) {
	tests := []struct {
		auth   string
		cidrs  []string
		errHas string
	}{
		{"nocolon", nil, "USER:PASSWORD"},
		{":password1", nil, "user name is empty"},
		{"user:short", nil, "8 to 128"},
		{"user:" + strings.Repeat("x", 129), nil, "8 to 128"},
		{"us\ter:password1", nil, "control character"},
		{"", []string{"10.0.0.0/33"}, `--allow-cidr "10.0.0.0/33"`},
		{"", []string{"example.com"}, `--allow-cidr "example.com"`},
		{"", []string{""}, "--allow-cidr is empty"},
	}
	for _, tt := range tests {
		_, err := TrafficPolicy(tt.auth, tt.cidrs, "")
		if err == nil || !strings.Contains(err.Error(), tt.errHas) {
			t.Errorf("TrafficPolicy(%q, %q) error = %v, want one mentioning %q", tt.auth, tt.cidrs, err, tt.errHas)
		}
	}
}

func TestTrafficPolicyFile(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "policy.yml")
	content := "on_http_request:\n  - actions:\n      - type: verify-webhook\n        config:\n          provider: github\n          secret: s\n"
	if err := os.WriteFile(file, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	p, err := TrafficPolicy("", nil, file)
	if err != nil || p != content {
		t.Errorf("TrafficPolicy(file) = %q, %v; want the file as it is", p, err)
	}

	_, err = TrafficPolicy("u:password1", []string{"192.0.2.0/24"}, file)
	if err == nil || !strings.Contains(err.Error(), "cannot be combined") || !strings.Contains(err.Error(), `"type": "basic-auth"`) {
		t.Errorf("file with flags: error = %v, want a refusal showing the rule to add", err)
	}
	_, err = TrafficPolicy("u:short", nil, file)
	if err == nil || !strings.Contains(err.Error(), "8 to 128") {
		t.Errorf("file with a bad flag: error = %v, want the flag's own error first", err)
	}

	empty := filepath.Join(dir, "empty.yml")
	os.WriteFile(empty, []byte("\n  \n"), 0o600)
	for name, path := range map[string]string{"empty": empty, "missing": filepath.Join(dir, "nope.yml"), "directory": dir} {
		if _, err := TrafficPolicy("", nil, path); err == nil || !strings.Contains(err.Error(), path) {
			t.Errorf("%s file: error = %v, want one naming %s", name, err, path)
		}
	}
}
