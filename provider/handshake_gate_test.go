package provider

import (
	"slices"
	"strings"
	"testing"
)

// Handshake skips the Discord parse for an unsigned body that names no
// application_id; every spelling json.Unmarshal would still match must
// keep the 401.
func TestHandshakeDiscordUnsignedSpellings(t *testing.T) {
	for _, body := range []string{
		`{"application_id":"1","type":1,"version":1}`,
		`{"Application_ID":"1","type":1,"version":1}`,
		`{"APPLICATION_ID":"1","type":1,"version":1}`,
		`{"\u0061pplication_id":"1","type":1,"version":1}`,
		` {"type":1,"version":1,"application_id":"1"}`,
	} {
		a, ok := Handshake(req("POST", "/interactions", body, "Content-Type", "application/json"), HandshakeConfig{})
		if !ok || a.Kind != KindDiscordPing || a.Status != 401 {
			t.Errorf("%s: %+v, %v; want a 401 Discord refusal", body, a, ok)
		}
	}
}

func TestMayNameApplicationID(t *testing.T) {
	for body, want := range map[string]bool{
		`{"ref":"refs/heads/main","sender":{"type":"User","node_id":"x"}}`: false,
		`{"application":"x","_id":1}`:                                      false,
		`{"application_id":1}`:                                             true,
		`{"x":"applicatioN_iD"}`:                                           true,
		`{"x":"\n"}`:                                                       true, // an escape could spell the name
		`application_`:                                                     false,
		`_id`:                                                              false,
	} {
		if got := mayNameApplicationID([]byte(body)); got != want {
			t.Errorf("%s: %v, want %v", body, got, want)
		}
	}
}

// jsonFields' shortcut for names that cannot be there gives what the full
// scan gives, escapes and nesting included.
func TestJSONFieldsShortcutMatchesScan(t *testing.T) {
	paths := [][]string{{"action"}, {"type", "action"}, {"event.type"}, {""}}
	for _, doc := range []string{
		`{"ref":"refs/heads/main","commits":[{"message":"no action here"}]}`,
		`{"ref":"x","action":"opened"}`,
		`{"\u0061ction":"escaped"}`,
		`{"event":{"type":"nested"}}`,
		`{"x":"\"action\""}`,
		`{"":"empty name"}`,
		`"action"`,
		``,
	} {
		for _, ps := range paths {
			s := jsonScanner{b: []byte(doc)}
			want := s.fields(ps...)
			if want == nil {
				want = make([]string, len(ps))
			}
			if got := jsonFields([]byte(doc), ps...); !slices.Equal(got, want) {
				t.Errorf("%s %q: %q, the scan gives %q", doc, ps, got, want)
			}
		}
	}
}

// The JSON gate does not let a badly signed request past Discord's check
// because its body is not a small JSON object.
func TestHandshakeDiscordRefusesBadSignatureOnAnyBody(t *testing.T) {
	for name, body := range map[string]string{
		"form":  "a=1&b=2",
		"large": `{"type":1,"pad":"` + strings.Repeat("x", handshakeBodyLimit) + `"}`,
	} {
		pub, _, r := discordSigned(t, body)
		r.Body = append([]byte(body), ' ') // the signature no longer matches
		if a, ok := Handshake(r, HandshakeConfig{DiscordPublicKey: pub}); !ok || a.Kind != KindDiscordPing || a.Status != 401 {
			t.Errorf("%s body: %+v, %v; want a 401 Discord refusal", name, a, ok)
		}
	}
}
