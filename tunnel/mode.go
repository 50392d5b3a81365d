package tunnel

import (
	"fmt"
	"strings"
)

// TokenURL is where an ngrok user finds their authtoken.
const TokenURL = "https://dashboard.ngrok.com/get-started/your-authtoken"

// ChooseMode turns the --tunnel flag and the ngrok authtoken (normally
// $NGROK_AUTHTOKEN) into whether to start ngrok. The local listener runs in
// every mode, so "no" still leaves gaff reachable on localhost.
//
//	auto (or "")  ngrok when a token is set, local only otherwise
//	ngrok         ngrok, and an error if there is no token: the user asked
//	              for a public URL and would otherwise not get one silently
//	none          never ngrok, even with a token
func ChooseMode(flag, token string) (useNgrok bool, err error) {
	hasToken := strings.TrimSpace(token) != ""
	switch strings.ToLower(strings.TrimSpace(flag)) {
	case "", "auto":
		return hasToken, nil
	case "ngrok":
		if !hasToken {
			return false, fmt.Errorf("--tunnel ngrok needs an ngrok authtoken, and NGROK_AUTHTOKEN is not set; copy yours from %s and run with NGROK_AUTHTOKEN=… set, or use --tunnel none to stay local", TokenURL)
		}
		return true, nil
	case "none":
		return false, nil
	}
	return false, fmt.Errorf("--tunnel %q is not a mode gaff knows; use auto (ngrok when NGROK_AUTHTOKEN is set), ngrok, or none", flag)
}
