package redact

import "strings"

// secretNames are payload field names that carry credentials, compared
// after lower-casing and reading '-' as '_'.
var secretNames = map[string]bool{
	"token": true, "api_key": true, "apikey": true, "secret": true, "client_secret": true,
	"password": true, "passwd": true, "access_token": true, "refresh_token": true, "id_token": true,
	"auth_token": true, "private_key": true, "privatekey": true, "signing_secret": true,
	"secret_key": true, "secretkey": true, "webhook_secret": true, "verify_token": true,
	"session_token": true, "authorization": true, "credentials": true, "client_assertion": true,
}

// secretSuffixes catch the spellings the list cannot name one by one:
// accessToken, hub.verify_token, clientSecret, admin_password, x_api_key,
// aws_secret_access_key, signingKey. A bare "key" is not one: Jira's issue
// key is data.
var secretSuffixes = []string{"token", "secret", "password", "passphrase", "api_key", "apikey",
	"private_key", "privatekey", "access_key", "accesskey", "secret_key", "secretkey",
	"signing_key", "signingkey", "encryption_key", "encryptionkey"}

// secretName says whether a JSON key, form field or query parameter named
// name holds a credential.
func secretName(name string) bool {
	n := strings.ReplaceAll(strings.ToLower(name), "-", "_")
	if secretNames[n] {
		return true
	}
	for _, s := range secretSuffixes {
		if strings.HasSuffix(n, s) {
			return true
		}
	}
	return false
}

// signatureHeaders are the signature headers of the providers gaff knows
// (provider/detect.go); a header whose name says "signature" or "hmac" is
// treated the same way, so a provider added later is covered too.
var signatureHeaders = map[string]bool{
	"x-hub-signature": true, "x-hub-signature-256": true, "stripe-signature": true,
	"x-slack-signature": true, "webhook-signature": true, "svix-signature": true,
	"x-shopify-hmac-sha256": true, "shopify-hmac-sha256": true, "x-twilio-signature": true,
	"x-zm-signature": true, "twitch-eventsub-message-signature": true, "x-signature-ed25519": true,
	"linear-signature": true, "x-dropbox-signature": true, "x-twitter-webhooks-signature": true,
}

func isSignatureHeader(lname string) bool {
	if signatureHeaders[lname] {
		return true
	}
	// X-Signature-Timestamp and the like are signed data, not secrets, and
	// a fixture needs them to make sense of the request.
	if strings.Contains(lname, "timestamp") {
		return false
	}
	return strings.Contains(lname, "signature") || strings.Contains(lname, "hmac")
}

// secretHeaderWords mark headers that carry a credential whole:
// X-Gitlab-Token, X-Api-Key, X-Webhook-Secret, X-Amz-Security-Token.
var secretHeaderWords = []string{"token", "secret", "api-key", "apikey", "password", "x-auth"}

func isSecretHeader(lname string) bool {
	for _, w := range secretHeaderWords {
		if strings.Contains(lname, w) {
			return true
		}
	}
	return false
}
