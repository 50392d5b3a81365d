package team

import (
	"strings"
	"testing"
)

func TestConfigCheck(t *testing.T) {
	ok := Config{Name: "t", Me: "alice", Replicas: 1}
	for _, u := range []string{"nats://127.0.0.1:4222", "tls://tok@h:4222", "nats://a:1,nats://b:2, nats://c:3"} {
		c := ok
		c.URL = u
		if err := c.Check(); err != nil {
			t.Errorf("%s: %v", u, err)
		}
	}
	for u, want := range map[string]string{
		"127.0.0.1:4222":                 "the scheme must be",
		"nats://127.0.0.1":               "name the host and port",
		"nats://a:1,http://b:2":          `"http://b:2": the scheme`,
		"nats://user:hunter2@h:%zz":      "is not a URL",
		"nats://user:hunter2@:4222":      "name the host and port",
		"nats://sekrit-token@h:4222,x:y": "the scheme must be",
	} {
		c := ok
		c.URL = u
		err := c.Check()
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", u, err, want)
		}
		if err != nil && (strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), "sekrit")) {
			t.Errorf("%s: the error shows the password: %v", u, err)
		}
	}
}
