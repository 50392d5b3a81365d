package tunnel

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/netip"
	"os"
	"strings"
	"unicode"
)

// maxPolicyFile bounds --traffic-policy: real policies are a few KB, and a
// huge file is more likely a wrong path (a log, a binary) than a policy.
const maxPolicyFile = 1 << 20

// TrafficPolicy builds the ngrok traffic policy for the protection flags:
// --basic-auth USER:PASSWORD, --allow-cidr CIDR (repeatable) and
// --traffic-policy FILE. It returns "" when none is given.
//
// The flags become one rule on on_http_request: restrict-ips first, so a
// caller outside the allowed ranges is turned away before being asked for a
// password, then basic-auth. See
// https://ngrok.com/docs/traffic-policy/actions/restrict-ips/ and
// https://ngrok.com/docs/traffic-policy/actions/basic-auth/.
//
// FILE is sent to ngrok as it is (YAML or JSON), and cannot be combined with
// the other two flags: merging would mean parsing and rewriting the user's
// document, and a policy whose final shape the user never saw is a bad thing
// to get wrong on a public URL. The error shows the rule to add instead.
func TrafficPolicy(basicAuth string, allowCIDRs []string, file string) (string, error) {
	if file != "" {
		if basicAuth != "" || len(allowCIDRs) > 0 {
			flags, err := flagPolicy(basicAuth, allowCIDRs)
			if err != nil {
				return "", err
			}
			return "", fmt.Errorf("--traffic-policy cannot be combined with --basic-auth or --allow-cidr: gaff sends %s to ngrok unchanged; add this rule to its on_http_request list instead:\n%s", file, flags)
		}
		return readPolicyFile(file)
	}
	if basicAuth == "" && len(allowCIDRs) == 0 {
		return "", nil
	}
	return flagPolicy(basicAuth, allowCIDRs)
}

// The shapes below are the subset of the traffic policy document gaff
// writes. Field order is fixed so the document is stable and readable.
type policyDoc struct {
	OnHTTPRequest []policyRule `json:"on_http_request"`
}

type policyRule struct {
	Name    string         `json:"name"`
	Actions []policyAction `json:"actions"`
}

type policyAction struct {
	Type   string `json:"type"`
	Config any    `json:"config"`
}

type restrictIPsConfig struct {
	Enforce bool     `json:"enforce"`
	Allow   []string `json:"allow"`
}

type basicAuthConfig struct {
	Credentials []string `json:"credentials"`
}

func flagPolicy(basicAuth string, allowCIDRs []string) (string, error) {
	rule := policyRule{Name: "gaff: --allow-cidr and --basic-auth"}
	if len(allowCIDRs) > 0 {
		cidrs, err := parseCIDRs(allowCIDRs)
		if err != nil {
			return "", err
		}
		rule.Actions = append(rule.Actions, policyAction{
			Type:   "restrict-ips",
			Config: restrictIPsConfig{Enforce: true, Allow: cidrs},
		})
	}
	if basicAuth != "" {
		if err := checkBasicAuth(basicAuth); err != nil {
			return "", err
		}
		rule.Actions = append(rule.Actions, policyAction{
			Type:   "basic-auth",
			Config: basicAuthConfig{Credentials: []string{basicAuth}},
		})
	}
	// JSON because encoding/json quotes every odd character correctly, and
	// ngrok accepts JSON policies as well as YAML.
	b, err := json.MarshalIndent(policyDoc{OnHTTPRequest: []policyRule{rule}}, "", "  ")
	if err != nil {
		return "", fmt.Errorf("cannot build the traffic policy: %w", err)
	}
	return string(b), nil
}

// parseCIDRs checks each --allow-cidr value and returns them in canonical
// form. A bare address means just that host (/32 or /128), since that is
// what people mean when they paste their IP.
func parseCIDRs(in []string) ([]string, error) {
	out := make([]string, 0, len(in))
	for _, raw := range in {
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, errors.New("--allow-cidr is empty; give an IP range such as 203.0.113.0/24 or 2001:db8::/32")
		}
		if p, err := netip.ParsePrefix(s); err == nil {
			out = append(out, p.Masked().String())
			continue
		}
		if a, err := netip.ParseAddr(s); err == nil {
			out = append(out, netip.PrefixFrom(a, a.BitLen()).String())
			continue
		}
		return nil, fmt.Errorf("--allow-cidr %q is not an IP range; give one such as 203.0.113.0/24, 2001:db8::/32, or a single address", raw)
	}
	return out, nil
}

// checkBasicAuth enforces what ngrok's basic-auth action accepts, so a bad
// value fails here, with the flag named, rather than later as a policy
// error from ngrok.
func checkBasicAuth(s string) error {
	user, pass, ok := strings.Cut(s, ":")
	switch {
	case !ok:
		return errors.New("--basic-auth must be USER:PASSWORD (no colon found)")
	case user == "":
		return errors.New("--basic-auth must be USER:PASSWORD; the user name is empty")
	case strings.ContainsFunc(s, unicode.IsControl):
		return errors.New("--basic-auth contains a control character; use printable characters only")
	case len(pass) < 8 || len(pass) > 128:
		return fmt.Errorf("--basic-auth password has %d characters; ngrok requires 8 to 128", len(pass))
	}
	return nil
}

func readPolicyFile(file string) (string, error) {
	f, err := os.Open(file)
	if err != nil {
		return "", fmt.Errorf("cannot read traffic policy %s: %w; check the path given to --traffic-policy", file, err)
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("cannot read traffic policy %s: %w", file, err)
	}
	if info.IsDir() {
		return "", fmt.Errorf("cannot read traffic policy %s: it is a directory; give --traffic-policy a YAML or JSON file", file)
	}
	if info.Size() > maxPolicyFile {
		return "", fmt.Errorf("traffic policy %s is %d bytes, more than gaff accepts (%d); is it the right file?", file, info.Size(), maxPolicyFile)
	}
	b, err := io.ReadAll(io.LimitReader(f, maxPolicyFile))
	if err != nil {
		return "", fmt.Errorf("cannot read traffic policy %s: %w", file, err)
	}
	if strings.TrimSpace(string(b)) == "" {
		return "", fmt.Errorf("traffic policy %s is empty; write rules in it (see README) or drop --traffic-policy", file)
	}
	return string(b), nil
}
