package storage

// SenderURL is the URL as the sender addressed it: https through ngrok (gaff
// sees plain http behind it), or whatever a proxy in front says it was.
// Replays, exports and signature schemes that sign the URL (Twilio) need
// the sender's view, not the loopback address gaff listened on.
func (r *Request) SenderURL() string {
	scheme := "http"
	if r.Via == "ngrok" {
		scheme = "https"
	}
	if p := r.Headers.Get("X-Forwarded-Proto"); p == "https" || p == "http" {
		scheme = p
	}
	host := r.Host
	if h := r.Headers.Get("X-Forwarded-Host"); h != "" {
		host = h
	}
	if host == "" {
		host = "localhost"
	}
	return scheme + "://" + host + r.Target
}
