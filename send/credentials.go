package send

import (
	"encoding/base64"
	"net/url"

	"gaff/storage"
)

// withCredentials gives h the user:password of a target URL
// (http://user:pass@host) as Basic auth, the header net/http makes of them
// for subscriptions. It replaces an Authorization the capture carried: that
// one was meant for gaff's URL, the target's is the user's choice for this
// target. The credentials travel in the header, not in the URL the attempt
// records, so no screen or line can show them.
func withCredentials(h storage.Headers, target *url.URL) storage.Headers {
	if target.User == nil {
		return h
	}
	pass, _ := target.User.Password()
	auth := base64.StdEncoding.EncodeToString([]byte(target.User.Username() + ":" + pass))
	return SetHeaders(h, storage.Headers{{Name: "Authorization", Value: "Basic " + auth}})
}
