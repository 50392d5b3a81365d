package policy_test

import (
	"strings"
	"testing"
	"time"

	"gaff/policy"
	"gaff/provider"
	"gaff/storage"
)

// Decide names the delivery from the capture's bytes, and a request with
// no provider id gets the body key that storage applies its window to.
func TestDecideNamesTheDelivery(t *testing.T) {
	if provider.BodyKeyPrefix != storage.BodyKeyPrefix {
		t.Fatalf("provider writes body keys as %q, storage reads them as %q", provider.BodyKeyPrefix, storage.BodyKeyPrefix)
	}
	p := &policy.Policy{}
	gh := &storage.Request{Summary: storage.Summary{Time: time.Now(), Method: "POST", Target: "/hooks/gh"},
		Headers: storage.Headers{{Name: "X-GitHub-Event", Value: "ping"}, {Name: "X-GitHub-Delivery", Value: "72d3162e-cc78-11e3-81ab-4c9367dc0958"}},
		Body:    []byte(`{"zen":"Design for failure."}`)}
	p.Decide(gh)
	if gh.Provider != provider.GitHub || gh.DeliveryID != "github:72d3162e-cc78-11e3-81ab-4c9367dc0958" {
		t.Errorf("github: provider %q delivery %q", gh.Provider, gh.DeliveryID)
	}
	plain := &storage.Request{Summary: storage.Summary{Time: time.Now(), Method: "POST", Target: "/anything?x=1"}, Body: []byte("hello")}
	p.Decide(plain)
	if !strings.HasPrefix(plain.DeliveryID, storage.BodyKeyPrefix) {
		t.Errorf("unknown sender: delivery %q, want a body key", plain.DeliveryID)
	}
}
